/** The monthly client report, computed from each device's sessions; every day boundary is the client's zone (lib/time/zone.ts). */
import type { Anomaly } from "../health/anomalies";
import { isSuccessfulStatus } from "../health/backup-health";
import { bucketStarts, nextBucketStart, zonedDayKey, zonedParts, zonedTimeToUtc } from "../time/zone";
import type { BackupSession, DeviceType } from "../types";

export interface ReportMonth {
  year: number;
  month: number;
}

export const REPORT_MIN_YEAR = 2000;
export const REPORT_MAX_YEAR = 2100;

export type MonthParse = { ok: true; month: ReportMonth } | { ok: false; problem: string };

export function monthKey(month: ReportMonth): string {
  return `${String(month.year).padStart(4, "0")}-${String(month.month).padStart(2, "0")}`;
}

/** Only YYYY-MM, a real month between 2000 and 2100: anything else is refused, not guessed at. */
export function parseReportMonth(raw: string): MonthParse {
  const match = /^(\d{4})-(\d{2})$/.exec(raw);
  if (!match) return { ok: false, problem: "Invalid month: expected YYYY-MM, for example 2026-11." };
  const year = Number(match[1]);
  const month = Number(match[2]);
  if (month < 1 || month > 12) return { ok: false, problem: "Invalid month: the month must be 01 to 12." };
  if (year < REPORT_MIN_YEAR || year > REPORT_MAX_YEAR) return { ok: false, problem: `Invalid month: the year must be ${REPORT_MIN_YEAR} to ${REPORT_MAX_YEAR}.` };
  return { ok: true, month: { year, month } };
}

/** The last month that has ended in the zone. */
export function previousFullMonth(now: number, zone: string): ReportMonth {
  const today = zonedParts(now, zone);
  return today.month === 1 ? { year: today.year - 1, month: 12 } : { year: today.year, month: today.month - 1 };
}

export interface MonthBounds {
  /** First instant of the 1st in the zone. */
  from: number;
  /** First instant of the next month's 1st. */
  to: number;
}

export function monthBounds(month: ReportMonth, zone: string): MonthBounds {
  const from = zonedTimeToUtc(month.year, month.month, 1, 0, zone);
  return { from, to: nextBucketStart(from, "month", zone) };
}

export type MonthTiming = "past" | "current" | "future";

export function monthTiming(bounds: MonthBounds, now: number): MonthTiming {
  return now < bounds.from ? "future" : now < bounds.to ? "current" : "past";
}

export interface ReportDevice {
  deviceId: string;
  name: string;
  siteName: string;
  type: DeviceType;
  backupEnabled: boolean;
}

/** What the report could learn of a device: its sessions, or why not. */
export type DeviceRead =
  | { state: "read"; sessions: readonly BackupSession[]; stale: boolean; fetchedAt: number; anomalies?: readonly Anomaly[] }
  | { state: "unreadable"; reason: string }
  | { state: "off" };

export interface ReportEvent {
  at: string;
  day: string;
  plugin: string;
  status: string;
}

export interface ReportAnomaly {
  at: string | null;
  day: string | null;
  plugin: string;
  rule: Anomaly["rule"];
  reason: string;
}

export interface PluginReport {
  plugin: string;
  runs: number;
  succeeded: number;
  /** 0 to 1; null when nothing ran. */
  successRate: number | null;
  /** As of the month's end, perhaps before the month. */
  lastGoodAt: string | null;
  /** Elapsed days of the month the device's history covers with no good backup of this plugin. */
  daysWithoutGood: number | null;
  /** Selection size of the month's latest good backup that gives one. */
  protectedBytes: number | null;
  transferredBytes: number;
}

export interface DayFigure {
  day: string;
  succeeded: number;
  unsuccessful: number;
  transferredBytes: number;
}

export type DeviceCoverage = "covered" | "history_starts_later" | "no_sessions";

export interface DeviceReport {
  device: ReportDevice;
  read: "read" | "stale" | "unreadable" | "off";
  /** Why a device could not be read, in words. */
  unreadableReason: string | null;
  fetchedAt: string | null;
  coverage: DeviceCoverage | null;
  plugins: PluginReport[];
  runs: number;
  succeeded: number;
  successRate: number | null;
  lastGoodAt: string | null;
  /** Elapsed days on which some plugin had no good backup. */
  daysWithoutGood: number | null;
  protectedBytes: number | null;
  transferredBytes: number;
  /** Every run that did not succeed, oldest first. */
  failures: ReportEvent[];
  anomalies: ReportAnomaly[];
  days: DayFigure[];
}

