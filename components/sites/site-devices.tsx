import Link from "next/link";
import { DeviceHealthCell, HealthRollupLine } from "@/components/fleet/device-health-cell";
import { BackupFlag } from "@/components/ui/backup-flag";
import { DataFreshness } from "@/components/ui/data-freshness";
import { SortableHeader } from "@/components/ui/sortable-header";
import { EmptyState } from "@/components/ui/states";
import type { Fresh } from "@/lib/data/fresh";
import { formatAge, formatCount } from "@/lib/format";
import type { FleetDevice } from "@/lib/fleet/types";
import { HEALTH_ORDER } from "@/lib/health/backup-health";
import type { SiteDevice } from "@/lib/types";
import { deviceHref } from "@/lib/view/links";
import { matchesFilter, sortBy, type ListView, type SearchParams } from "@/lib/view/list-view";
import { displayName } from "@/lib/display-name";

export const SITE_DEVICE_SORT_KEYS = ["name", "health", "type", "os", "online", "backup", "boot"] as const;
export type SiteDeviceSortKey = (typeof SITE_DEVICE_SORT_KEYS)[number];

function sortValue(d: SiteDevice, key: SiteDeviceSortKey, health: ReadonlyMap<string, FleetDevice>) {
  switch (key) {
    case "health": {
      const state = health.get(d.deviceId)?.state;
      return state ? HEALTH_ORDER.indexOf(state) : null;
    }
    case "name":
      return d.name;
    case "type":
      return d.type;
    case "os":
      return d.os;
    case "online":
      return d.online === null ? null : d.online ? 0 : 1;
    case "backup":
      return d.backupEnabled === null ? null : d.backupEnabled ? 0 : 1;
    case "boot":
      return d.lastBootTime;
  }
}

function Online({ online }: { online: boolean | null }) {
  if (online === null) return <span className="text-muted">Unknown</span>;
  return online ? (
    <span className="text-status-ok">
      <span aria-hidden="true">▲ </span>Online
    </span>
  ) : (
    <span className="text-muted">
      <span aria-hidden="true">▽ </span>Offline
    </span>
  );
}

export function SiteDevices({
  devices,
  health,
  clientId,
  zone,
  view,
  params,
  now,
}: {
  devices: Fresh<SiteDevice[]>;
  health: ReadonlyMap<string, FleetDevice>;
  clientId: string;
  zone: string | null;
  view: ListView<SiteDeviceSortKey>;
  params: SearchParams;
  now: number;
}) {
  const rows = sortBy(
    devices.data.filter((d) => matchesFilter(view.q, d.name, d.os, d.description, d.user, d.ip)),
    view,
    (d, key) => sortValue(d, key, health),
  );
  const siteHealth = devices.data.map((d) => health.get(d.deviceId)).filter((d): d is FleetDevice => d !== undefined);
  const servers = devices.data.filter((d) => d.type === "server").length;
  return (
    <section aria-labelledby="site-devices-heading" className="space-y-3">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="site-devices-heading" className="text-lg font-semibold">
          {formatCount(servers)} {servers === 1 ? "server" : "servers"}, {formatCount(devices.data.length - servers)} workstations
          {view.q ? ` (${formatCount(rows.length)} shown)` : ""}
        </h2>
        <DataFreshness fetchedAt={devices.fetchedAt} stale={devices.stale} now={now} />
      </div>
      <HealthRollupLine devices={siteHealth} />
      {rows.length === 0 ? (
        <EmptyState title={devices.data.length === 0 ? "No devices at this site" : "No device matches the filter"} />
      ) : (
        <div className="overflow-x-auto rounded-lg border border-border bg-surface">
          <table className="w-full text-sm" aria-labelledby="site-devices-heading">
            <thead className="border-b border-border bg-surface-muted">
              <tr>
                <SortableHeader column="name" label="Device" view={view} params={params} />
                <SortableHeader column="health" label="Backup health" view={view} params={params} />
                <SortableHeader column="type" label="Type" view={view} params={params} />
                <SortableHeader column="os" label="Operating system" view={view} params={params} />
                <SortableHeader column="online" label="Online" view={view} params={params} />
                <SortableHeader column="backup" label="Backup & Recovery" view={view} params={params} />
                <SortableHeader column="boot" label="Last boot" view={view} params={params} />
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => (
                <tr key={d.deviceId} className="border-b border-border last:border-0 hover:bg-surface-muted">
                  <th scope="row" className="px-3 py-2 text-left font-medium">
                    <Link href={deviceHref(d.deviceId, clientId, zone)} className="text-accent hover:underline">
                      {displayName(d.name, `Device ${d.deviceId}`)}
                    </Link>
                    {d.description && <span className="block text-xs font-normal text-muted">{d.description}</span>}
                  </th>
                  <td className="px-3 py-2">
                    <DeviceHealthCell device={health.get(d.deviceId)} now={now} />
                  </td>
                  <td className="px-3 py-2">{d.type === "server" ? "Server" : "Workstation"}</td>
                  <td className="px-3 py-2">{d.os ?? "—"}</td>
                  <td className="px-3 py-2">
                    <Online online={d.online} />
                  </td>
                  <td className="px-3 py-2">
                    <BackupFlag enabled={d.backupEnabled} />
                  </td>
                  <td className="px-3 py-2 text-muted">{d.lastBootTime ? <time dateTime={d.lastBootTime}>{formatAge(d.lastBootTime, now)}</time> : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
