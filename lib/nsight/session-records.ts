import "server-only";
import { BACKUP_PLUGINS, SESSION_STATUSES, SESSION_TYPES, type BackupSession } from "../types";
import type { DropReporter } from "./records";
import { childElements, recordFields, type XmlElement } from "./xml";

/** N-sight's UTC "YYYY-MM-DD HH:MM:SS" as epoch ms; NaN when absent, a sentinel or not a real date. */
export function utcMillis(value: string | undefined): number {
  return utcStamp(value)?.ms ?? NaN;
}

/** Records directly under the root or under one wrapper (docs/nsight-api.md §4.2). */
function records(el: XmlElement, name: string): XmlElement[] {
  const direct = childElements(el, name);
  if (direct.length > 0) return direct;
  const found: XmlElement[] = [];
  for (const wrapper of el.children) {
    for (const c of wrapper.children) if (c.name === name) found.push(c);
  }
  return found;
}

const TYPE_SET: ReadonlySet<string> = new Set(SESSION_TYPES);
const PLUGIN_SET: ReadonlySet<string> = new Set(BACKUP_PLUGINS);
const STATUS_SET: ReadonlySet<string> = new Set(SESSION_STATUSES);

/** The fields of a `<session>`, in the order the mapping below reads them by index. */
export const SESSION_FIELDS = [
  "session_id",
  "type",
  "storage_account_id",
  "plugin",
  "start",
  "end",
  "selection_size",
  "selection_item_count",
  "size_change",
  "item_count_change",
  "removed_item_count",
  "processed_size",
  "processed_item_count",
  "transferred_size",
  "error_count",
  "status",
] as const;

/** Digits only, so "1e5" is not a number, and nothing above 2^53 - 1, which a double would round. */
function size(value: string | undefined): number | null {
  if (value === undefined || value.length === 0 || value.length > 17) return null;
  let i = value.charCodeAt(0) === 45 /* - */ ? 1 : 0;
  if (i === value.length) return null;
  for (; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : null;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digits(value: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const c = value.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

// Hot path: no regex, no Date.
function utcStamp(value: string | undefined): { ms: number; iso: string } | null {
  if (value === undefined || value.length !== 19) return null;
  const sep = value.charCodeAt(10);
  if (value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45 || (sep !== 32 && sep !== 84) || value.charCodeAt(13) !== 58 || value.charCodeAt(16) !== 58) {
    return null;
  }
  const y = digits(value, 0, 4);
  const mo = digits(value, 5, 2);
  const d = digits(value, 8, 2);
  const h = digits(value, 11, 2);
  const mi = digits(value, 14, 2);
  const sec = digits(value, 17, 2);
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) return null;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > DAYS_IN_MONTH[mo - 1]! || (mo === 2 && d === 29 && !leap)) return null;
  return { ms: Date.UTC(y, mo - 1, d, h, mi, sec), iso: `${value.slice(0, 10)}T${value.slice(11)}Z` };
}

export function sessionFromValues(v: readonly (string | undefined)[]): BackupSession | null {
  const sessionId = v[0];
  if (!sessionId) return null;
  const type = v[1] ?? "";
  const plugin = v[3] ?? "";
  const status = v[15] ?? "";
  const start = utcStamp(v[4]);
  const end = utcStamp(v[5]);
  const session: BackupSession = {
    sessionId,
    type,
    storageAccountId: v[2] || null,
    plugin,
    start: start?.iso ?? null,
    end: end?.iso ?? null,
    durationSeconds: start && end && end.ms >= start.ms ? (end.ms - start.ms) / 1000 : null,
    selectionSize: size(v[6]),
    selectionItemCount: size(v[7]),
    sizeChange: size(v[8]),
    itemCountChange: size(v[9]),
    removedItemCount: size(v[10]),
    processedSize: size(v[11]),
    processedItemCount: size(v[12]),
    transferredSize: size(v[13]),
    errorCount: size(v[14]),
    status,
  };
  if (!TYPE_SET.has(type) || !PLUGIN_SET.has(plugin) || !STATUS_SET.has(status)) {
    const unknown: ("type" | "plugin" | "status")[] = [];
    if (!TYPE_SET.has(type)) unknown.push("type");
    if (!PLUGIN_SET.has(plugin)) unknown.push("plugin");
    if (!STATUS_SET.has(status)) unknown.push("status");
    session.unknownValues = unknown;
  }
  return session;
}

function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** Sessions sorted by start (N-sight documents no order), ties by id; undated last. */
export function sortSessionsByStart(sessions: BackupSession[]): BackupSession[] {
  return sessions.sort((a, b) => {
    if (a.start === b.start) return compareIds(a.sessionId, b.sessionId);
    if (a.start === null) return 1;
    if (b.start === null) return -1;
    return a.start < b.start ? -1 : 1;
  });
}

export function sessionsFromValues(rows: readonly (readonly (string | undefined)[])[], onDrop?: DropReporter): BackupSession[] {
  const out: BackupSession[] = [];
  for (const values of rows) {
    const session = sessionFromValues(values);
    if (session) out.push(session);
    else onDrop?.("list_mob_sessions", "session without a session_id");
  }
  return sortSessionsByStart(out);
}

export function mapSessions(result: XmlElement, onDrop?: DropReporter): BackupSession[] {
  const rows = records(result, "session").map((el) => {
    const f = recordFields(el);
    return SESSION_FIELDS.map((name) => f[name]);
  });
  return sessionsFromValues(rows, onDrop);
}
