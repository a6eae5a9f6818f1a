// A bucket begins at the first instant the clocks read its start or later: where DST begins at midnight (Santiago) the day begins at 01:00.
import { safeZone } from "../format";
import { canonicalZone } from "./zone-names";

const SECOND = 1_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Keyed by canonical zone names only: a finite set, whatever spellings requests use. */
const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(zone: string): Intl.DateTimeFormat {
  const cached = partsFormatters.get(zone);
  if (cached) return cached;
  const canonical = canonicalZone(zone);
  if (!canonical) throw new RangeError(`Unknown time zone: ${zone.slice(0, 64)}`);
  let formatter = partsFormatters.get(canonical);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone: canonical,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    partsFormatters.set(canonical, formatter);
  }
  return formatter;
}

export interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const US_DATE_TIME = /^(\d{2})\/(\d{2})\/(\d+), (\d{2}):(\d{2}):(\d{2})$/;

export function zonedParts(ms: number, zone: string): ZonedParts {
  const formatter = partsFormatter(zone);
  // format() and a pattern are about three times faster than formatToParts().
  const match = US_DATE_TIME.exec(formatter.format(ms));
  if (match) {
    return { year: Number(match[3]), month: Number(match[1]), day: Number(match[2]), hour: Number(match[4]), minute: Number(match[5]), second: Number(match[6]) };
  }
  const out: Record<string, number> = {};
  for (const part of formatter.formatToParts(ms)) {
    if (part.type !== "literal") out[part.type] = Number(part.value);
  }
  return { year: out.year!, month: out.month!, day: out.day!, hour: out.hour!, minute: out.minute!, second: out.second! };
}

/** Unlike Date.UTC, years 0 to 99 are not 1900 to 1999. */
function wallMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

const floorSecond = (ms: number) => Math.floor(ms / SECOND) * SECOND;
const mod = (a: number, b: number) => ((a % b) + b) % b;

export function zoneOffsetMs(ms: number, zone: string): number {
  const p = zonedParts(ms, zone);
  return wallMs(p.year, p.month, p.day, p.hour, p.minute, p.second) - floorSecond(ms);
}

function firstSecondWhere(lo: number, hi: number, reached: (ms: number) => boolean): number {
  while (hi - lo > SECOND) {
    const mid = lo + Math.floor((hi - lo) / 2 / SECOND) * SECOND;
    if (reached(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

function firstInstantReading(wall: number, zone: string): number {
  const before = zoneOffsetMs(wall - DAY, zone);
  const after = zoneOffsetMs(wall + DAY, zone);
  if (before === after && zoneOffsetMs(wall - before, zone) === before) return wall - before;
  const offsets = new Set([before, after, zoneOffsetMs(wall - before, zone), zoneOffsetMs(wall - after, zone)]);
  let earliest = Infinity;
  for (const offset of offsets) {
    const instant = wall - offset;
    if (instant < earliest && zoneOffsetMs(instant, zone) === offset) earliest = instant;
  }
  if (earliest !== Infinity) return earliest;
  const candidates = [...offsets].map((offset) => wall - offset);
  return firstSecondWhere(Math.min(...candidates), Math.max(...candidates), (ms) => ms + zoneOffsetMs(ms, zone) >= wall);
}

/** The earlier instant across a DST fold, the clock's jump when DST skips the reading. */
export function zonedTimeToUtc(year: number, month: number, day: number, hour: number, zone: string, minute = 0): number {
  return firstInstantReading(wallMs(year, month, day, hour, minute), zone);
}

export function startOfZonedDay(ms: number, zone: string): number {
  return bucketStart(ms, "day", zone);
}

export function zonedDayKey(ms: number, zone: string): string {
  const p = zonedParts(ms, zone);
  return `${String(p.year).padStart(4, "0")}-${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")}`;
}

export type BucketUnit = "hour" | "day" | "week" | "month";

/** Monday = 0. */
const weekdayOf = (p: ZonedParts) => (new Date(wallMs(p.year, p.month, p.day)).getUTCDay() + 6) % 7;

function hourStart(ms: number, zone: string): number {
  const second = floorSecond(ms);
  const offset = zoneOffsetMs(second, zone);
  const onTheHour = second - mod(second + offset, HOUR);
  if (zoneOffsetMs(onTheHour, zone) === offset) return onTheHour;
  return firstSecondWhere(onTheHour, second, (t) => zoneOffsetMs(t, zone) === offset);
}

function nextHourStart(start: number, zone: string): number {
  const second = floorSecond(start);
  const offset = zoneOffsetMs(second, zone);
  const nextOnTheHour = second - mod(second + offset, HOUR) + HOUR;
  if (zoneOffsetMs(nextOnTheHour, zone) === offset) return nextOnTheHour;
  return firstSecondWhere(second, nextOnTheHour, (t) => zoneOffsetMs(t, zone) !== offset);
}

export function nextBucketStart(start: number, unit: BucketUnit, zone: string): number {
  if (unit === "hour") return nextHourStart(start, zone);
  const p = zonedParts(start, zone);
  if (unit === "day") return zonedTimeToUtc(p.year, p.month, p.day + 1, 0, zone);
  if (unit === "week") return zonedTimeToUtc(p.year, p.month, p.day - weekdayOf(p) + 7, 0, zone);
  return zonedTimeToUtc(p.year, p.month + 1, 1, 0, zone);
}

export function bucketStart(ms: number, unit: BucketUnit, zone: string): number {
  if (unit === "hour") return hourStart(ms, zone);
  const p = zonedParts(ms, zone);
  const day = unit === "day" ? p.day : unit === "week" ? p.day - weekdayOf(p) : 1;
  let start = zonedTimeToUtc(p.year, p.month, day, 0, zone);
  // A clock turned back across midnight shows yesterday's date after today began.
  for (let next = nextBucketStart(start, unit, zone); next <= ms; next = nextBucketStart(start, unit, zone)) start = next;
  return start;
}

export function bucketStarts(fromMs: number, toMs: number, unit: BucketUnit, zone: string): number[] {
  const starts: number[] = [];
  for (let s = bucketStart(fromMs, unit, zone); s < toMs; ) {
    starts.push(s);
    const next = nextBucketStart(s, unit, zone);
    if (!(next > s)) throw new Error(`No ${unit} after ${new Date(s).toISOString()} in ${zone}`);
    s = next;
  }
  return starts;
}

export function resolveZone(zone: string | null | undefined): string {
  return safeZone(zone);
}
