/** Time formatting in N-sight's wire formats, and IANA zone offsets without dependencies. */

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => pad2(i));
const dayPrefixes = new Map<number, string>();

/** `YYYY-MM-DD HH:MM:SS` in UTC: B&R start/end and the `utc_*` fields (docs/nsight-api.md §4.3). */
export function utcDateTime(ms: number): string {
  // Hot path (two per session, tens of thousands per answer): the date part is cached per day.
  const day = Math.floor(ms / DAY);
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    if (dayPrefixes.size > 20_000) dayPrefixes.clear();
    prefix = `${new Date(day * DAY).toISOString().slice(0, 10)} `;
    dayPrefixes.set(day, prefix);
  }
  const seconds = Math.floor((ms - day * DAY) / SECOND);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return `${prefix}${TWO_DIGITS[h]}:${TWO_DIGITS[m]}:${TWO_DIGITS[seconds % 60]}`;
}

/** `YYYY-MM-DD` in UTC. */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Throws a RangeError for a zone name that is not IANA; "" and "UTC" are accepted. */
export function assertTimeZone(timeZone: string): void {
  formatterFor(timeZone || "UTC");
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(ms: number, timeZone: string): WallClock {
  const parts = formatterFor(timeZone || "UTC").formatToParts(new Date(ms));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { year: get("year"), month: get("month"), day: get("day"), hour: get("hour"), minute: get("minute"), second: get("second") };
}

/** Offset of `timeZone` from UTC at `ms`, in minutes (east positive: Berlin in winter = 60). */
export function zoneOffsetMinutes(ms: number, timeZone: string): number {
  const w = wallClock(ms, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return Math.round((asUtc - Math.floor(ms / SECOND) * SECOND) / MINUTE);
}

/** `2026-11-27T01:00:00-06:00`: the `created` attribute, in the territory's local time. */
export function isoWithOffset(ms: number, timeZone: string): string {
  const w = wallClock(ms, timeZone);
  const offset = zoneOffsetMinutes(ms, timeZone);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  return (
    `${w.year}-${pad2(w.month)}-${pad2(w.day)}T${pad2(w.hour)}:${pad2(w.minute)}:${pad2(w.second)}` +
    `${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`
  );
}

/** Local `YYYY-MM-DD` and `HH:MM:SS` in `timeZone`. */
export function localDateAndTime(ms: number, timeZone: string): { date: string; time: string } {
  const w = wallClock(ms, timeZone);
  return { date: `${w.year}-${pad2(w.month)}-${pad2(w.day)}`, time: `${pad2(w.hour)}:${pad2(w.minute)}:${pad2(w.second)}` };
}
