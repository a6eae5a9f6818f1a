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
});