export interface ReportTotals {
  devices: number;
  devicesRead: number;
  devicesUnreadable: number;
  devicesOff: number;
  runs: number;
  succeeded: number;
  /** Of the devices read only; null when nothing ran. */
  successRate: number | null;
  failures: number;
  anomalies: number;
  protectedBytes: number;
  transferredBytes: number;
}

export interface ClientReport {
  month: string;
  zone: string;
  from: string;
  to: string;
  timing: MonthTiming;
  /** Days of the month that have ended. */
  elapsedDays: number;
  devices: DeviceReport[];
  totals: ReportTotals;
  /** True when no device read has any session before the month's end: the month is older than N-sight's history. */
  beforeHistory: boolean;
}

const iso = (ms: number) => new Date(ms).toISOString();
const startMs = (s: BackupSession) => (s.start === null ? NaN : Date.parse(s.start));

interface DayBounds {
  key: string;
  start: number;
  end: number;
}

function daysOf(bounds: MonthBounds, zone: string): DayBounds[] {
  const starts = bucketStarts(bounds.from, bounds.to, "day", zone);
  return starts.map((start, i) => ({ key: zonedDayKey(start, zone), start, end: starts[i + 1] ?? bounds.to }));
}

function pluginReport(plugin: string, all: readonly BackupSession[], inMonth: readonly BackupSession[], countedDays: DayBounds[] | null, bounds: MonthBounds, zone: string): PluginReport {
  const good = inMonth.filter((s) => isSuccessfulStatus(s.status));
  let lastGood: BackupSession | undefined;
  for (const s of all) {
    const at = startMs(s);
    if (at < bounds.to && isSuccessfulStatus(s.status) && (!lastGood || at > startMs(lastGood))) lastGood = s;
  }
  const goodDays = new Set(good.map((s) => zonedDayKey(startMs(s), zone)));
  let protectedBytes: number | null = null;
  for (const s of good) if (s.selectionSize !== null) protectedBytes = s.selectionSize;
  return {
    plugin,
    runs: inMonth.length,
    succeeded: good.length,
    successRate: inMonth.length ? good.length / inMonth.length : null,
    lastGoodAt: lastGood ? (lastGood.end ?? lastGood.start) : null,
    daysWithoutGood: countedDays ? countedDays.filter((d) => !goodDays.has(d.key)).length : null,
    protectedBytes,
    transferredBytes: inMonth.reduce((sum, s) => sum + (s.transferredSize ?? 0), 0),
  };
}

function emptyDevice(device: ReportDevice, read: DeviceReport["read"], reason: string | null): DeviceReport {
  return {
    device,
    read,
    unreadableReason: reason,
    fetchedAt: null,
    coverage: null,
    plugins: [],
    runs: 0,
    succeeded: 0,
    successRate: null,
    lastGoodAt: null,
    daysWithoutGood: null,
    protectedBytes: null,
    transferredBytes: 0,
    failures: [],
    anomalies: [],
    days: [],
  };
}

