import Link from "next/link";
import { Suspense, type ReactNode } from "react";
import { ShareLinkControl } from "@/components/devices/share-link";
import { Skeleton } from "@/components/ui/skeleton";
import { ErrorState } from "@/components/ui/states";
import type { Principal } from "@/lib/auth/principal";
import { getReportDevices } from "@/lib/data/nsight-data";
import { displayName } from "@/lib/display-name";
import { formatBytes, formatDateTime, formatExactBytes, safeZone } from "@/lib/format";
import { toUserError } from "@/lib/http/user-error";
import { pluginLabel } from "@/lib/session-status";
import {
  buildClientReport,
  monthBounds,
  monthKey,
  monthTiming,
  parseReportMonth,
  previousFullMonth,
  type ClientReport,
  type DeviceReport,
  type ReportMonth,
} from "@/lib/reports/client-report";
import { readReportDevices, type DeviceReadResult } from "@/lib/reports/report-data";
import type { Client } from "@/lib/types";
import { DeviceReportChart } from "./device-report-chart";
import { PrintButton } from "./print-button";

const MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const monthName = (m: ReportMonth) => `${MONTH_NAMES[m.month - 1]} ${m.year}`;
const percent = (rate: number | null) => (rate === null ? "—" : `${(Math.floor(rate * 1000) / 10).toFixed(1)} %`);

export interface ReportViewProps {
  principal: Principal;
  client: Client;
  /** As the address spelled it; null: the previous full month. */
  askedMonth: string | null;
  now: number;
  /** The dashboard's report (month picker, CSV, share) or a share link's (the report alone). */
  mode: "dashboard" | "shared";
  canShare: boolean;
}

function Notice({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div role="status" className="rounded-lg border border-border bg-surface p-4" data-report-notice>
      <p className="font-medium">{title}</p>
      <div className="mt-1 text-sm text-muted">{children}</div>
    </div>
  );
}

export async function ClientReportView({ principal, client, askedMonth, now, mode, canShare }: ReportViewProps) {
  const zone = safeZone(client.timezone);
  const name = displayName(client.name, `Client ${client.clientId}`);
  const base = `/reports/clients/${encodeURIComponent(client.clientId)}`;
  const parsed = askedMonth === null ? null : parseReportMonth(askedMonth);
  const heading = <h1 className="text-2xl font-semibold">Backup report: {name}</h1>;
  if (parsed && !parsed.ok) {
    return (
      <>
        {heading}
        <Notice title="This month cannot be reported">
          {parsed.problem}{" "}
          {mode === "dashboard" && (
            <Link href={base} className="text-accent hover:underline">
              Open last month&apos;s report
            </Link>
          )}
        </Notice>
      </>
    );
  }
  const month = parsed?.month ?? previousFullMonth(now, zone);
  const key = monthKey(month);
  const timing = monthTiming(monthBounds(month, zone), now);

  const toolbar = mode === "dashboard" && (
    <div className="flex flex-wrap items-end gap-3 print:hidden" data-report-toolbar>
      <form method="get" action={base} className="flex items-end gap-2">
        <label className="flex flex-col text-sm">
          Month
          <input type="month" name="month" defaultValue={key} min="2000-01" max="2100-12" required className="rounded border border-border bg-surface px-2 py-1" />
        </label>
        <button type="submit" className="rounded border border-border bg-surface px-3 py-1.5 text-sm font-medium hover:bg-surface-muted">
          Show
        </button>
      </form>
      <PrintButton />
      <a href={`/api${base}/csv?month=${key}`} className="rounded border border-border bg-surface px-3 py-1.5 text-sm font-medium hover:bg-surface-muted" download>
        Download CSV
      </a>
      {canShare && <ShareLinkControl clientId={client.clientId} month={key} />}
    </div>
  );
  const header = (
    <header className="space-y-1">
      {heading}
      <p className="text-sm text-muted">
        {monthName(month)} · days and times in {zone}
        {client.timezone ? "" : " (the client has no time zone in N-sight)"} · made {formatDateTime(new Date(now).toISOString(), zone, false)}
      </p>
    </header>
  );

  if (timing === "future") {
    return (
      <>
        {header}
        {toolbar}
        <Notice title={`${monthName(month)} has not begun in ${zone}`}>There is nothing to report yet.</Notice>
      </>
    );
  }

  let devices;
  try {
    devices = (await getReportDevices(principal, client.clientId, key)).data;
  } catch (error) {
    const problem = toUserError(error, "Devices");
    return (
      <>
        {header}
        {toolbar}
        <ErrorState title={problem.title} message={problem.message} />
      </>
    );
  }
  const reads = readReportDevices(principal, client.clientId, key, monthBounds(month, zone), devices, now);
  const build = (results: DeviceReadResult[]) => buildClientReport({ month, zone, now, devices: results.map(({ device, read }) => ({ device, read })) });

  return (
    <article className="client-report space-y-6" data-report-month={key}>
      {header}
      {toolbar}
      {timing === "current" && <Notice title={`${monthName(month)} is not over`}>The figures cover the days that have ended so far.</Notice>}
      <Suspense fallback={<Skeleton className="h-48" label="Reading every device's backups…" />}>
        <ReportSummary results={Promise.all(reads)} build={build} />
      </Suspense>
      {devices.map((device, i) => (
        <Suspense key={device.deviceId} fallback={<Skeleton className="h-64" label={`Reading ${device.name}…`} />}>
          <DeviceSection result={reads[i]!} build={build} />
        </Suspense>
      ))}
    </article>
  );
}

