import Link from "next/link";
import { HealthBadge } from "@/components/ui/status-badge";
import { EmptyState } from "@/components/ui/states";
import type { FleetCounts, FleetDevice, FleetKnowledge, FleetSnapshot } from "@/lib/fleet/types";
import { formatAge, formatCount, formatDateTime } from "@/lib/format";
import { HEALTH_ORDER, type DeviceHealthState } from "@/lib/health/backup-health";
import { HEALTH_LOOK } from "@/lib/session-status";
import { deviceHref } from "@/lib/view/links";
import { AnomalyMark } from "./anomaly-mark";
import { FleetKnowledgeBanner } from "./fleet-knowledge-banner";
import { HealthLegend } from "./health-legend";
import { displayName } from "@/lib/display-name";

export function FleetCountTiles({ counts, size = "md" }: { counts: FleetCounts; size?: "md" | "xl" }) {
  return (
    <ul className={`grid gap-3 ${size === "xl" ? "grid-cols-6" : "grid-cols-2 sm:grid-cols-3 lg:grid-cols-6"}`} aria-label="Devices per backup state">
      {HEALTH_ORDER.map((state) => {
        const look = HEALTH_LOOK[state];
        return (
          <li key={state} className="rounded-lg border-2 bg-surface p-3" style={{ borderColor: look.ink }} data-state-count={state}>
            <p className={`font-semibold tabular-nums ${size === "xl" ? "text-[3.2em] leading-none" : "text-3xl"}`} style={{ color: look.ink }}>
              {formatCount(counts[state])}
            </p>
            <p className={`mt-1 font-medium ${size === "xl" ? "text-[1.3em]" : ""}`}>
              <span aria-hidden="true">{look.icon} </span>
              {look.label}
            </p>
          </li>
        );
      })}
    </ul>
  );
}

function sinceText(device: FleetDevice, now: number): string {
  if (!device.since) return "—";
  return formatAge(device.since, now);
}

