/** Computed on the server so the browser gets what it shows: at most about a thousand chart marks and one table page. */
import { detectAnomalies, type Anomaly } from "../health/anomalies";
import { assessDevice, type DeviceHealth } from "../health/backup-health";
import { formatDateTime } from "../format";
import { sessionsBetween } from "../sessions/time-bounds";
import { bucketStarts, type BucketUnit } from "../time/zone";
import { BACKUP_PLUGINS, type BackupSession } from "../types";
import { PAGE_SIZE, type DeviceView, type ResolvedRange, type SessionSortKey } from "./view";

/** Worst first. Unknown statuses rank just after FAILED: not evidence of success. */
const SEVERITY: Record<string, number> = {
  FAILED: 0,
  NOT_STARTED: 2,
  INTERRUPTED: 3,
  CANCELED: 4,
  COMPLETED_WITH_ERRORS: 5,
  COMPLETED: 6,
};
const severity = (status: string) => SEVERITY[status] ?? 1;

export function worstStatus(a: string | null, b: string): string {
  return a === null || severity(b) < severity(a) ? b : a;
}

export interface SeriesBuckets {
  unit: BucketUnit;
  starts: string[];
  transferred: number[][];
  sessions: number[][];
  maxDuration: (number | null)[][];
  selection: (number | null)[][];
}

export interface StatusGrid {
  unit: "day" | "week";
  starts: string[];
  worst: (string | null)[][];
}

export interface HistoryTotals {
  sessions: number;
  backups: number;
  completed: number;
  completedWithErrors: number;
  failed: number;
  successRate: number | null;
  transferred: number;
}

/** A quiet failure in view: the session it was seen in, and the chart bucket that holds it (null for a plugin that stopped appearing). */
export interface HistoryAnomaly extends Anomaly {
  sessionId: string | null;
  bucket: string | null;
}

/** The newest ones; a history full of them would only repeat itself. */
export const MAX_LISTED_ANOMALIES = 100;

export interface DeviceHistory {
  zone: string;
  from: string | null;
  to: string;
  plugins: string[];
  totals: HistoryTotals;
  series: SeriesBuckets;
  status: StatusGrid;
  health: DeviceHealth;
  /** Of each plugin's latest backup, whatever the range: the mark beside the health state, as the fleet shows it. */
  currentAnomalies: Anomaly[];
  /** Newest first, at most MAX_LISTED_ANOMALIES of anomalyCount. */
  anomalies: HistoryAnomaly[];
  anomalyCount: number;
  matching: number;
  firstSessionAt: string | null;
  lastSessionAt: string | null;
}

export type SessionFilters = Pick<DeviceView, "types" | "plugins" | "statuses">;

export function filterSessions(sessions: readonly BackupSession[], filters: SessionFilters, range: ResolvedRange): BackupSession[] {
  const inRange = sessionsBetween(sessions, { fromMs: range.fromMs, toMs: range.toMs });
  if (!filters.types.length && !filters.plugins.length && !filters.statuses.length) return inRange;
  const types = new Set<string>(filters.types);
  const plugins = new Set<string>(filters.plugins);
  const statuses = new Set<string>(filters.statuses);
  return inRange.filter(
    (s) => (!types.size || types.has(s.type)) && (!plugins.size || plugins.has(s.plugin)) && (!statuses.size || statuses.has(s.status)),
  );
}

function sizeUnitFor(spanMs: number): BucketUnit {
  if (spanMs <= 2 * 86_400_000) return "hour";
  if (spanMs <= 120 * 86_400_000) return "day";
  if (spanMs <= 2 * 366 * 86_400_000) return "week";
  return "month";
}

function orderPlugins(present: Iterable<string>): string[] {
  const set = new Set(present);
  const known = BACKUP_PLUGINS.filter((p) => set.has(p));
  const unknown = [...set].filter((p) => !(BACKUP_PLUGINS as readonly string[]).includes(p)).sort();
  return [...known, ...unknown];
}

