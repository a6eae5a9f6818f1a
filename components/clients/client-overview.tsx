import Link from "next/link";
import { DeviceHealthCell, fleetDevicesOrNone, HealthRollupLine } from "@/components/fleet/device-health-cell";
import { BackupFlag } from "@/components/ui/backup-flag";
import { DataFreshness } from "@/components/ui/data-freshness";
import { SortableHeader } from "@/components/ui/sortable-header";
import { EmptyState, ErrorState } from "@/components/ui/states";
import { currentTime } from "@/lib/clock";
import { combine } from "@/lib/data/fresh";
import type { Principal } from "@/lib/auth/principal";
import { getClientDevices, getSites } from "@/lib/data/nsight-data";
import { formatCount, safeZone } from "@/lib/format";
import { toUserError } from "@/lib/http/user-error";
import type { FleetDevice } from "@/lib/fleet/types";
import { HEALTH_ORDER } from "@/lib/health/backup-health";
import type { Client, ClientDevice } from "@/lib/types";
import { deviceHref, siteHref } from "@/lib/view/links";
import { matchesFilter, sortBy, type ListView, type SearchParams } from "@/lib/view/list-view";
import { displayName } from "@/lib/display-name";

export const CLIENT_DEVICE_SORT_KEYS = ["name", "health", "site", "type", "backup", "status"] as const;
export type ClientDeviceSortKey = (typeof CLIENT_DEVICE_SORT_KEYS)[number];

function deviceSortValue(d: ClientDevice, key: ClientDeviceSortKey, health: ReadonlyMap<string, FleetDevice>) {
  switch (key) {
    case "health": {
      const state = health.get(d.deviceId)?.state;
      return state ? HEALTH_ORDER.indexOf(state) : null;
    }
    case "name":
      return d.name;
    case "site":
      return d.siteName;
    case "type":
      return d.type;
    case "backup":
      return d.backupEnabled ? 0 : 1;
    case "status":
      return d.status;
  }
}

export async function ClientOverview({ principal, client, view, params }: { principal: Principal; client: Client; view: ListView<ClientDeviceSortKey>; params: SearchParams }) {
  let data;
  try {
    const [sites, devices] = await Promise.all([getSites(principal, client.clientId), getClientDevices(principal, client.clientId)]);
    data = combine(sites, devices, (s, d) => ({ sites: s, devices: d }));
  } catch (error) {
    const problem = toUserError(error, "Sites and devices");
    return <ErrorState title={problem.title} message={problem.message} />;
  }
  const { sites, devices } = data.data;
  const zone = client.timezone ? safeZone(client.timezone) : null;
  const perSite = new Map<string, { servers: number; workstations: number; backup: number }>();
  for (const d of devices) {
    const counts = perSite.get(d.siteId) ?? { servers: 0, workstations: 0, backup: 0 };
    if (d.type === "server") counts.servers++;
    else counts.workstations++;
    if (d.backupEnabled) counts.backup++;
    perSite.set(d.siteId, counts);
  }
  const health = fleetDevicesOrNone(principal, client.clientId);
  const now = currentTime();
  const rows = sortBy(
    devices.filter((d) => matchesFilter(view.q, d.name, d.siteName, d.description, d.username)),
    view,
    (d, key) => deviceSortValue(d, key, health),
  );

  return (
    <>
      <DataFreshness fetchedAt={data.fetchedAt} stale={data.stale} />
      <HealthRollupLine devices={[...health.values()]} />
      <section aria-labelledby="sites-heading" className="space-y-3">
        <h2 id="sites-heading" className="text-lg font-semibold">
          {formatCount(sites.length)} {sites.length === 1 ? "site" : "sites"}
        </h2>
        {sites.length === 0 ? (
          <EmptyState title="No sites">N-sight lists no site for this client.</EmptyState>
        ) : (
          <div className="overflow-x-auto rounded-lg border border-border bg-surface">
            <table className="w-full text-sm" aria-labelledby="sites-heading">
              <thead className="border-b border-border bg-surface-muted text-left">
                <tr>
                  <th scope="col" className="px-3 py-2">Site</th>
                  <th scope="col" className="px-3 py-2 text-right">Servers</th>
                  <th scope="col" className="px-3 py-2 text-right">Workstations</th>
                  <th scope="col" className="px-3 py-2 text-right">Backup & Recovery on</th>
                  <th scope="col" className="px-3 py-2">Connection</th>
                </tr>
              </thead>
              <tbody>
                {sites.map((site) => {
                  const counts = perSite.get(site.siteId) ?? { servers: 0, workstations: 0, backup: 0 };
                  return (
                    <tr key={site.siteId} className="border-b border-border last:border-0 hover:bg-surface-muted">
                      <th scope="row" className="px-3 py-2 text-left font-medium">
                        <Link href={siteHref(client.clientId, site.siteId)} className="text-accent hover:underline">
                          {displayName(site.name, `Site ${site.siteId}`)}
                        </Link>
                      </th>
                      <td className="px-3 py-2 text-right tabular-nums">{formatCount(counts.servers)}</td>
                      <td className="px-3 py-2 text-right tabular-nums">{formatCount(counts.workstations)}</td>
                      <td className="px-3 py-2 text-right tabular-nums">{formatCount(counts.backup)}</td>
                      <td className="px-3 py-2">{site.connectionOk === null ? "—" : site.connectionOk ? "Reachable" : "Unreachable"}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="devices-heading" className="space-y-3">
        <h2 id="devices-heading" className="text-lg font-semibold">
          {view.q ? `${formatCount(rows.length)} of ${formatCount(devices.length)} devices` : `${formatCount(devices.length)} devices`}
        </h2>
        {rows.length === 0 ? (
          <EmptyState title={devices.length === 0 ? "No devices" : "No device matches the filter"} />
        ) : (
          <div className="overflow-x-auto rounded-lg border border-border bg-surface">
            <table className="w-full text-sm" aria-labelledby="devices-heading">
              <thead className="border-b border-border bg-surface-muted">
                <tr>
                  <SortableHeader column="name" label="Device" view={view} params={params} />
                  <SortableHeader column="health" label="Backup health" view={view} params={params} />
                  <SortableHeader column="site" label="Site" view={view} params={params} />
                  <SortableHeader column="type" label="Type" view={view} params={params} />
                  <SortableHeader column="backup" label="Backup & Recovery" view={view} params={params} />
                  <SortableHeader column="status" label="N-sight status" view={view} params={params} />
                </tr>
              </thead>
              <tbody>
                {rows.map((d) => (
                  <tr key={d.deviceId} className="border-b border-border last:border-0 hover:bg-surface-muted">
                    <th scope="row" className="px-3 py-2 text-left font-medium">
                      <Link href={deviceHref(d.deviceId, client.clientId, zone)} className="text-accent hover:underline">
                        {displayName(d.name, `Device ${d.deviceId}`)}
                      </Link>
                    </th>
                    <td className="px-3 py-2">
                      <DeviceHealthCell device={health.get(d.deviceId)} now={now} />
                    </td>
                    <td className="px-3 py-2">
                      <Link href={siteHref(client.clientId, d.siteId)} className="hover:underline">
                        {displayName(d.siteName, `Site ${d.siteId}`)}
                      </Link>
                    </td>
                    <td className="px-3 py-2">{d.type === "server" ? "Server" : "Workstation"}</td>
                    <td className="px-3 py-2">
                      <BackupFlag enabled={d.backupEnabled} />
                    </td>
                    <td className="px-3 py-2 text-muted">{d.status ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
