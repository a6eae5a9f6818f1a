import { RequestError } from "../http/request-error";
import type { BackupSession } from "../types";

/** A half-open time window [from, to) in epoch ms; either side may be open. */
export interface TimeBounds {
  fromMs: number | null;
  toMs: number | null;
}

/** Thrown for a bound that is not an ISO 8601 date or date-time. */
export class InvalidTimeBoundError extends RequestError {
  constructor(message: string) {
    super(message);
    this.name = "InvalidTimeBoundError";
  }
}

const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;

function parseBound(name: string, value: string | null): number | null {
  if (value === null) return null;
  if (!ISO.test(value)) {
    throw new InvalidTimeBoundError(`Invalid ${name}: expected an ISO 8601 date or date-time with a zone, such as 2026-01-31T00:00:00Z.`);
  }
  const ms = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(ms)) throw new InvalidTimeBoundError(`Invalid ${name}: not a real date.`);
  return ms;
}

export function parseTimeBounds(from: string | null, to: string | null): TimeBounds {
  const bounds = { fromMs: parseBound("from", from), toMs: parseBound("to", to) };
  if (bounds.fromMs !== null && bounds.toMs !== null && bounds.fromMs > bounds.toMs) {
    throw new InvalidTimeBoundError("Invalid range: from is after to.");
  }
  return bounds;
}

/** First index whose start is >= iso (sessions sorted by start, undated last). */
function lowerBound(sessions: readonly BackupSession[], iso: string): number {
  let lo = 0;
  let hi = sessions.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const start = sessions[mid]!.start;
    if (start !== null && start < iso) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Session starts have whole seconds, so a bound is rounded up to the next whole second:
 * start >= from and start < to then compare correctly as text.
 */
function toIso(ms: number): string {
  return new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/**
 * The sessions that started within the bounds. Relies on the sort of mapSessions (by ISO
 * start, which sorts as text); without bounds, every session, undated ones included.
 */
export function sessionsBetween(sessions: readonly BackupSession[], bounds: TimeBounds): BackupSession[] {
  if (bounds.fromMs === null && bounds.toMs === null) return sessions.slice();
  const firstUndated = sessions.findIndex((s) => s.start === null);
  const datedEnd = firstUndated === -1 ? sessions.length : firstUndated;
  const dated = sessions.slice(0, datedEnd);
  const lo = bounds.fromMs === null ? 0 : lowerBound(dated, toIso(bounds.fromMs));
  const hi = bounds.toMs === null ? dated.length : lowerBound(dated, toIso(bounds.toMs));
  return dated.slice(lo, Math.max(lo, hi));
}