function bucketIndex(starts: number[], t: number, hint: number): number {
  let i = Math.max(0, hint);
  if (i < starts.length && starts[i]! > t) i = 0;
  while (i + 1 < starts.length && starts[i + 1]! <= t) i++;
  return starts.length && starts[i]! <= t ? i : -1;
}

const matrix = <T>(rows: number, cols: number, fill: T): T[][] => Array.from({ length: rows }, () => Array<T>(cols).fill(fill));

export interface BuildHistoryOptions {
  filters: SessionFilters;
  range: ResolvedRange;
  zone: string;
  now: number;
}

const LONGEST_PRESET_MS = 366 * 86_400_000;

/** Clamped to the history and to now, so a custom range from year 0100 to 9999 costs what all history costs. */
export function chartSpan(range: ResolvedRange, firstStart: string | null, lastStart: string | null, now: number): { fromMs: number; toMs: number } {
  const historyFrom = firstStart === null ? range.toMs - 86_400_000 : Date.parse(firstStart);
  if (range.fromMs === null) return { fromMs: Math.min(historyFrom, range.toMs), toMs: range.toMs };
  const earliest = Math.min(historyFrom, now - LONGEST_PRESET_MS);
  const latest = Math.max(now, lastStart === null ? now : Date.parse(lastStart) + 1);
  const toMs = Math.min(Math.max(range.toMs, earliest), latest);
  return { fromMs: Math.min(Math.max(range.fromMs, earliest), toMs), toMs };
}

export function buildHistory(all: readonly BackupSession[], options: BuildHistoryOptions): DeviceHistory {
  const { filters, range, zone, now } = options;
  const sessions = filterSessions(all, filters, range);
  const firstDated = all.find((s) => s.start !== null);
  let lastDated: BackupSession | undefined;
  for (let i = all.length - 1; i >= 0 && !lastDated; i--) if (all[i]!.start !== null) lastDated = all[i];
  const { fromMs, toMs } = chartSpan(range, firstDated?.start ?? null, lastDated?.start ?? null, now);
  const plugins = orderPlugins(filters.plugins.length ? filters.plugins : sessions.map((s) => s.plugin));
  const pluginIndex = new Map(plugins.map((p, i) => [p, i]));

  const unit = sizeUnitFor(toMs - fromMs);
  const starts = bucketStarts(fromMs, toMs, unit, zone);
  const series: SeriesBuckets = {
    unit,
    starts: starts.map((t) => new Date(t).toISOString()),
    transferred: matrix(plugins.length, starts.length, 0),
    sessions: matrix(plugins.length, starts.length, 0),
    maxDuration: matrix<number | null>(plugins.length, starts.length, null),
    selection: matrix<number | null>(plugins.length, starts.length, null),
  };

  const statusUnit: "day" | "week" = toMs - fromMs <= 120 * 86_400_000 ? "day" : "week";
  const cellStarts = bucketStarts(fromMs, toMs, statusUnit, zone);
  const status: StatusGrid = {
    unit: statusUnit,
    starts: cellStarts.map((t) => new Date(t).toISOString()),
    worst: matrix<string | null>(plugins.length, cellStarts.length, null),
  };

  const totals: HistoryTotals = { sessions: sessions.length, backups: 0, completed: 0, completedWithErrors: 0, failed: 0, successRate: null, transferred: 0 };
  let b = 0;
  let c = 0;
  for (const s of sessions) {
    if (s.type === "BACKUP") {
      totals.backups++;
      if (s.status === "COMPLETED") totals.completed++;
      else if (s.status === "COMPLETED_WITH_ERRORS") totals.completedWithErrors++;
      else if (s.status === "FAILED") totals.failed++;
    }
    totals.transferred += s.transferredSize ?? 0;
    const p = pluginIndex.get(s.plugin);
    if (p === undefined || s.start === null) continue;
    const t = Date.parse(s.start);
    b = bucketIndex(starts, t, b);
    if (b >= 0) {
      series.transferred[p]![b]! += s.transferredSize ?? 0;
      series.sessions[p]![b]! += 1;
      const duration = s.durationSeconds;
      const prev = series.maxDuration[p]![b]!;
      if (duration !== null && (prev === null || duration > prev)) series.maxDuration[p]![b] = duration;
      if (s.selectionSize !== null) series.selection[p]![b] = s.selectionSize;
    }
    c = bucketIndex(cellStarts, t, c);
    if (c >= 0) status.worst[p]![c] = worstStatus(status.worst[p]![c]!, s.status);
  }
  totals.successRate = totals.backups ? totals.completed / totals.backups : null;

  const inView = new Set(sessions);
  const report = detectAnomalies(all, { now, judge: (s) => inView.has(s) });
  const found: HistoryAnomaly[] = [];
  for (let i = sessions.length - 1; i >= 0; i--) {
    const s = sessions[i]!;
    const marks = report.bySession.get(s.sessionId);
    if (!marks) continue;
    const at = bucketIndex(starts, Date.parse(s.start!), 0);
    for (const a of marks) found.push({ ...a, sessionId: s.sessionId, bucket: at >= 0 ? series.starts[at]! : null });
  }
  const shownPlugins = new Set(plugins);
  for (const a of report.current) if (a.rule === "plugin_missing" && shownPlugins.has(a.plugin)) found.unshift({ ...a, sessionId: null, bucket: null });

  return {
    zone,
    from: range.fromMs === null ? null : new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    plugins,
    totals,
    series,
    status,
    health: assessDevice(all, { now, formatDate: (iso) => `${formatDateTime(iso, zone, false)}` }),
    currentAnomalies: report.current,
    anomalies: found.slice(0, MAX_LISTED_ANOMALIES),
    anomalyCount: found.length,
    matching: sessions.length,
    firstSessionAt: firstDated?.start ?? null,
    lastSessionAt: lastDated?.start ?? null,
  };
}

