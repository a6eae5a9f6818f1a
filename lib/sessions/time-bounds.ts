import { RequestError } from "../http/request-error";
import type { BackupSession } from "../types";

export interface TimeBounds {
  fromMs: number | null;
  toMs: number | null;
}

export class InvalidTimeBoundError extends RequestError {
  constructor(message: string) {
    super(message);
    this.name = "InvalidTimeBoundError";
  }
}

const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;

function isRealDay(day: string): boolean {
  const [year, month, date] = day.split("-").map(Number) as [number, number, number];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const length = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return length !== undefined && date >= 1 && date <= length;
}

function parseBound(name: string, value: string | null): number | null {
  if (value === null) return null;
  if (!ISO.test(value)) {
    throw new InvalidTimeBoundError(`Invalid ${name}: expected an ISO 8601 date or date-time with a zone, such as 2026-01-31T00:00:00Z.`);
  }
  const ms = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
  // Date.parse rolls 30 February over into March.
  if (Number.isNaN(ms) || !isRealDay(value.slice(0, 10))) throw new InvalidTimeBoundError(`Invalid ${name}: not a real date.`);
  return ms;
}

export function parseTimeBounds(from: string | null, to: string | null): TimeBounds {
  const bounds = { fromMs: parseBound("from", from), toMs: parseBound("to", to) };
  if (bounds.fromMs !== null && bounds.toMs !== null && bounds.fromMs > bounds.toMs) {
    throw new InvalidTimeBoundError("Invalid range: from is after to.");
  }
  return bounds;
}

function lowerBound(sessions: readonly BackupSession[], datedEnd: number, iso: string): number {
  let lo = 0;
  let hi = datedEnd;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sessions[mid]!.start! < iso) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const FIRST_ISO_MS = Date.parse("0000-01-01T00:00:00Z");
const LAST_ISO_MS = Date.parse("9999-12-31T23:59:59Z");

// Starts have whole seconds, so the bound is rounded up: start >= from compares correctly as text.
function indexAt(sessions: readonly BackupSession[], datedEnd: number, ms: number): number {
  if (ms <= FIRST_ISO_MS) return 0;
  if (ms > LAST_ISO_MS) return datedEnd;
  return lowerBound(sessions, datedEnd, new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace(".000Z", "Z"));
}

/** Relies on mapSessions' sort (ISO start sorts as text, undated last). */
export function sessionIndexRange(sessions: readonly BackupSession[], bounds: TimeBounds): { lo: number; hi: number } {
  if (bounds.fromMs === null && bounds.toMs === null) return { lo: 0, hi: sessions.length };
  const firstUndated = sessions.findIndex((s) => s.start === null);
  const datedEnd = firstUndated === -1 ? sessions.length : firstUndated;
  const lo = bounds.fromMs === null ? 0 : indexAt(sessions, datedEnd, bounds.fromMs);
  const hi = bounds.toMs === null ? datedEnd : indexAt(sessions, datedEnd, bounds.toMs);
  return { lo, hi: Math.max(lo, hi) };
}

export function sessionsBetween(sessions: readonly BackupSession[], bounds: TimeBounds): BackupSession[] {
  const { lo, hi } = sessionIndexRange(sessions, bounds);
  return sessions.slice(lo, hi);
}