function deviceReport(device: ReportDevice, read: DeviceRead, days: DayBounds[], bounds: MonthBounds, zone: string, now: number): DeviceReport {
  if (read.state === "off") return emptyDevice(device, "off", null);
  if (read.state === "unreadable") return emptyDevice(device, "unreadable", read.reason);
  const dated = read.sessions.filter((s) => !Number.isNaN(startMs(s))).sort((a, b) => startMs(a) - startMs(b));
  const backups = dated.filter((s) => s.type === "BACKUP");
  const inMonth = backups.filter((s) => startMs(s) >= bounds.from && startMs(s) < bounds.to);
  const earliest = dated[0] ? startMs(dated[0]) : null;
  const coverage: DeviceCoverage = earliest === null ? "no_sessions" : earliest >= bounds.to ? "history_starts_later" : "covered";
  // Days before the device's history begins are unknown, not days without a backup; a device never backed up has had none on any day.
  const elapsed = days.filter((d) => d.end <= now);
  const countedDays =
    coverage === "history_starts_later" ? null : coverage === "no_sessions" ? elapsed : elapsed.filter((d) => d.end > (earliest ?? -Infinity));

  const pluginNames = [...new Set(backups.filter((s) => startMs(s) < bounds.to).map((s) => s.plugin))].sort();
  const plugins = pluginNames.map((plugin) =>
    pluginReport(
      plugin,
      backups.filter((s) => s.plugin === plugin),
      inMonth.filter((s) => s.plugin === plugin),
      countedDays,
      bounds,
      zone,
    ),
  );

  const goodDaysByPlugin = pluginNames.map((plugin) => new Set(inMonth.filter((s) => s.plugin === plugin && isSuccessfulStatus(s.status)).map((s) => zonedDayKey(startMs(s), zone))));
  const daysWithoutGood = countedDays
    ? countedDays.filter((d) => goodDaysByPlugin.length === 0 || goodDaysByPlugin.some((good) => !good.has(d.key))).length
    : null;

  const figures = new Map<string, DayFigure>(days.map((d) => [d.key, { day: d.key, succeeded: 0, unsuccessful: 0, transferredBytes: 0 }]));
  const failures: ReportEvent[] = [];
  for (const s of inMonth) {
    const day = zonedDayKey(startMs(s), zone);
    const figure = figures.get(day);
    const ok = isSuccessfulStatus(s.status);
    if (figure) {
      if (ok) figure.succeeded++;
      else figure.unsuccessful++;
      figure.transferredBytes += s.transferredSize ?? 0;
    }
    if (!ok) failures.push({ at: s.start!, day, plugin: s.plugin, status: s.status });
  }

  const anomalies: ReportAnomaly[] = (read.anomalies ?? [])
    .filter((a) => {
      if (a.sessionStart === null) return true;
      const at = Date.parse(a.sessionStart);
      return at >= bounds.from && at < bounds.to;
    })
    .map((a) => ({ at: a.sessionStart, day: a.sessionStart ? zonedDayKey(Date.parse(a.sessionStart), zone) : null, plugin: a.plugin, rule: a.rule, reason: a.reason }));

  const runs = inMonth.length;
  const succeeded = plugins.reduce((sum, p) => sum + p.succeeded, 0);
  const lastGood = plugins.map((p) => (p.lastGoodAt ? Date.parse(p.lastGoodAt) : NaN)).filter((t) => !Number.isNaN(t));
  const protectedSizes = plugins.flatMap((p) => (p.protectedBytes === null ? [] : [p.protectedBytes]));
  return {
    device,
    read: read.stale ? "stale" : "read",
    unreadableReason: null,
    fetchedAt: iso(read.fetchedAt),
    coverage,
    plugins,
    runs,
    succeeded,
    successRate: runs ? succeeded / runs : null,
    lastGoodAt: lastGood.length ? iso(Math.max(...lastGood)) : null,
    daysWithoutGood,
    protectedBytes: protectedSizes.length ? protectedSizes.reduce((a, b) => a + b, 0) : null,
    transferredBytes: plugins.reduce((sum, p) => sum + p.transferredBytes, 0),
    failures,
    anomalies,
    days: [...figures.values()],
  };
}

export interface ReportInput {
  month: ReportMonth;
  zone: string;
  now: number;
  devices: readonly { device: ReportDevice; read: DeviceRead }[];
}

export function buildClientReport(input: ReportInput): ClientReport {
  const { zone, now } = input;
  const bounds = monthBounds(input.month, zone);
  const days = daysOf(bounds, zone);
  const devices = input.devices.map(({ device, read }) => deviceReport(device, read, days, bounds, zone, now));
  const read = devices.filter((d) => d.read === "read" || d.read === "stale");
  const runs = read.reduce((sum, d) => sum + d.runs, 0);
  const succeeded = read.reduce((sum, d) => sum + d.succeeded, 0);
  return {
    month: monthKey(input.month),
    zone,
    from: iso(bounds.from),
    to: iso(bounds.to),
    timing: monthTiming(bounds, now),
    elapsedDays: days.filter((d) => d.end <= now).length,
    devices,
    totals: {
      devices: devices.length,
      devicesRead: read.length,
      devicesUnreadable: devices.filter((d) => d.read === "unreadable").length,
      devicesOff: devices.filter((d) => d.read === "off").length,
      runs,
      succeeded,
      successRate: runs ? succeeded / runs : null,
      failures: read.reduce((sum, d) => sum + d.failures.length, 0),
      anomalies: read.reduce((sum, d) => sum + d.anomalies.length, 0),
      protectedBytes: read.reduce((sum, d) => sum + (d.protectedBytes ?? 0), 0),
      transferredBytes: read.reduce((sum, d) => sum + d.transferredBytes, 0),
    },
    beforeHistory: read.length > 0 && read.every((d) => d.coverage !== "covered"),
  };
}
