import Link from "next/link";
import { RollupText } from "@/components/fleet/fleet-overview";
import { DataFreshness } from "@/components/ui/data-freshness";
import { HealthBadge } from "@/components/ui/status-badge";
import { SortableHeader } from "@/components/ui/sortable-header";
import { EmptyState, ErrorState } from "@/components/ui/states";
import type { Principal } from "@/lib/auth/principal";
import { getClients } from "@/lib/data/nsight-data";
import { formatCount } from "@/lib/format";
import { toUserError } from "@/lib/http/user-error";
import type { FleetClientRollup } from "@/lib/fleet/types";
import { HEALTH_ORDER } from "@/lib/health/backup-health";
import type { Client } from "@/lib/types";
import { matchesFilter, sortBy, type ListView, type SearchParams } from "@/lib/view/list-view";
import { displayName } from "@/lib/display-name";

export const CLIENT_SORT_KEYS = ["name", "health", "timezone", "servers", "workstations", "devices"] as const;
export type ClientSortKey = (typeof CLIENT_SORT_KEYS)[number];

function sortValue(client: Client, key: ClientSortKey, rollups: ReadonlyMap<string, FleetClientRollup>) {
  switch (key) {
    case "health": {
      const worst = rollups.get(client.clientId)?.worst;
      return worst ? HEALTH_ORDER.indexOf(worst) : null;
    }
    case "name":
      return client.name;
    case "timezone":
      return client.timezone;
    case "servers":
      return client.serverCount;
    case "workstations":
      return client.workstationCount;
    case "devices":
      return client.deviceCount;
  }
}

export async function ClientsTable({ principal, view, params, rollups }: { principal: Principal; view: ListView<ClientSortKey>; params: SearchParams; rollups: ReadonlyMap<string, FleetClientRollup> }) {
  let clients;
  try {
    clients = await getClients(principal);
  } catch (error) {
    const problem = toUserError(error, "Clients");
    return <ErrorState title={problem.title} message={problem.message} />;
  }
  const rows = sortBy(
    clients.data.filter((c) => matchesFilter(view.q, c.name, c.timezone)),
    view,
    (client, key) => sortValue(client, key, rollups),
  );
  return (
    <section aria-labelledby="clients-heading" className="space-y-3">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="clients-heading" className="text-lg font-semibold">
          {view.q ? `${formatCount(rows.length)} of ${formatCount(clients.data.length)} clients` : `${formatCount(clients.data.length)} clients`}
        </h2>
        <DataFreshness fetchedAt={clients.fetchedAt} stale={clients.stale} />
      </div>
      {rows.length === 0 ? (
        <EmptyState title={clients.data.length === 0 ? "No clients" : "No client matches the filter"}>
          {clients.data.length === 0 ? "The API key sees no clients in N-sight." : "Clear or change the filter to see more."}
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-border bg-surface">
          <table className="w-full text-sm" aria-labelledby="clients-heading">
            <thead className="border-b border-border bg-surface-muted">
              <tr>
                <SortableHeader column="name" label="Client" view={view} params={params} />
                <SortableHeader column="health" label="Backup health" view={view} params={params} />
                <SortableHeader column="timezone" label="Time zone" view={view} params={params} />
                <SortableHeader column="servers" label="Servers" view={view} params={params} align="right" />
                <SortableHeader column="workstations" label="Workstations" view={view} params={params} align="right" />
                <SortableHeader column="devices" label="All devices" view={view} params={params} align="right" />
              </tr>
            </thead>
            <tbody>
              {rows.map((client) => (
                <tr key={client.clientId} className="border-b border-border last:border-0 hover:bg-surface-muted">
                  <th scope="row" className="px-3 py-2 text-left font-medium">
                    <Link href={`/clients/${client.clientId}`} className="text-accent hover:underline">
                      {displayName(client.name, `Client ${client.clientId}`)}
                    </Link>
                  </th>
                  <td className="px-3 py-2">
                    <ClientHealth rollup={rollups.get(client.clientId)} />
                  </td>
                  <td className="px-3 py-2 text-muted">{client.timezone ?? "—"}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{formatCount(client.serverCount)}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{formatCount(client.workstationCount)}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{formatCount(client.deviceCount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function ClientHealth({ rollup }: { rollup: FleetClientRollup | undefined }) {
  if (!rollup || rollup.worst === null) return <span className="text-muted">No devices</span>;
  return (
    <span className="flex flex-wrap items-center gap-x-2 gap-y-1">
      <HealthBadge state={rollup.worst} />
      <span className="text-xs">
        <RollupText counts={rollup.counts} />
      </span>
      {rollup.anomalous > 0 && (
        <span className="text-xs text-status-warning" data-anomalous={rollup.anomalous}>
          <span aria-hidden="true">⚠ </span>
          {rollup.anomalous === 1 ? "1 device" : `${rollup.anomalous} devices`} with anomalies
        </span>
      )}
    </span>
  );
}
