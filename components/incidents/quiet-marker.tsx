import type { QuietMark } from "@/lib/incidents/incident-views";
import { ViewerTime } from "./viewer-time";

/** Who holds the alerts, until when and why: in words, with an icon, never colour alone. */
export function QuietMarker({ quiet }: { quiet: QuietMark }) {
  const what = quiet.kind === "maintenance" ? "Maintenance window" : quiet.scope === "client" ? "Client snoozed" : "Snoozed";
  return (
    <span className="inline-block rounded border border-border bg-surface-muted px-1.5 py-0.5 text-sm" data-quiet={quiet.kind}>
      <span aria-hidden="true">☾ </span>
      <strong className="font-semibold">{what}</strong> by {quiet.byName} until <ViewerTime ms={quiet.until} />: {quiet.reason}
    </span>
  );
}
