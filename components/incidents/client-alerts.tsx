import Link from "next/link";
import { can } from "@/lib/auth/access";
import type { Principal } from "@/lib/auth/principal";
import { incidentsHref } from "@/lib/incidents/incident-query";
import { readClientQuiet } from "@/lib/incidents/incident-views";
import { QuietMarker } from "./quiet-marker";
import { SnoozeControl } from "./snooze-control";

/** A client's open incidents, what holds its alerts, and the control to snooze the whole client. */
export async function ClientAlerts({ principal, clientId, clientName }: { principal: Principal; clientId: string; clientName: string }) {
  const { quiet, open } = await readClientQuiet(principal, clientId);
  return (
    <section aria-label="Alerts" className="space-y-2" data-testid="client-alerts">
      <p className="text-sm">
        <Link href={incidentsHref({ clientId })} className="text-accent hover:underline">
          {open === 0 ? "No open incident" : `${open} open ${open === 1 ? "incident" : "incidents"}`}
        </Link>
        {quiet && (
          <>
            {" "}
            <QuietMarker quiet={quiet} />
          </>
        )}
      </p>
      {can(principal, "incidents.snooze") && <SnoozeControl scope="client" targetId={clientId} targetLabel={clientName} />}
    </section>
  );
}
