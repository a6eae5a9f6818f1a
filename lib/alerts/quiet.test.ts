import { describe, expect, it } from "vitest";
import type { MaintenanceWindowRow, SnoozeRow } from "../store/snoozes";
import { maintenanceEndsAt, quietState } from "./quiet";

const window = (over: Partial<MaintenanceWindowRow> = {}): MaintenanceWindowRow => ({
  id: "w",
  clientId: "20",
  weekdays: [6],
  startMinute: 22 * 60,
  durationMinutes: 240,
  reason: "patching",
  createdBy: null,
  createdByName: "Ann",
  createdAt: 0,
  ...over,
});

const at = (iso: string) => Date.parse(iso);

describe("maintenance windows", () => {
  it("runs from the local start on the listed weekday, over midnight, for its duration", () => {
    // Saturday 2026-11-28 22:00 in Berlin is 21:00 UTC; four hours later is Sunday 01:00 UTC.
    expect(maintenanceEndsAt(window(), "Europe/Berlin", at("2026-11-28T20:59:59Z"))).toBeNull();
    expect(maintenanceEndsAt(window(), "Europe/Berlin", at("2026-11-28T21:00:00Z"))).toBe(at("2026-11-29T01:00:00Z"));
    expect(maintenanceEndsAt(window(), "Europe/Berlin", at("2026-11-29T00:59:59Z"))).toBe(at("2026-11-29T01:00:00Z"));
    expect(maintenanceEndsAt(window(), "Europe/Berlin", at("2026-11-29T01:00:00Z"))).toBeNull();
    expect(maintenanceEndsAt(window({ weekdays: [5] }), "Europe/Berlin", at("2026-11-28T22:00:00Z"))).toBeNull();
  });

  it("opens at the jump when DST skips its start, and lasts real minutes across a change", () => {
    // New York, Sunday 2026-03-08: 02:00 does not exist; clocks jump from 02:00 EST (07:00 UTC) to 03:00 EDT.
    const skipped = window({ weekdays: [7], startMinute: 2 * 60 + 30, durationMinutes: 60 });
    expect(maintenanceEndsAt(skipped, "America/New_York", at("2026-03-08T06:59:59Z"))).toBeNull();
    expect(maintenanceEndsAt(skipped, "America/New_York", at("2026-03-08T07:00:00Z"))).toBe(at("2026-03-08T08:00:00Z"));
    // Sunday 2026-11-01 01:00 happens twice in New York: the window opens at the first (05:00 UTC).
    const folded = window({ weekdays: [7], startMinute: 60, durationMinutes: 90 });
    expect(maintenanceEndsAt(folded, "America/New_York", at("2026-11-01T05:00:00Z"))).toBe(at("2026-11-01T06:30:00Z"));
  });
});

describe("quietState", () => {
  const snooze = (over: Partial<SnoozeRow>): SnoozeRow => ({
    id: "s",
    scope: "device",
    targetId: "3000001",
    clientId: "20",
    until: at("2026-11-30T12:00:00Z"),
    reason: "disk swap",
    createdBy: null,
    createdByName: "Ann",
    createdAt: 0,
    endedAt: null,
    ...over,
  });
  const device = { deviceId: "3000001", clientId: "20" };
  const now = at("2026-11-30T10:00:00Z");

  it("is held by a device's or its client's snooze until it ends, whichever ends last", () => {
    expect(quietState(device, [snooze({})], [], "UTC", now)).toMatchObject({ quiet: true, until: at("2026-11-30T12:00:00Z") });
    const client = snooze({ id: "c", scope: "client", targetId: "20", until: at("2026-11-30T18:00:00Z") });
    expect(quietState(device, [snooze({}), client], [], "UTC", now).by).toMatchObject({ kind: "snooze", snooze: { id: "c" } });
    expect(quietState({ deviceId: "3000002", clientId: "20" }, [snooze({})], [], "UTC", now).quiet).toBe(false);
    expect(quietState(device, [snooze({ endedAt: now - 1 })], [], "UTC", now).quiet).toBe(false);
    expect(quietState(device, [snooze({ until: now })], [], "UTC", now).quiet).toBe(false);
  });

  it("is held by a running maintenance window of the device's client only", () => {
    const monday = window({ weekdays: [1], startMinute: 9 * 60, durationMinutes: 120 });
    expect(quietState(device, [], [monday], "UTC", now)).toMatchObject({ quiet: true, by: { kind: "maintenance" }, until: at("2026-11-30T11:00:00Z") });
    expect(quietState(device, [], [{ ...monday, clientId: "21" }], "UTC", now).quiet).toBe(false);
  });
});
