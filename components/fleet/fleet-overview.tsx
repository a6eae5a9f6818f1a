import Link from "next/link";
import { HealthBadge } from "@/components/ui/status-badge";
import { EmptyState } from "@/components/ui/states";
import type { FleetAnswer, FleetCounts, FleetTile, ProblemState } from "@/lib/fleet/types";
import { formatAge, formatCount, formatDateTime } from "@/lib/format";
import { HEALTH_ORDER, type DeviceHealthState } from "@/lib/health/backup-health";
import { HEALTH_LOOK } from "@/lib/session-status";
import { deviceHref } from "@/lib/view/links";
import { FilterBox } from "@/components/ui/filter-box";
import { TileAnomalyMark } from "./anomaly-mark";
import { FleetKnowledgeBanner } from "./fleet-knowledge-banner";
import { HealthLegend } from "./health-legend";
import { displayName } from "@/lib/display-name";
import { withParams, type SearchParams } from "@/lib/view/list-view";

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

function sinceText(device: FleetTile, now: number): string {
  if (!device.since) return "—";
  return formatAge(device.since, now);
}

/** A page of problem devices: the server selected and filtered them (lib/fleet/fleet-answer.ts). */
export function ProblemDevices({
  answer,
  zoneOf,
  now,
  hrefOf,
}: {
  answer: FleetAnswer;
  zoneOf: (clientId: string) => string | null;
  now: number;
  hrefOf: (changes: Record<string, string | undefined>) => string;
}) {
  const { problems, knowledge, problemPage } = answer;
  const filtered = problemPage.filter.state !== null || problemPage.filter.client !== null || problemPage.filter.text !== "";
  if (problemPage.total === 0 && filtered) {
    return <EmptyState title="No device matches">No device that needs attention matches the filter.</EmptyState>;
  }
  if (problemPage.total === 0 && knowledge.kind === "current") {
    return <EmptyState title="No device needs attention">Every device read so far backed up on time.</EmptyState>;
  }
  if (problemPage.total === 0) {
    // Nothing found is not nothing wrong while the fleet is not known (the banner says why).
    return <EmptyState title="Not known whether any device needs attention">None of the devices read so far does, but the fleet is not known: see the note above.</EmptyState>;
  }
  const first = (problemPage.page - 1) * problemPage.pageSize + 1;
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
            {problems.map((d) => (
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
                  <TileAnomalyMark count={d.anomalyCount} reasons={d.anomalyReasons} className="mt-1 block max-w-md text-xs" />
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
      <nav aria-label="Pages of devices that need attention" className="flex flex-wrap items-center gap-3 text-sm" data-problem-page={problemPage.page} data-problem-pages={problemPage.pages}>
        <span className="text-muted">
          {formatCount(first)}–{formatCount(first + problems.length - 1)} of {formatCount(problemPage.total)}
          {problemPage.pages > 1 ? ` · page ${formatCount(problemPage.page)} of ${formatCount(problemPage.pages)}` : ""}
        </span>
        {problemPage.page > 1 && (
          <Link href={hrefOf({ problemPage: problemPage.page > 2 ? String(problemPage.page - 1) : undefined })} className="text-accent underline" scroll={false} rel="prev">
            Previous page
          </Link>
        )}
        {problemPage.page < problemPage.pages && (
          <Link href={hrefOf({ problemPage: String(problemPage.page + 1) })} className="text-accent underline" scroll={false} rel="next">
            Next page
          </Link>
        )}
      </nav>
    </div>
  );
}

const STATE_FILTERS: { state: ProblemState | undefined; label: string }[] = [
  { state: undefined, label: "All" },
  { state: "failed", label: "Failed" },
  { state: "overdue", label: "Overdue" },
  { state: "warning", label: "Warning" },
];

/** A plain GET form (works before hydration): the clients on the answer's first page that have a device needing attention. */
function ClientFilter({ answer, params }: { answer: FleetAnswer; params: SearchParams }) {
  const choices = answer.clients.filter((c) => c.counts.failed + c.counts.overdue + c.counts.warning > 0);
  if (choices.length < 2) return null;
  const kept = Object.entries(params).filter(([name]) => name !== "problemClient" && name !== "problemPage");
  return (
    <form method="get" className="flex items-end gap-2 text-sm">
      {kept.map(([name, value]) => {
        const first = Array.isArray(value) ? value[0] : value;
        return first ? <input key={name} type="hidden" name={name} value={first} /> : null;
      })}
      <label className="flex flex-col gap-1">
        <span className="font-medium">Client</span>
        <select name="problemClient" defaultValue={answer.problemPage.filter.client ?? ""} className="rounded border border-border bg-surface px-2 py-1.5">
          <option value="">Every client</option>
          {choices.map((c) => (
            <option key={c.clientId} value={c.clientId}>
              {displayName(c.name, `Client ${c.clientId}`)}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="rounded border border-border px-3 py-1.5">
        Show
      </button>
    </form>
  );
}

/** Links, not a form: each filter is a URL, so it survives a reload, goes in a bookmark and works from the keyboard. */
function ProblemFilters({ answer, params, hrefOf }: { answer: FleetAnswer; params: SearchParams; hrefOf: (changes: Record<string, string | undefined>) => string }) {
  const { filter } = answer.problemPage;
  const clientName = filter.client === null ? null : (answer.clients.find((c) => c.clientId === filter.client)?.name ?? null);
  return (
    <div className="flex flex-wrap items-end gap-x-4 gap-y-2">
      <nav aria-label="Show devices in state" className="flex flex-wrap gap-1 text-sm">
        {STATE_FILTERS.map(({ state, label }) => {
          const current = (state ?? null) === filter.state;
          return (
            <Link
              key={label}
              href={hrefOf({ problemState: state, problemPage: undefined })}
              aria-current={current ? "page" : undefined}
              className={`rounded border px-2 py-1 ${current ? "border-accent font-semibold" : "border-border text-accent"}`}
              scroll={false}
            >
              {label}
              {state && ` (${formatCount(answer.counts[state])})`}
            </Link>
          );
        })}
      </nav>
      <FilterBox label="Filter devices that need attention" placeholder="Device, client or site" param="problemText" pageParam="problemPage" />
      <ClientFilter answer={answer} params={params} />
      {filter.client !== null && (
        <p className="text-sm">
          Client {displayName(clientName, `#${filter.client}`)} only ·{" "}
          <Link href={hrefOf({ problemClient: undefined, problemPage: undefined })} className="text-accent underline" scroll={false}>
            show every client
          </Link>
        </p>
      )}
    </div>
  );
}

/** Devices whose backups look fine by the health rule but whose latest backups do not look like their history. */
export function AnomalousDevices({ devices, total, zoneOf }: { devices: FleetTile[]; total: number; zoneOf: (clientId: string) => string | null }) {
  if (devices.length === 0) return null;
  return (
    <section aria-labelledby="anomalous-heading" className="space-y-2" data-testid="anomalous-devices">
      <h2 id="anomalous-heading" className="text-lg font-semibold">
        Quiet failures ({formatCount(total)})
      </h2>
      <p className="text-sm text-muted">Backups that completed but look unlike the plugin&apos;s own history.</p>
      <ul className="divide-y divide-border rounded-lg border border-border bg-surface text-sm">
        {devices.map((d) => (
          <li key={d.deviceId} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2" data-device-id={d.deviceId} data-health={d.state}>
            <Link href={deviceHref(d.deviceId, d.clientId, zoneOf(d.clientId))} className="font-medium text-accent hover:underline">
              {displayName(d.name, `Device ${d.deviceId}`)}
            </Link>
            <span className="text-muted">{displayName(d.clientName, `Client ${d.clientId}`)}</span>
            <HealthBadge state={d.state} />
            <TileAnomalyMark count={d.anomalyCount} reasons={d.anomalyReasons} className="basis-full text-xs" />
          </li>
        ))}
      </ul>
      {total > devices.length && <p className="text-sm text-muted">and {formatCount(total - devices.length)} more.</p>}
    </section>
  );
}

export function RollupText({ counts }: { counts: FleetCounts }) {
  const parts = HEALTH_ORDER.filter((s) => counts[s] > 0).map((s: DeviceHealthState) => `${formatCount(counts[s])} ${HEALTH_LOOK[s].label.toLowerCase()}`);
  return <span className="text-muted">{parts.length ? parts.join(", ") : "no devices"}</span>;
}

export function FleetOverview({ answer, now, zoneOf, params }: { answer: FleetAnswer; now: number; zoneOf: (clientId: string) => string | null; params: SearchParams }) {
  const hrefOf = (changes: Record<string, string | undefined>) => withParams(params, changes);
  const needing = answer.counts.failed + answer.counts.overdue + answer.counts.warning;
  return (
    <section aria-labelledby="fleet-heading" className="space-y-4" data-testid="fleet-overview" data-knowledge={answer.knowledge.kind}>
      <FleetKnowledgeBanner knowledge={answer.knowledge} renderedAt={now} size="page" />
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="fleet-heading" className="text-lg font-semibold">
          Backup health of {formatCount(answer.total)} devices
        </h2>
        <p className="text-sm text-muted">
          Newest state read from N-sight {answer.newestReadAt ? formatAge(answer.newestReadAt, now) : "—"}
          {answer.progress.restoredAt ? `; restored from disk ${formatAge(answer.progress.restoredAt, now)}` : ""}.
        </p>
      </div>
      <FleetCountTiles counts={answer.counts} />
      <HealthLegend />
      <h2 id="problems-heading" className="text-lg font-semibold">
        Needs attention ({formatCount(needing)})
      </h2>
      {needing > 0 && <ProblemFilters answer={answer} params={params} hrefOf={hrefOf} />}
      <ProblemDevices answer={answer} zoneOf={zoneOf} now={now} hrefOf={hrefOf} />
      <AnomalousDevices devices={answer.anomalous} total={answer.anomalousTotal} zoneOf={zoneOf} />
    </section>
  );
}