export function ProblemDevices({
  problems,
  knowledge,
  zoneOf,
  now,
  limit,
  moreHref,
}: {
  problems: FleetDevice[];
  knowledge: FleetKnowledge;
  zoneOf: (clientId: string) => string | null;
  now: number;
  limit: number;
  moreHref: string | null;
}) {
  if (problems.length === 0 && knowledge.kind === "current") {
    return <EmptyState title="No device needs attention">Every device read so far backed up on time.</EmptyState>;
  }
  if (problems.length === 0) {
    // Nothing found is not nothing wrong while the fleet is not known (the banner says why).
    return <EmptyState title="Not known whether any device needs attention">None of the devices read so far does, but the fleet is not known: see the note above.</EmptyState>;
  }
  const shown = problems.slice(0, limit);
  return (
    <div className="space-y-2">
      <div className="overflow-x-auto rounded-lg border border-border bg-surface">
        <table className="w-full text-sm" aria-labelledby="problems-heading">
          <thead className="border-b border-border bg-surface-muted text-left">
            <tr>
              <th scope="col" className="px-3 py-2">Device</th>
              <th scope="col" className="px-3 py-2">Client</th>
              <th scope="col" className="px-3 py-2">Site</th>
              <th scope="col" className="px-3 py-2">Plugin</th>
              <th scope="col" className="px-3 py-2">State</th>
              <th scope="col" className="px-3 py-2">Since</th>
              <th scope="col" className="px-3 py-2">Last successful backup</th>
              <th scope="col" className="px-3 py-2">Read from N-sight</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((d) => (
              <tr key={d.deviceId} className="border-b border-border last:border-0 hover:bg-surface-muted" data-device-id={d.deviceId} data-health={d.state}>
                <th scope="row" className="px-3 py-2 text-left font-medium">
                  <Link href={deviceHref(d.deviceId, d.clientId, zoneOf(d.clientId))} className="text-accent hover:underline">
                    {displayName(d.name, `Device ${d.deviceId}`)}
                  </Link>
                </th>
                <td className="px-3 py-2">{displayName(d.clientName, `Client ${d.clientId}`)}</td>
                <td className="px-3 py-2">{displayName(d.siteName, `Site ${d.siteId}`)}</td>
                <td className="px-3 py-2">{d.worstPlugin ?? "—"}</td>
                <td className="px-3 py-2">
                  <HealthBadge state={d.state} />
                  {d.failedInARow > 1 && <span className="ml-1 text-xs text-muted">{d.failedInARow}× in a row</span>}
                  <AnomalyMark anomalies={d.anomalies} className="mt-1 block max-w-md text-xs" />
                </td>
                <td className="px-3 py-2">{d.since ? <time dateTime={d.since} title={formatDateTime(d.since, "UTC") + " UTC"}>{sinceText(d, now)}</time> : "—"}</td>
                <td className="px-3 py-2">{d.lastSuccessAt ? <time dateTime={d.lastSuccessAt}>{formatAge(d.lastSuccessAt, now)}</time> : "never"}</td>
                <td className="px-3 py-2 text-muted">
                  {d.readAt ? formatAge(d.readAt, now) : "—"}
                  {d.readError && <span className="block text-xs text-status-warning">last read failed</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {problems.length > limit && moreHref && (
        <Link href={moreHref} className="text-sm text-accent underline" scroll={false}>
          Show all {formatCount(problems.length)} devices that need attention
        </Link>
      )}
    </div>
  );
}

/** Devices whose backups look fine by the health rule but whose latest backups do not look like their history. */
export function AnomalousDevices({ devices, zoneOf, limit }: { devices: FleetDevice[]; zoneOf: (clientId: string) => string | null; limit: number }) {
  if (devices.length === 0) return null;
  return (
    <section aria-labelledby="anomalous-heading" className="space-y-2" data-testid="anomalous-devices">
      <h2 id="anomalous-heading" className="text-lg font-semibold">
        Quiet failures ({formatCount(devices.length)})
      </h2>
      <p className="text-sm text-muted">Backups that completed but look unlike the plugin&apos;s own history.</p>
      <ul className="divide-y divide-border rounded-lg border border-border bg-surface text-sm">
        {devices.slice(0, limit).map((d) => (
          <li key={d.deviceId} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2" data-device-id={d.deviceId} data-health={d.state}>
            <Link href={deviceHref(d.deviceId, d.clientId, zoneOf(d.clientId))} className="font-medium text-accent hover:underline">
              {displayName(d.name, `Device ${d.deviceId}`)}
            </Link>
            <span className="text-muted">{displayName(d.clientName, `Client ${d.clientId}`)}</span>
            <HealthBadge state={d.state} />
            <AnomalyMark anomalies={d.anomalies} className="basis-full text-xs" />
          </li>
        ))}
      </ul>
      {devices.length > limit && <p className="text-sm text-muted">and {formatCount(devices.length - limit)} more.</p>}
    </section>
  );
}

export function RollupText({ counts }: { counts: FleetCounts }) {
  const parts = HEALTH_ORDER.filter((s) => counts[s] > 0).map((s: DeviceHealthState) => `${formatCount(counts[s])} ${HEALTH_LOOK[s].label.toLowerCase()}`);
  return <span className="text-muted">{parts.length ? parts.join(", ") : "no devices"}</span>;
}

export function FleetOverview({ snapshot, now, zoneOf, showAllProblems, allProblemsHref }: { snapshot: FleetSnapshot; now: number; zoneOf: (clientId: string) => string | null; showAllProblems: boolean; allProblemsHref: string }) {
  return (
    <section aria-labelledby="fleet-heading" className="space-y-4" data-testid="fleet-overview" data-knowledge={snapshot.knowledge.kind}>
      <FleetKnowledgeBanner knowledge={snapshot.knowledge} renderedAt={now} size="page" />
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="fleet-heading" className="text-lg font-semibold">
          Backup health of {formatCount(snapshot.total)} devices
        </h2>
        <p className="text-sm text-muted">
          Newest state read from N-sight {snapshot.newestReadAt ? formatAge(snapshot.newestReadAt, now) : "—"}
          {snapshot.progress.restoredAt ? `; restored from disk ${formatAge(snapshot.progress.restoredAt, now)}` : ""}.
        </p>
      </div>
      <FleetCountTiles counts={snapshot.counts} />
      <HealthLegend />
      <h2 id="problems-heading" className="text-lg font-semibold">
        Needs attention ({formatCount(snapshot.problems.length)})
      </h2>
      <ProblemDevices problems={snapshot.problems} knowledge={snapshot.knowledge} zoneOf={zoneOf} now={now} limit={showAllProblems ? Infinity : 25} moreHref={showAllProblems ? null : allProblemsHref} />
      <AnomalousDevices devices={snapshot.anomalous} zoneOf={zoneOf} limit={showAllProblems ? Infinity : 25} />
    </section>
  );
}
