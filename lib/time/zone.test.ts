import { describe, expect, it } from "vitest";
import { bucketStart, bucketStarts, nextBucketStart, startOfZonedDay, zonedDayKey, zonedTimeToUtc } from "./zone";

describe("zone arithmetic", () => {
  it("puts a backup at 23:30 UTC on the next day in Auckland and the same day in New York", () => {
    const ms = Date.parse("2026-11-27T23:30:00Z");
    expect(zonedDayKey(ms, "Pacific/Auckland")).toBe("2026-11-28");
    expect(zonedDayKey(ms, "America/New_York")).toBe("2026-11-27");
    expect(zonedDayKey(ms, "UTC")).toBe("2026-11-27");
  });

  it("finds the start of a zoned day", () => {
    const ms = Date.parse("2026-11-27T23:30:00Z");
    expect(new Date(startOfZonedDay(ms, "Pacific/Auckland")).toISOString()).toBe("2026-11-27T11:00:00.000Z");
    expect(new Date(startOfZonedDay(ms, "Europe/Zurich")).toISOString()).toBe("2026-11-27T23:00:00.000Z");
  });

  it("has 23- and 25-hour days across daylight-saving changes", () => {
    const spring = zonedTimeToUtc(2026, 3, 29, 0, "Europe/London");
    expect(nextBucketStart(spring, "day", "Europe/London") - spring).toBe(23 * 3_600_000);
    const autumn = zonedTimeToUtc(2026, 10, 25, 0, "Europe/London");
    expect(nextBucketStart(autumn, "day", "Europe/London") - autumn).toBe(25 * 3_600_000);
  });

  it("starts weeks on Monday and months on the 1st, in the zone", () => {
    const thursday = Date.parse("2026-11-26T12:00:00Z");
    expect(new Date(bucketStart(thursday, "week", "UTC")).toISOString()).toBe("2026-11-23T00:00:00.000Z");
    expect(new Date(bucketStart(thursday, "month", "America/New_York")).toISOString()).toBe("2026-11-01T04:00:00.000Z");
  });

  it("lists consecutive buckets covering a range", () => {
    const from = Date.parse("2026-11-20T10:00:00Z");
    const to = Date.parse("2026-11-27T10:00:00Z");
    const days = bucketStarts(from, to, "day", "UTC");
    expect(days).toHaveLength(8);
    expect(new Date(days[0]!).toISOString()).toBe("2026-11-20T00:00:00.000Z");
    expect(bucketStarts(from, to, "hour", "UTC")).toHaveLength(168);
  });

  it("begins the day at 01:00 where DST starts at midnight, and counts one bucket per day", () => {
    const iso = (ms: number) => new Date(ms).toISOString();
    // Santiago, 6 Sep 2026: 00:00 -04 jumps to 01:00 -03.
    const days = bucketStarts(Date.parse("2026-09-05T04:00:00Z"), Date.parse("2026-09-08T03:00:00Z"), "day", "America/Santiago");
    expect(days.map(iso)).toEqual(["2026-09-05T04:00:00.000Z", "2026-09-06T04:00:00.000Z", "2026-09-07T03:00:00.000Z"]);
    // Havana, 8 Mar 2026, 00:00 -05 → 01:00 -04; the Azores, 29 Mar 2026, 00:00 -01 → 01:00 +00.
    expect(iso(startOfZonedDay(Date.parse("2026-03-08T12:00:00Z"), "America/Havana"))).toBe("2026-03-08T05:00:00.000Z");
    expect(iso(startOfZonedDay(Date.parse("2026-03-29T12:00:00Z"), "Atlantic/Azores"))).toBe("2026-03-29T01:00:00.000Z");
    // Tehran, Monday 22 Mar 2021, 00:00 +03:30 → 01:00 +04:30; Asunción, 1 Oct 2023, 00:00 -04 → 01:00 -03.
    expect(iso(bucketStart(Date.parse("2021-03-24T12:00:00Z"), "week", "Asia/Tehran"))).toBe("2021-03-21T20:30:00.000Z");
    expect(iso(bucketStart(Date.parse("2023-10-15T12:00:00Z"), "month", "America/Asuncion"))).toBe("2023-10-01T04:00:00.000Z");
    expect(bucketStarts(Date.parse("2026-09-01T12:00:00Z"), Date.parse("2026-09-08T12:00:00Z"), "day", "America/Santiago")).toHaveLength(8);
  });

  it("aligns hour buckets to the local hour, and starts one at each jump of the clock", () => {
    const iso = (ms: number) => new Date(ms).toISOString();
    const at = Date.parse("2026-11-27T10:10:00Z");
    expect(iso(bucketStart(at, "hour", "Asia/Kolkata"))).toBe("2026-11-27T09:30:00.000Z");
    expect(iso(bucketStart(at, "hour", "Asia/Kathmandu"))).toBe("2026-11-27T09:15:00.000Z");
    expect(iso(bucketStart(Date.parse("2026-06-01T00:00:00Z"), "hour", "Pacific/Chatham"))).toBe("2026-05-31T23:15:00.000Z");
    // Lord Howe, 4 Oct 2026: 02:00 +10:30 → 02:30 +11; 5 Apr 2026: 02:00 +11 → 01:30 +10:30.
    const spring = bucketStarts(Date.parse("2026-10-03T14:30:00Z"), Date.parse("2026-10-03T17:00:00Z"), "hour", "Australia/Lord_Howe");
    expect(spring.map(iso)).toEqual(["2026-10-03T14:30:00.000Z", "2026-10-03T15:30:00.000Z", "2026-10-03T16:00:00.000Z"]);
    const autumn = bucketStarts(Date.parse("2026-04-04T14:00:00Z"), Date.parse("2026-04-04T17:00:00Z"), "hour", "Australia/Lord_Howe");
    expect(autumn.map(iso)).toEqual(["2026-04-04T14:00:00.000Z", "2026-04-04T15:00:00.000Z", "2026-04-04T15:30:00.000Z", "2026-04-04T16:30:00.000Z"]);
  });

  it("reads a zone in any spelling Intl accepts", () => {
    const ms = Date.parse("2026-11-27T10:10:00Z");
    expect(bucketStart(ms, "day", "eUrOpE/bErLiN")).toBe(bucketStart(ms, "day", "Europe/Berlin"));
    expect(() => bucketStart(ms, "day", "Not/AZone")).toThrow(RangeError);
  });
});