function sortValue(s: BackupSession, key: SessionSortKey): string | number | null {
  switch (key) {
    case "start":
      return s.start;
    case "end":
      return s.end;
    case "duration":
      return s.durationSeconds;
    case "transferred":
      return s.transferredSize;
    case "selection":
      return s.selectionSize;
    case "plugin":
      return s.plugin;
    case "type":
      return s.type;
    case "status":
      return severity(s.status);
    case "errors":
      return s.errorCount;
  }
}

export function sortSessions(sessions: readonly BackupSession[], key: SessionSortKey, dir: "asc" | "desc"): BackupSession[] {
  const sign = dir === "asc" ? 1 : -1;
  return sessions.slice().sort((a, b) => {
    const va = sortValue(a, key);
    const vb = sortValue(b, key);
    if (va !== vb) {
      if (va === null) return 1;
      if (vb === null) return -1;
      return sign * (va < vb ? -1 : 1);
    }
    const sa = a.start ?? "";
    const sb = b.start ?? "";
    return sa === sb ? 0 : sign * (sa < sb ? -1 : 1);
  });
}

export interface SessionPage {
  rows: BackupSession[];
  /** The quiet failures of the rows shown, by session id. */
  anomalies: Record<string, Anomaly[]>;
  total: number;
  page: number;
  pageSize: number;
  pageCount: number;
}

export function pageOfSessions(sessions: readonly BackupSession[], view: Pick<DeviceView, "sort" | "dir" | "page">, pageSize = PAGE_SIZE): SessionPage {
  const total = sessions.length;
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(view.page, pageCount);
  const sorted = view.sort === "start" && view.dir === "asc" ? sessions : sortSessions(sessions, view.sort, view.dir);
  return { rows: sorted.slice((page - 1) * pageSize, page * pageSize), anomalies: {}, total, page, pageSize, pageCount };
}

/** Marks each row of a page with its quiet failures, judged against the whole history. */
export function markPage(page: SessionPage, all: readonly BackupSession[], now: number): SessionPage {
  const rows = new Set(page.rows);
  const report = detectAnomalies(all, { now, judge: (s) => rows.has(s) });
  const anomalies: Record<string, Anomaly[]> = {};
  for (const row of page.rows) {
    const found = report.bySession.get(row.sessionId);
    if (found) anomalies[row.sessionId] = found;
  }
  return { ...page, anomalies };
}
