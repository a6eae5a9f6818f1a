import { storedDevice } from "../testing/stored-device";
import { describe, expect, it } from "vitest";
import type { DeviceHealth, PluginHealth } from "../health/backup-health";
import type { StoredDevice } from "./fleet-store";
import {
  DEFAULT_REFRESHER_POLICY as POLICY,
  nextBackupDue,
  nextDiscoveryAt,
  overdueAt,
  pickNextDevice,
  readRank,
  rediscoveryIntervalMs,
} from "./refresh-schedule";

const MIN = 60_000;
const HOUR = 60 * MIN;
const T = Date.parse("2026-11-30T12:00:00.000Z");
const at = (ms: number) => new Date(ms).toISOString();

function plugin(over: Partial<PluginHealth>): PluginHealth {
  return {
    plugin: "FileSystem",
    state: "ok",
    lastStatus: "COMPLETED",
    lastStart: null,
    lastEnd: null,
    lastTransferred: null,
    lastSuccessAt: null,
    failedInARow: 0,
    failingSince: null,
    intervalMs: 24 * HOUR,
    dueBy: at(T + 24 * HOUR),
    ...over,
  };
}

const health = (plugins: PluginHealth[]) => ({ plugins }) as DeviceHealth;

function stored(deviceId: string, over: Partial<StoredDevice> = {}): StoredDevice {
  return storedDevice({ deviceId, ...over });
}

describe("nextBackupDue", () => {
  const DELAY = 3 * MIN;
  const WATCH = 2 * HOUR;

  it("is the soonest plugin's last start + rhythm + last duration + the recording delay", () => {
    const daily = plugin({ lastStart: at(T), lastEnd: at(T + 30 * MIN), intervalMs: 24 * HOUR });
    const hourly = plugin({ plugin: "MsSql", lastStart: at(T + 5 * MIN), lastEnd: at(T + 7 * MIN), intervalMs: HOUR });
    // hourly: 12:05 + 1 h + 2 min + 3 min = 13:10
    expect(nextBackupDue(health([daily, hourly]), DELAY, T + 10 * MIN, WATCH)).toBe(Date.parse("2026-11-30T13:10:00.000Z"));
    expect(nextBackupDue(health([daily, hourly]), 7 * MIN, T + 10 * MIN, WATCH)).toBe(Date.parse("2026-11-30T13:14:00.000Z"));
  });

  it("counts no duration for a session without an end, and knows nothing without a start", () => {
    expect(nextBackupDue(health([plugin({ lastStart: at(T), intervalMs: 2 * HOUR })]), DELAY, T, WATCH)).toBe(T + 2 * HOUR + 3 * MIN);
    expect(nextBackupDue(health([plugin({})]), DELAY, T, WATCH)).toBeNull();
  });

  it("moves on to the next slot of the rhythm once a skipped slot's watch has run out", () => {
    const daily = health([plugin({ lastStart: at(T), lastEnd: at(T + 30 * MIN), intervalMs: 24 * HOUR })]);
    const slot = T + 24 * HOUR + 33 * MIN;
    expect(nextBackupDue(daily, DELAY, slot + WATCH - 1, WATCH)).toBe(slot);
    expect(nextBackupDue(daily, DELAY, slot + WATCH, WATCH)).toBe(slot + 24 * HOUR);
    // A weekend skipped: the next slot still to come.
    expect(nextBackupDue(daily, DELAY, slot + 24 * HOUR + WATCH + 5 * MIN, WATCH)).toBe(slot + 2 * 24 * HOUR);
  });

  it("leaves out a plugin silent for more than two slots: stopped, it neither keeps the device watched daily nor hides a live plugin", () => {
    const stopped = plugin({ plugin: "Old", lastStart: at(T - 10 * 24 * HOUR), lastEnd: at(T - 10 * 24 * HOUR + 30 * MIN), intervalMs: 24 * HOUR });
    const live = plugin({ lastStart: at(T), lastEnd: at(T + 30 * MIN), intervalMs: 24 * HOUR });
    expect(nextBackupDue(health([stopped, live]), DELAY, T + HOUR, WATCH)).toBe(T + 24 * HOUR + 33 * MIN);
    expect(nextBackupDue(health([stopped]), DELAY, T + HOUR, WATCH)).toBeNull();
  });
});

describe("overdueAt", () => {
  it("is the soonest due time, ignoring unreadable ones", () => {
    const h = health([plugin({ dueBy: at(T + 5 * HOUR) }), plugin({ dueBy: "not a date" }), plugin({ dueBy: at(T + 2 * HOUR) })]);
    expect(overdueAt(h)).toBe(T + 2 * HOUR);
    expect(overdueAt(health([]))).toBeNull();
  });
});

