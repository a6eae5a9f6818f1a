import Link from "next/link";
import { can } from "@/lib/auth/access";
import type { Principal } from "@/lib/auth/principal";
import { describeIncidentCounts } from "@/lib/incidents/incident-query";
import { readIncidentCounts } from "@/lib/incidents/incident-views";

/** The fleet view's line: open incidents of the clients this principal sees, and how many are snoozed. */
export async function IncidentCountLine({ principal }: { principal: Principal }) {
  const counts = await readIncidentCounts(principal, "fleet.read");
  const text = describeIncidentCounts(counts);
  return (
    <p className="text-sm font-medium" data-testid="incident-counts" data-open={counts.open} data-snoozed={counts.snoozed}>
      <span aria-hidden="true">{counts.open ? "⚑ " : "✓ "}</span>
      {can(principal, "incidents.read") ? (
        <Link href="/incidents?state=open" className="text-accent hover:underline">
          {text}
        </Link>
      ) : (
        text
      )}
    </p>
  );
}
