import { describe, expect, it } from "vitest";
import { bucketStart, bucketStarts, nextBucketStart, type BucketUnit } from "./zone";

// Oracle: offset changes found by scanning with Intl's own offset names, then each day start confirmed by asking Intl for the local date.

const ZONES = [...Intl.supportedValuesOf("timeZone"), "UTC"];
const FROM_DAY = [2025, 1, 1] as const;
const TO_DAY = [2027, 1, 1] as const;
const SCAN_FROM = Date.UTC(2024, 11, 29);
const SCAN_TO = Date.UTC(2027, 0, 4);
const SCAN_STEP = 6 * 3_600_000;
const HOUR = 3_600_000;

interface Segment {
  from: number;
  offset: number;
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();
function offsetOf(ms: number, zone: string): number {
  let formatter = offsetFormatters.get(zone);
  if (!formatter) offsetFormatters.set(zone, (formatter = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" })));
  const match = /GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(formatter.format(ms));
  if (!match) throw new Error(`Unexpected offset name in ${zone}: ${formatter.format(ms)}`);
  if (!match[1]) return 0;
  return (match[1] === "-" ? -1 : 1) * (Number(match[2]) * 3_600_000 + Number(match[3]) * 60_000 + Number(match[4] ?? 0) * 1_000);
}

const dateFormatters = new Map<string, Intl.DateTimeFormat>();
function localDate(ms: number, zone: string): string {
  let formatter = dateFormatters.get(zone);
  if (!formatter) dateFormatters.set(zone, (formatter = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" })));
  return formatter.format(ms);
}

function segmentsOf(zone: string): Segment[] {
  const segments: Segment[] = [{ from: -Infinity, offset: offsetOf(SCAN_FROM, zone) }];
  let previous = SCAN_FROM;
  let previousOffset = segments[0]!.offset;
  for (let t = SCAN_FROM + SCAN_STEP; t <= SCAN_TO; t += SCAN_STEP) {
    const offset = offsetOf(t, zone);
    if (offset !== previousOffset) {
      let lo = previous;
      let hi = t;
      while (hi - lo > 1_000) {
        const mid = lo + Math.floor((hi - lo) / 2_000) * 1_000;
        if (offsetOf(mid, zone) === previousOffset) lo = mid;
        else hi = mid;
      }
      segments.push({ from: hi, offset: offsetOf(hi, zone) });
      if (offsetOf(hi, zone) !== offset) throw new Error(`Two offset changes within ${SCAN_STEP / HOUR} h in ${zone} near ${new Date(hi).toISOString()}`);
    }
    previous = t;
    previousOffset = offset;
  }
  return segments;
}

function firstReading(segments: Segment[], wall: number): number {
  for (let i = 0; i < segments.length; i++) {
    const { from, offset } = segments[i]!;
    const until = segments[i + 1]?.from ?? Infinity;
    if (until + offset > wall) return Math.max(from, wall - offset);
  }
  throw new Error("Beyond the scanned years");
}

const utcDay = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d);
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function expectedStarts(segments: Segment[], unit: Exclude<BucketUnit, "hour">): number[] {
  const walls: number[] = [];
  const end = utcDay(...TO_DAY);
  if (unit === "month") {
    for (let month = 0; utcDay(FROM_DAY[0], FROM_DAY[1] + month, 1) < end; month++) walls.push(utcDay(FROM_DAY[0], FROM_DAY[1] + month, 1));
  } else {
    let day = utcDay(...FROM_DAY);
    if (unit === "week") day -= ((new Date(day).getUTCDay() + 6) % 7) * 86_400_000;
    for (; day < end; day += (unit === "week" ? 7 : 1) * 86_400_000) walls.push(day);
  }
  return walls.map((wall) => firstReading(segments, wall));
}

function expectedHours(segments: Segment[], from: number, to: number): number[] {
  const starts: number[] = [];
  for (let i = 0; i < segments.length; i++) {
    const { from: segmentFrom, offset } = segments[i]!;
    const until = Math.min(segments[i + 1]?.from ?? Infinity, to);
    if (until <= from) continue;
    if (segmentFrom >= from && segmentFrom < to) starts.push(segmentFrom);
    const first = Math.max(from, segmentFrom);
    for (let t = Math.ceil((first + offset) / HOUR) * HOUR - offset; t < until; t += HOUR) if (t !== segmentFrom) starts.push(t);
  }
  return starts;
}

const iso = (ms: number) => new Date(ms).toISOString();
const ALL = ZONES.map((zone) => ({ zone, segments: segmentsOf(zone) }));
const transitions = ALL.reduce((sum, { segments }) => sum + segments.length - 1, 0);

function disagreements(unit: Exclude<BucketUnit, "hour">): string[] {
  const problems: string[] = [];
  for (const { zone, segments } of ALL) {
    const expected = expectedStarts(segments, unit);
    const end = expected.pop()!;
    let actual: number[];
    try {
      actual = bucketStarts(expected[0]!, end, unit, zone);
    } catch (error) {
      problems.push(`${zone}: ${String(error)}`);
      continue;
    }
    const first = expected.findIndex((start, i) => actual[i] !== start);
    if (first !== -1 || actual.length !== expected.length) {
      const i = first === -1 ? expected.length : first;
      problems.push(`${zone} ${unit} #${i}: expected ${expected[i] === undefined ? "no more" : iso(expected[i]!)}, got ${actual[i] === undefined ? "nothing" : iso(actual[i]!)}`);
      continue;
    }
    const changes = segments.slice(1).map((segment) => segment.from);
    const nearChange = (t: number) => changes.some((change) => Math.abs(change - t) < 3 * 86_400_000);
    for (let i = 0; i < expected.length; i++) {
      const start = expected[i]!;
      if (i % 10 !== 0 && !nearChange(start)) continue;
      const next = expected[i + 1] ?? end;
      if (bucketStart(start, unit, zone) !== start || bucketStart(next - 1, unit, zone) !== start) {
        problems.push(`${zone} ${unit}: bucketStart of [${iso(start)}, ${iso(next)}) gives ${iso(bucketStart(start, unit, zone))} / ${iso(bucketStart(next - 1, unit, zone))}`);
        break;
      }
    }
    if (problems.length >= 20) break;
  }
  return problems;
}

describe(`bucket starts in all ${ZONES.length} zones, 2025 and 2026 (${transitions} offset changes), against a brute-force oracle`, () => {
  it("covers the zones and the DST changes that broke day buckets", () => {
    expect(ZONES.length).toBeGreaterThan(300);
    expect(transitions).toBeGreaterThan(300);
    for (const zone of ["America/Santiago", "Atlantic/Azores", "America/Havana", "Australia/Lord_Howe", "Pacific/Chatham"]) {
      expect(ALL.find((z) => z.zone === zone)!.segments.length - 1, zone).toBe(4);
    }
  });

  it("the oracle agrees with Intl's local date at each day start and a second before", () => {
    const problems: string[] = [];
    for (const { zone, segments } of ALL) {
      const starts = expectedStarts(segments, "day");
      for (let i = 0; i < starts.length; i++) {
        const day = isoDay(utcDay(...FROM_DAY) + i * 86_400_000);
        if (localDate(starts[i]!, zone) !== day || localDate(starts[i]! - 1_000, zone) >= day) problems.push(`${zone} ${day}: ${iso(starts[i]!)}`);
      }
    }
    expect(problems.slice(0, 20)).toEqual([]);
  });

  it.each(["day", "week", "month"] as const)("%s buckets begin at the first instant of their local calendar period", (unit) => {
    expect(disagreements(unit)).toEqual([]);
  });

  it("hour buckets follow the local clock: whole local hours, and every jump of the clock, two days around each change", () => {
    const problems: string[] = [];
    for (const { zone, segments } of ALL) {
      const windows = [Date.UTC(2025, 5, 1), ...segments.slice(1).map((s) => s.from)].map((t) => [t - 86_400_000, t + 86_400_000] as const);
      for (const [from, to] of windows) {
        const expected = expectedHours(segments, from, to);
        const actual = bucketStarts(expected[0]!, to, "hour", zone);
        if (actual.join() !== expected.join()) {
          const i = expected.findIndex((start, k) => actual[k] !== start);
          problems.push(`${zone} hour near ${iso(from + 86_400_000)} #${i}: expected ${iso(expected[i] ?? NaN)}, got ${actual[i] === undefined ? "nothing" : iso(actual[i]!)}`);
          break;
        }
        const inside = expected.findIndex((start, k) => bucketStart((expected[k + 1] ?? to) - 1, "hour", zone) !== start || nextBucketStart(start, "hour", zone) !== (expected[k + 1] ?? nextBucketStart(start, "hour", zone)));
        if (inside !== -1) {
          problems.push(`${zone} hour bucket from ${iso(expected[inside]!)}: bucketStart or nextBucketStart disagree`);
          break;
        }
      }
      if (problems.length >= 20) break;
    }
    expect(problems).toEqual([]);
  });
});