describe("readRank", () => {
  const read = (minutesAgo: number, over: Partial<StoredDevice> = {}) => stored("d", { readAt: at(T - minutesAgo * MIN), ...over });

  it("puts never-read devices first, and a never-read one that failed just after", () => {
    expect(readRank(stored("d"), T, undefined, POLICY)).toBe(0);
    expect(readRank(stored("d", { readError: "timeout" }), T, undefined, POLICY)).toBe(0.5);
  });

  it("waits the minimum re-read time after any attempt, successful or not", () => {
    expect(readRank(stored("d"), T, T - 14 * MIN, POLICY)).toBeNull();
    expect(readRank(stored("d"), T, T - 15 * MIN, POLICY)).toBe(0);
    expect(readRank(read(14, { state: "failed" }), T, undefined, POLICY)).toBeNull();
  });

  it("reads a device whose next backup should be recorded since the last read before problems and stale ones", () => {
    expect(readRank(read(20, { nextBackupDueAt: at(T - 5 * MIN) }), T, undefined, POLICY)).toBe(1);
    expect(readRank(read(20, { nextBackupDueAt: at(T + 5 * MIN) }), T, undefined, POLICY)).toBeNull();
    // Not read since it was due, however long ago: still first.
    expect(readRank(read(5 * 60, { nextBackupDueAt: at(T - 4 * HOUR) }), T, undefined, POLICY)).toBe(1);
  });

  it("watches a device whose backup is due but not yet listed: re-read after 5 minutes, then as long again as it was watched, for 2 hours", () => {
    const due = T - 30 * MIN;
    const watched = (readAfterDue: number, now: number) => readRank(stored("d", { readAt: at(due + readAfterDue * MIN), nextBackupDueAt: at(due) }), now, due + readAfterDue * MIN, POLICY);
    expect(watched(0, due + 4 * MIN)).toBeNull();
    expect(watched(0, due + 5 * MIN)).toBe(1);
    expect(watched(5, due + 10 * MIN)).toBe(1);
    expect(watched(10, due + 19 * MIN)).toBeNull();
    expect(watched(10, due + 20 * MIN)).toBe(1);
    // Never longer than the minimum re-read time; once the watch is over, one closing read and nothing more.
    expect(watched(40, due + 55 * MIN)).toBe(1);
    expect(watched(100, due + 119 * MIN)).toBe(1);
    expect(watched(100, due + 120 * MIN)).toBe(1);
    expect(watched(120, due + 150 * MIN)).toBeNull();
    // A problem device is then read as problems are.
    expect(readRank(stored("d", { readAt: at(due + 120 * MIN), nextBackupDueAt: at(due), state: "failed" }), due + 140 * MIN, undefined, POLICY)).toBe(2);
    // The watch never waits longer than the policy's minimum re-read time.
    expect(watched(10, due + 12 * MIN)).toBeNull();
    expect(readRank(stored("d", { readAt: at(due + 10 * MIN), nextBackupDueAt: at(due) }), due + 12 * MIN, due + 10 * MIN, { ...POLICY, minRereadMs: 90_000 })).toBe(1);
  });

  it("ranks problems, then healthy devices older than the re-read period", () => {
    for (const state of ["failed", "warning", "overdue"] as const) expect(readRank(read(20, { state }), T, undefined, POLICY)).toBe(2);
    expect(readRank(read(20, { readError: "HTTP 500" }), T, undefined, POLICY)).toBe(2);
    expect(readRank(read(59), T, undefined, POLICY)).toBeNull();
    expect(readRank(read(60), T, undefined, POLICY)).toBe(3);
  });
});

describe("pickNextDevice", () => {
  const none = () => undefined;
  const idle = () => false;

  it("takes the lowest rank, then the least recently read, and skips busy and backup-off devices", () => {
    const devices = [
      stored("stale-old", { readAt: at(T - 5 * HOUR) }),
      stored("problem-new", { readAt: at(T - 20 * MIN), state: "failed" }),
      stored("problem-old", { readAt: at(T - 40 * MIN), state: "failed" }),
      stored("never-busy"),
      stored("never-off", { backupEnabled: false, state: "off" }),
    ];
    const pick = (busy: (id: string) => boolean) => pickNextDevice(devices, T, POLICY, none, busy)?.deviceId;
    expect(pick((id) => id === "never-busy")).toBe("problem-old");
    expect(pick((id) => id === "never-busy" || id === "problem-old")).toBe("problem-new");
    expect(pick(idle)).toBe("never-busy");
  });

  it("returns null when nothing is due", () => {
    expect(pickNextDevice([stored("fresh", { readAt: at(T - MIN) })], T, POLICY, none, idle)).toBeNull();
  });
});

describe("discovery timing", () => {
  it("re-reads the inventory every inventoryMs in a small fleet and stretches it to a tenth of the budget in a large one", () => {
    expect(rediscoveryIntervalMs(20, POLICY)).toBe(30 * MIN);
    // 500 clients: 1,001 calls at a tenth of 60 a minute = 166.83 minutes.
    expect(rediscoveryIntervalMs(500, POLICY)).toBeCloseTo((1001 / 6) * MIN, 6);
  });

  it("reads it at once when never read, not before the first full picture, then an interval after the last read", () => {
    expect(nextDiscoveryAt(null, null, T, 30 * MIN)).toBe(T);
    expect(nextDiscoveryAt(T - HOUR, null, T, 30 * MIN)).toBeNull();
    expect(nextDiscoveryAt(T - HOUR, T - 10 * MIN, T, 30 * MIN)).toBe(T - 30 * MIN);
  });
});
