import Link from "next/link";
import { AdminTable, Cell } from "@/components/admin/admin-ui";
import { displayName } from "@/lib/display-name";
import { formatDuration } from "@/lib/format";
import type { IncidentView } from "@/lib/incidents/incident-views";
import { HEALTH_LOOK, pluginLabel } from "@/lib/session-status";
import { QuietMarker } from "./quiet-marker";
import { ViewerTime } from "./viewer-time";

const STATE_WORDS: Record<string, string> = { failed: "failed", overdue: "overdue", warning: "warning" };

/** "Open: failed" with the health state's icon; a quiet failure (anomaly) names its rule. */
export function IncidentState({ incident }: { incident: IncidentView }) {
  const look = incident.kind === "health" ? HEALTH_LOOK[incident.state as keyof typeof HEALTH_LOOK] : undefined;
  const what = STATE_WORDS[incident.state] ?? incident.state.replace(/[_-]/g, " ");
  if (incident.resolvedAt !== null) {
    return (
      <span className="whitespace-nowrap" data-incident-state="resolved">
        <span aria-hidden="true" style={{ color: "var(--status-ok)" }}>
          ✓{" "}
        </span>
        Resolved <span className="text-muted">(was {what})</span>
      </span>
    );
  }
  return (
    <span className="whitespace-nowrap font-semibold" data-incident-state="open">
      <span aria-hidden="true" style={{ color: look?.ink ?? "var(--status-warning)" }}>
        {look?.icon ?? "!"}{" "}
      </span>
      Open: {incident.kind === "anomaly" ? `quiet failure, ${what}` : what}
    </span>
  );
}

export function IncidentTable({ incidents, now }: { incidents: IncidentView[]; now: number }) {
  return (
    <AdminTable caption="Incidents, open first" head={["State", "Device", "Client", "Plugin", "Reason", "Opened", "Resolved", "Duration", "Alerts"]}>
      {incidents.map((incident) => (
        <tr key={incident.id} data-incident={incident.id} data-device-id={incident.deviceId}>
          <Cell>
            <IncidentState incident={incident} />
          </Cell>
          <Cell>
            <Link href={`/devices/${encodeURIComponent(incident.deviceId)}`} className="text-accent hover:underline">
              {displayName(incident.deviceName, `Device ${incident.deviceId}`)}
            </Link>
          </Cell>
          <Cell>{displayName(incident.clientName, `Client ${incident.clientId}`)}</Cell>
          <Cell>{pluginLabel(incident.plugin)}</Cell>
          <Cell className="min-w-48">{incident.reason}</Cell>
          <Cell className="whitespace-nowrap">
            <ViewerTime ms={incident.openedAt} />
          </Cell>
          <Cell className="whitespace-nowrap">{incident.resolvedAt === null ? <span className="text-muted">not yet</span> : <ViewerTime ms={incident.resolvedAt} />}</Cell>
          <Cell className="whitespace-nowrap">
            {formatDuration(((incident.resolvedAt ?? now) - incident.openedAt) / 1000)}
            {incident.resolvedAt === null ? " so far" : ""}
          </Cell>
          <Cell className="min-w-48">{incident.quiet ? <QuietMarker quiet={incident.quiet} /> : <span className="text-muted">{incident.resolvedAt === null ? "notifying" : "—"}</span>}</Cell>
        </tr>
      ))}
    </AdminTable>
  );
}
