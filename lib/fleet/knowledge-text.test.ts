import { describe, expect, it } from "vitest";
import { describeKnowledge } from "./knowledge-text";
import type { FleetKnowledge } from "./types";

const NOW = Date.parse("2026-11-27T14:30:00Z");
const k = (p: Partial<FleetKnowledge>): FleetKnowledge => ({ kind: "current", since: null, read: 400, total: 400, discovering: false, lastAnswerAt: "2026-11-27T14:25:00Z", estimatedDoneAt: null, ...p });

describe("describeKnowledge", () => {
  it("says nothing when the fleet is current", () => {
    expect(describeKnowledge(k({}), NOW, "Europe/Berlin")).toBeNull();
  });

  it("counts what is read while reading, with the time left", () => {
    expect(describeKnowledge(k({ kind: "reading", read: 120, estimatedDoneAt: "2026-11-27T14:34:40Z" }), NOW, null)).toEqual({
      headline: "Still reading: 120 of 400 devices",
      detail: "Devices not read yet count as unknown, and the list of those that need attention is not complete; the full picture in about 5 min (N-sight allows about one call a second).",
    });
    expect(describeKnowledge(k({ kind: "reading", read: 0, total: 0, discovering: true }), NOW, null)?.headline).toBe("Still reading: discovering clients and devices in N-sight");
    expect(describeKnowledge(k({ kind: "reading", read: 3, total: 1250, discovering: true }), NOW, null)?.headline).toBe("Still reading: 3 of 1,250 devices found so far");
  });

  it("says since when the key is refused in the viewer's zone, and that nothing was ever read", () => {
    // 14:02 UTC is 15:02 in Berlin (CET, +1) and 19:47 in Kathmandu (+5:45).
    const refused = k({ kind: "auth_refused", since: "2026-11-27T14:02:00Z", read: 0, total: 0, discovering: true, lastAnswerAt: null });
    expect(describeKnowledge(refused, NOW, "Europe/Berlin")).toEqual({
      headline: "N-sight refuses the API key since 15:02:00: nothing here is current",
      detail: "Nothing has been read from N-sight, so no device is known. Check NSIGHT_API_KEY and NSIGHT_SERVER.",
    });
    expect(describeKnowledge(refused, NOW, "Asia/Kathmandu")?.headline).toBe("N-sight refuses the API key since 19:47:00: nothing here is current");
    expect(describeKnowledge(refused, NOW, null)?.headline).toBe("N-sight refuses the API key since 14:02:00 UTC: nothing here is current");
  });

  it("gives the date of a problem older than half a day, and how old the last answer is", () => {
    const down = k({ kind: "unreachable", since: "2026-11-26T22:15:00Z", lastAnswerAt: "2026-11-26T22:14:00Z" });
    expect(describeKnowledge(down, NOW, "America/New_York")).toEqual({
      headline: "N-sight is unreachable since 26 Nov 2026, 17:15: nothing here is current",
      detail: "N-sight last answered 16 h ago; every device shows its last known state and how old it is. It catches up by itself when N-sight answers again.",
    });
  });

  it("says how much had been read when throttling stopped the first read", () => {
    const throttled = k({ kind: "throttled", since: "2026-11-27T14:28:00Z", read: 120, lastAnswerAt: "2026-11-27T14:29:30Z" });
    expect(describeKnowledge(throttled, NOW, "UTC")).toEqual({
      headline: "N-sight is throttling our calls since 14:28:00: nothing here is current",
      detail: "N-sight last answered 30 s ago; every device shows its last known state and how old it is. Only 120 of 400 devices had been read. Reads resume as soon as N-sight allows.",
    });
  });
});
