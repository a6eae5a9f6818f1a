/**
 * Calendar arithmetic in an IANA time zone, for day boundaries that follow the zone a
 * view is shown in (a backup at 23:30 UTC belongs to the next day in Auckland).
 * Built on Intl only; formatters are cached because they are expensive to create.
 */
import { safeZone } from "../format";

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(zone: string): Intl.DateTimeFormat {
  let formatter = partsFormatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    partsFormatters.set(zone, formatter);
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

export function zonedParts(ms: number, zone: string): ZonedParts {
  const out: Record<string, number> = {};
  for (const part of partsFormatter(zone).formatToParts(new Date(ms))) {
    if (part.type !== "literal") out[part.type] = Number(part.value);
  }
  return { year: out.year!, month: out.month!, day: out.day!, hour: out.hour!, minute: out.minute!, second: out.second! };
}

/** The zone's offset from UTC at instant `ms`, in ms (positive east of Greenwich). */
export function zoneOffsetMs(ms: number, zone: string): number {
  const p = zonedParts(ms, zone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The instant a wall-clock time in `zone` happens (the earlier one across a DST fold). */
export function zonedTimeToUtc(year: number, month: number, day: number, hour: number, zone: string): number {
  const guess = Date.UTC(year, month - 1, day, hour);
  let ms = guess - zoneOffsetMs(guess, zone);
  // A second pass settles instants near a DST change.
  ms = guess - zoneOffsetMs(ms, zone);
  return ms;
}

/** Start of the calendar day containing `ms`, in `zone`. */
export function startOfZonedDay(ms: number, zone: string): number {
  const p = zonedParts(ms, zone);
  return zonedTimeToUtc(p.year, p.month, p.day, 0, zone);
}

/** "YYYY-MM-DD" of the day containing `ms`, in `zone`. */
export function zonedDayKey(ms: number, zone: string): string {
  const p = zonedParts(ms, zone);
  return `${p.year}-${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")}`;
}

export type BucketUnit = "hour" | "day" | "week" | "month";

/** Start of the bucket after the one starting at `start` (buckets align to the zone's calendar). */
export function nextBucketStart(start: number, unit: BucketUnit, zone: string): number {
  if (unit === "hour") return start + 3_600_000;
  const p = zonedParts(start, zone);
  if (unit === "day") return zonedTimeToUtc(p.year, p.month, p.day + 1, 0, zone);
  if (unit === "week") return zonedTimeToUtc(p.year, p.month, p.day + 7, 0, zone);
  return zonedTimeToUtc(p.year, p.month + 1, 1, 0, zone);
}

/** Start of the bucket containing `ms`: weeks start on Monday, months on the 1st. */
export function bucketStart(ms: number, unit: BucketUnit, zone: string): number {
  if (unit === "hour") return Math.floor(ms / 3_600_000) * 3_600_000;
  const p = zonedParts(ms, zone);
  if (unit === "day") return zonedTimeToUtc(p.year, p.month, p.day, 0, zone);
  if (unit === "month") return zonedTimeToUtc(p.year, p.month, 1, 0, zone);
  const weekday = (new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay() + 6) % 7; // Monday = 0
  return zonedTimeToUtc(p.year, p.month, p.day - weekday, 0, zone);
}

/** Every bucket start from the one containing `fromMs` up to (not including) `toMs`. */
export function bucketStarts(fromMs: number, toMs: number, unit: BucketUnit, zone: string): number[] {
  const starts: number[] = [];
  for (let s = bucketStart(fromMs, unit, zone); s < toMs; s = nextBucketStart(s, unit, zone)) {
    starts.push(s);
    if (starts.length > 100_000) break;
  }
  return starts;
}

export function resolveZone(zone: string | null | undefined): string {
  return safeZone(zone);
}