async function ReportSummary({ results, build }: { results: Promise<DeviceReadResult[]>; build: (r: DeviceReadResult[]) => ClientReport }) {
  const all = await results;
  const report = build(all);
  const t = report.totals;
  const unreadable = report.devices.filter((d) => d.read === "unreadable");
  const stale = report.devices.filter((d) => d.read === "stale");
  return (
    <section aria-labelledby="report-summary" className="space-y-3" data-report-summary>
      <h2 id="report-summary" className="text-lg font-semibold">
        Summary
      </h2>
      {report.beforeHistory && (
        <Notice title="This month is before the backup history N-sight keeps">No device has any backup session recorded before the month&apos;s end; the figures below are not evidence of anything.</Notice>
      )}
      {unreadable.length > 0 && (
        <div role="alert" className="rounded-lg border border-status-failed bg-surface p-3 text-sm" data-report-unreadable>
          <p className="font-medium">
            <span aria-hidden="true">⚠ </span>
            {unreadable.length} of {t.devices} devices could not be read; they are left out of every figure:
          </p>
          <ul className="ml-5 list-disc">
            {unreadable.map((d) => (
              <li key={d.device.deviceId}>
                {d.device.name}: {d.unreadableReason}
              </li>
            ))}
          </ul>
        </div>
      )}
      {stale.length > 0 && (
        <p className="text-sm" data-report-stale>
          <span aria-hidden="true">⏱ </span>
          N-sight did not answer just now for {stale.map((d) => d.device.name).join(", ")}: their last good reading is shown, read at{" "}
          {stale.map((d) => formatDateTime(d.fetchedAt, report.zone, false)).join(", ")}.
        </p>
      )}
      <dl className="grid grid-cols-2 gap-x-6 gap-y-2 text-sm sm:grid-cols-4">
        <Figure label="Devices read" name="devices" value={`${t.devicesRead} of ${t.devices}`} raw={t.devicesRead} hint={t.devicesOff ? `${t.devicesOff} with Backup & Recovery off` : undefined} />
        <Figure label="Backups run" name="runs" value={String(t.runs)} raw={t.runs} />
        <Figure label="Succeeded" name="succeeded" value={`${t.succeeded} (${percent(t.successRate)})`} raw={t.succeeded} hint={unreadable.length ? "of the devices read" : undefined} />
        <Figure label="Failed or incomplete" name="failures" value={String(t.failures)} raw={t.failures} />
        <Figure label="Data protected" name="protected" value={formatBytes(t.protectedBytes)} raw={t.protectedBytes} hint="selection size, latest good backup" />
        <Figure label="Data transferred" name="transferred" value={formatBytes(t.transferredBytes)} raw={t.transferredBytes} hint={formatExactBytes(t.transferredBytes)} />
        <Figure label="Anomalies" name="anomalies" value={String(t.anomalies)} hint="quiet failures, see each device" raw={t.anomalies} />
      </dl>
      <div className="overflow-x-auto">
        <table className="report-table w-full text-left text-sm">
          <caption className="sr-only">Devices in {report.month}</caption>
          <thead>
            <tr className="border-b border-border">
              {["Device", "Site", "Runs", "Succeeded", "Rate", "Last good backup", "Days without", "Protected", "Transferred", "Failures"].map((h) => (
                <th key={h} scope="col" className="px-2 py-1 font-medium">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {report.devices.map((d) => (
              <tr key={d.device.deviceId} className="border-b border-border" data-report-device={d.device.deviceId}>
                <th scope="row" className="px-2 py-1 font-medium">
                  {d.device.name}
                </th>
                <td className="px-2 py-1">{d.device.siteName}</td>
                {d.read === "unreadable" || d.read === "off" ? (
                  <td colSpan={8} className="px-2 py-1">
                    {d.read === "off" ? "Backup & Recovery off" : "Could not be read"}
                  </td>
                ) : (
                  <>
                    <td className="px-2 py-1">{d.runs}</td>
                    <td className="px-2 py-1">{d.succeeded}</td>
                    <td className="px-2 py-1">{percent(d.successRate)}</td>
                    <td className="px-2 py-1">{d.lastGoodAt ? formatDateTime(d.lastGoodAt, report.zone, false) : "never"}</td>
                    <td className="px-2 py-1">{d.daysWithoutGood ?? "unknown"}</td>
                    <td className="px-2 py-1">{formatBytes(d.protectedBytes)}</td>
                    <td className="px-2 py-1">{formatBytes(d.transferredBytes)}</td>
                    <td className="px-2 py-1">{d.failures.length}</td>
                  </>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Figure({ label, name, value, raw, hint }: { label: string; name: string; value: string; raw: number; hint?: string }) {
  return (
    <div data-total={name} data-value={raw}>
      <dt className="text-muted">{label}</dt>
      <dd className="text-base font-semibold">{value}</dd>
      {hint && <dd className="text-xs text-muted">{hint}</dd>}
    </div>
  );
}

const STATUS_WORDS: Record<string, string> = {
  FAILED: "failed",
  COMPLETED_WITH_ERRORS: "completed with errors",
  INTERRUPTED: "interrupted",
  CANCELED: "canceled",
  NOT_STARTED: "did not start",
};

async function DeviceSection({ result, build }: { result: Promise<DeviceReadResult>; build: (r: DeviceReadResult[]) => ClientReport }) {
  const one = await result;
  const report = build([one]);
  const d = report.devices[0]!;
  return (
    <section aria-labelledby={`device-${d.device.deviceId}`} className="report-device space-y-3 rounded-lg border border-border bg-surface p-4" data-report-section={d.device.deviceId}>
      <h2 id={`device-${d.device.deviceId}`} className="text-lg font-semibold">
        {d.device.name} <span className="text-sm font-normal text-muted">· {d.device.siteName} · {d.device.type}</span>
      </h2>
      <DeviceBody d={d} zone={report.zone} />
    </section>
  );
}

function DeviceBody({ d, zone }: { d: DeviceReport; zone: string }) {
  if (d.read === "off") return <p className="text-sm">Backup &amp; Recovery is not enabled on this device.</p>;
  if (d.read === "unreadable") return <p className="text-sm">⚠ Could not be read: {d.unreadableReason} It is left out of the report&apos;s figures.</p>;
  return (
    <>
      {d.read === "stale" && <p className="text-sm">⏱ N-sight did not answer just now: this is its last good reading, from {formatDateTime(d.fetchedAt, zone, false)}.</p>}
      {d.coverage === "no_sessions" && <p className="text-sm">No backup session is recorded for this device.</p>}
      {d.coverage === "history_starts_later" && <p className="text-sm">This device&apos;s backup history in N-sight begins after this month.</p>}
      {d.plugins.length > 0 && (
        <div className="overflow-x-auto">
          <table className="report-table w-full text-left text-sm">
            <caption className="sr-only">{d.device.name}: each plugin</caption>
            <thead>
              <tr className="border-b border-border">
                {["Plugin", "Runs", "Succeeded", "Rate", "Last good backup", "Days without", "Protected", "Transferred"].map((h) => (
                  <th key={h} scope="col" className="px-2 py-1 font-medium">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {d.plugins.map((p) => (
                <tr key={p.plugin} className="border-b border-border">
                  <th scope="row" className="px-2 py-1 font-medium">
                    {pluginLabel(p.plugin)}
                  </th>
                  <td className="px-2 py-1">{p.runs}</td>
                  <td className="px-2 py-1">{p.succeeded}</td>
                  <td className="px-2 py-1">{percent(p.successRate)}</td>
                  <td className="px-2 py-1">{p.lastGoodAt ? formatDateTime(p.lastGoodAt, zone, false) : "never"}</td>
                  <td className="px-2 py-1">{p.daysWithoutGood ?? "unknown"}</td>
                  <td className="px-2 py-1">{formatBytes(p.protectedBytes)}</td>
                  <td className="px-2 py-1">{formatBytes(p.transferredBytes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <DeviceReportChart report={d} />
      <div className="grid gap-4 text-sm sm:grid-cols-2">
        <div>
          <h3 className="font-medium">Failed or incomplete runs ({d.failures.length})</h3>
          {d.failures.length === 0 ? (
            <p className="text-muted">None.</p>
          ) : (
            <ul className="ml-5 list-disc">
              {d.failures.map((f) => (
                <li key={`${f.at}-${f.plugin}`}>
                  {formatDateTime(f.at, zone, false)}: {pluginLabel(f.plugin)} {STATUS_WORDS[f.status] ?? f.status}
                </li>
              ))}
            </ul>
          )}
        </div>
        <div>
          <h3 className="font-medium">Anomalies ({d.anomalies.length})</h3>
          {d.anomalies.length === 0 ? (
            <p className="text-muted">None.</p>
          ) : (
            <ul className="ml-5 list-disc">
              {d.anomalies.map((a, i) => (
                <li key={i}>
                  {a.at ? formatDateTime(a.at, zone, false) : "This month"}: {a.reason}
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </>
  );
}
