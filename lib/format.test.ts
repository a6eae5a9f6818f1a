import { describe, expect, it } from "vitest";
import { formatAge, formatBytes, formatDateTime, formatDuration, formatExactBytes, safeZone } from "./format";

describe("formatBytes", () => {
  it("uses binary units labelled as such by default, decimal on request", () => {
    expect(formatBytes(955_045_456)).toBe("911 MiB");
    expect(formatBytes(955_045_456, "decimal")).toBe("955 MB");
    expect(formatBytes(132_579_334_528)).toBe("123 GiB");
    expect(formatBytes(1536)).toBe("1.50 KiB");
    expect(formatBytes(0)).toBe("0 bytes");
    expect(formatBytes(1)).toBe("1 byte");
    expect(formatBytes(null)).toBe("—");
  });

  it("spells exact bytes out", () => {
    expect(formatExactBytes(132_579_334_528)).toBe("132,579,334,528 bytes");
    expect(formatExactBytes(9_007_199_254_740_991)).toBe("9,007,199,254,740,991 bytes");
  });

  it("does not claim exactness for a total past 2^53 - 1, which a double rounds", () => {
    // 2^53 + 2 bytes: a sum of sizes that large is no longer counted to the byte.
    expect(formatExactBytes(9_007_199_254_740_994)).toBe("about 9,007,199,254,740,994 bytes");
  });
});

describe("formatDuration", () => {
  it("reads like a person would say it", () => {
    expect(formatDuration(26)).toBe("26 s");
    expect(formatDuration(724)).toBe("12 min 4 s");
    expect(formatDuration(7_500)).toBe("2 h 5 min");
    expect(formatDuration(3 * 86_400 + 7_200)).toBe("3 d 2 h");
    expect(formatDuration(null)).toBe("—");
  });
});

describe("dates", () => {
  it("formats in the chosen zone and falls back to UTC for an unknown zone", () => {
    expect(formatDateTime("2026-11-27T23:30:00Z", "Pacific/Auckland")).toBe("28 Nov 2026, 12:30:00");
    expect(formatDateTime("2026-11-27T23:30:00Z", "Not/AZone")).toBe("27 Nov 2026, 23:30:00");
    expect(safeZone("")).toBe("UTC");
    expect(safeZone("eUrOpE/bErLiN")).toBe("Europe/Berlin");
  });

  it("says how old something is", () => {
    const now = Date.parse("2026-11-27T14:02:45Z");
    expect(formatAge("2026-11-27T14:02:10Z", now)).toBe("35 s ago");
    expect(formatAge("2026-11-27T13:40:00Z", now)).toBe("22 min ago");
    expect(formatAge("2026-11-25T14:00:00Z", now)).toBe("2 days ago");
    expect(formatAge(null, now)).toBe("never");
  });
});
