import { storedDevice } from "../testing/stored-device";
import { describe, expect, it } from "vitest";
import type { DeviceHealth, PluginHealth } from "../health/backup-health";
import { testSession } from "../testing/backup-session";
import type { BackupSession } from "../types";
import type { StoredDevice } from "./fleet-store";
import {
  RANK,
  DEFAULT_REFRESHER_POLICY as POLICY,
  nextBackupDue,
  nextDiscoveryAt,
  overdueAt,
  pickNextDevice,
  readRank,
  rediscoveryIntervalMs,
  rereadGapMs,
} from "./refresh-schedule";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
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
  const WATCH = 2 * HOUR;
  const run = (plugin: string, startMs: number, endMs: number | null): BackupSession => ({
    ...testSession({ id: `${plugin}-${startMs}`, plugin, startMs }),
    end: endMs === null ? null : at(endMs),
  });
  /** The plugin's health as assessDevice gives it for these sessions (newest last). */
  const healthOf = (plugins: { name: string; runs: BackupSession[]; intervalMs: number }[]) =>
    health(plugins.map((p) => plugin({ plugin: p.name, lastStart: p.runs.at(-1)!.start, lastEnd: p.runs.at(-1)!.end, intervalMs: p.intervalMs })));

  it("is the soonest plugin's second earliest recent end carried forward by its rhythm, plus a minute (the soonest N-sight lists a session)", () => {
    // Daily at noon, running 30, 20 and 25 minutes.
    const daily = [run("FileSystem", T - 2 * DAY, T - 2 * DAY + 30 * MIN), run("FileSystem", T - DAY, T - DAY + 20 * MIN), run("FileSystem", T, T + 25 * MIN)];
    // One short run does not pull the watch early: the second shortest (25 min) foretells the next end, 12:25 tomorrow, listed from 12:26.
    const dailyOnly = [{ name: "FileSystem", runs: daily, intervalMs: DAY }];
    expect(nextBackupDue(healthOf(dailyOnly), daily, T + HOUR, WATCH)).toBe(T + DAY + 26 * MIN);
    // Of two runs, the earlier: 13:07 carried an hour on = 14:07, listed from 14:08.
    const hourly = [run("MsSql", T + 5 * MIN, T + 7 * MIN), run("MsSql", T + HOUR + 5 * MIN, T + HOUR + 8 * MIN)];
    const both = [...dailyOnly, { name: "MsSql", runs: hourly, intervalMs: HOUR }];
    expect(nextBackupDue(healthOf(both), [...daily, ...hourly].sort((a, b) => a.start!.localeCompare(b.start!)), T + HOUR + 10 * MIN, WATCH)).toBe(T + 2 * HOUR + 8 * MIN);
  });

  it("carries runs by the rhythm their starts keep over the span, not by one jittered gap", () => {
    // Daily at noon, every other start a minute late, each run 10 minutes: the median gap the health check learns is a day and a minute.
    const jittered = [4, 3, 2, 1, 0].map((k) => run("FileSystem", T - k * DAY + (k % 2) * MIN, T - k * DAY + (k % 2) * MIN + 10 * MIN));
    // By that gap the oldest run would come 5 minutes late; by the span (four days in four slots) every run comes at 12:10 or 12:11.
    expect(nextBackupDue(healthOf([{ name: "FileSystem", runs: jittered, intervalMs: DAY + MIN }]), jittered, T + HOUR, WATCH)).toBe(T + DAY + 11 * MIN);
  });

  it("reads only the last five runs, carries a run across skipped slots, and counts a run without an end as ending as it starts", () => {
    const long = [0, 1, 2, 3, 4, 5].map((k) => run("FileSystem", T - (7 - k) * DAY, T - (7 - k) * DAY + (k === 0 ? 5 : 30) * MIN));
    // The 5-minute run is six runs back: left out. The last five ran 30 minutes; one day (T - 1 day) was skipped.
    expect(nextBackupDue(healthOf([{ name: "FileSystem", runs: long, intervalMs: DAY }]), long, T, WATCH)).toBe(T + 31 * MIN);
    const open = [run("FileSystem", T - DAY, null), run("FileSystem", T, null)];
    expect(nextBackupDue(healthOf([{ name: "FileSystem", runs: open, intervalMs: 2 * HOUR }]), open, T, WATCH)).toBe(T + 2 * HOUR + MIN);
    expect(nextBackupDue(health([plugin({})]), [], T, WATCH)).toBeNull();
  });

  it("moves on to the next slot of the rhythm once a skipped slot's watch has run out", () => {
    const runs = [run("FileSystem", T, T + 30 * MIN)];
    const daily = healthOf([{ name: "FileSystem", runs, intervalMs: DAY }]);
    const slot = T + DAY + 31 * MIN;
    expect(nextBackupDue(daily, runs, slot + WATCH - 1, WATCH)).toBe(slot);
    expect(nextBackupDue(daily, runs, slot + WATCH, WATCH)).toBe(slot + DAY);
    // A weekend skipped: the next slot still to come.
    expect(nextBackupDue(daily, runs, slot + DAY + WATCH + 5 * MIN, WATCH)).toBe(slot + 2 * DAY);
  });

  it("leaves out a plugin silent for more than two slots: stopped, it neither keeps the device watched daily nor hides a live plugin", () => {
    const old = [run("Old", T - 10 * DAY, T - 10 * DAY + 30 * MIN)];
    const live = [run("FileSystem", T, T + 30 * MIN)];
    const both = healthOf([
      { name: "Old", runs: old, intervalMs: DAY },
      { name: "FileSystem", runs: live, intervalMs: DAY },
    ]);
    expect(nextBackupDue(both, [...old, ...live], T + HOUR, WATCH)).toBe(T + DAY + 31 * MIN);
    expect(nextBackupDue(healthOf([{ name: "Old", runs: old, intervalMs: DAY }]), old, T + HOUR, WATCH)).toBeNull();
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
    expect(readRank(read(20, { nextBackupDueAt: at(T - 4 * MIN) }), T, undefined, POLICY)).toBe(RANK.likely);
    expect(readRank(read(20, { nextBackupDueAt: at(T + 5 * MIN) }), T, undefined, POLICY)).toBeNull();
    // Not read since it was due, however long ago: behind the backups likely listed just now, before problems and stale ones.
    expect(readRank(read(5 * 60, { nextBackupDueAt: at(T - 4 * HOUR) }), T, undefined, POLICY)).toBe(RANK.missed);
  });

  it("watches a device whose backup is due but not yet listed: every 90 s for 7½ minutes, then as long again as it was watched, for 2 hours", () => {
    const due = T - 30 * MIN;
    const watched = (readAfterDue: number, now: number) => readRank(stored("d", { readAt: at(due + readAfterDue * MIN), nextBackupDueAt: at(due) }), now, due + readAfterDue * MIN, POLICY);
    expect(watched(0, due + 1.4 * MIN)).toBeNull();
    // Before the backup is likely listed (2 min 50 s after due), a gamble; from then, likely.
    expect(watched(0, due + 1.5 * MIN)).toBe(RANK.early);
    expect(watched(0, due + POLICY.likelyListedMs - 1)).toBe(RANK.early);
    expect(watched(1, due + POLICY.likelyListedMs)).toBe(RANK.likely);
    // A likely read that found nothing: re-read in 90 s as likely while the backup became likely listed less than
    // likelyForMs (2 min 20 s) ago; from then, behind the likely reads of others.
    expect(watched(3, due + 4.5 * MIN)).toBe(RANK.likely);
    expect(watched(3, due + POLICY.likelyListedMs + POLICY.likelyForMs - 1)).toBe(RANK.likely);
    expect(watched(3, due + POLICY.likelyListedMs + POLICY.likelyForMs)).toBe(RANK.missed);
    expect(watched(5, due + 6.5 * MIN)).toBe(RANK.missed);
    expect(watched(7, due + 8.5 * MIN)).toBe(RANK.missed);
    // Read before it was due (as a stale one, say): 90 s later all the same.
    expect(watched(-1, due + 0.4 * MIN)).toBeNull();
    expect(watched(-1, due + 0.5 * MIN)).toBe(RANK.early);
    // Past the fast watch: backing off, and yielding to the fast watch of others for up to 30 minutes.
    expect(watched(10, due + 19 * MIN)).toBeNull();
    expect(watched(10, due + 20 * MIN)).toBe(RANK.lateWatch);
    expect(watched(10, due + 50 * MIN)).toBe(RANK.missed);
    expect(watched(40, due + 79 * MIN)).toBeNull();
    expect(watched(40, due + 80 * MIN)).toBe(RANK.lateWatch);
    // Once the watch is over, one closing read and nothing more.
    expect(watched(100, due + 119 * MIN)).toBeNull();
    expect(watched(100, due + 120 * MIN)).toBe(RANK.lateWatch);
    expect(watched(100, due + 145 * MIN)).toBe(RANK.missed);
    expect(watched(120, due + 150 * MIN)).toBeNull();
    // A problem device is then read as problems are.
    expect(readRank(stored("d", { readAt: at(due + 120 * MIN), nextBackupDueAt: at(due), state: "failed" }), due + 140 * MIN, undefined, POLICY)).toBe(2);
  });

  it("reads the likeliest first when the budget is short: a backup likely listed, then one missed for longer, then a gamble", () => {
    const now = T;
    // Likely listed for 10 s longer than the likely window, and missed in it: readable again 18 s ago.
    const missedDue = now - POLICY.likelyListedMs - POLICY.likelyForMs - 10_000;
    const missed = stored("missed", { readAt: at(now - 1.8 * MIN), nextBackupDueAt: at(missedDue) });
    expect(now - 1.8 * MIN - missedDue).toBeLessThan(POLICY.fastWatchMs);
    // Likely listed since 10 s ago.
    const likely = stored("likely", { readAt: at(now - DAY), nextBackupDueAt: at(now - POLICY.likelyListedMs - 10_000) });
    // Due 2.5 minutes ago and read at once: readable again a minute ago, before the missed one.
    const early = stored("early", { readAt: at(now - 2.5 * MIN), nextBackupDueAt: at(now - 2.5 * MIN) });
    const pick = (devices: StoredDevice[]) => pickNextDevice(devices, now, POLICY, () => undefined, () => false)?.deviceId;
    expect(pick([missed, likely, early])).toBe("likely");
    expect(pick([missed, early])).toBe("missed");
    expect(pick([early])).toBe("early");
    // Likely listed 1.6 minutes ago, read then and found nothing: readable again 6 s ago, and still likely.
    const retried = stored("retried", { readAt: at(now - 1.6 * MIN), nextBackupDueAt: at(now - POLICY.likelyListedMs - 1.6 * MIN) });
    expect(readRank(retried, now, undefined, POLICY)).toBe(RANK.likely);
    expect(pick([missed, early, retried])).toBe("retried");
    // Among the likely, the one readable first.
    expect(pick([retried, likely])).toBe("likely");
  });

  it("queues a late watch read whose yield ran out behind the likely reads that became readable meanwhile", () => {
    const now = T;
    // Read 10 minutes past its due and found nothing; its yield ran out a minute ago.
    const late = stored("late", { readAt: at(now - 41 * MIN), nextBackupDueAt: at(now - 51 * MIN) });
    // Missed 20 minutes ago, in the fast watch.
    const missed = stored("missed", { readAt: at(now - 20 * MIN), nextBackupDueAt: at(now - 24 * MIN) });
    expect(readRank(late, now, undefined, POLICY)).toBe(RANK.missed);
    expect(readRank(missed, now, undefined, POLICY)).toBe(RANK.missed);
    expect(pickNextDevice([late, missed], now, POLICY, () => undefined, () => false)?.deviceId).toBe("missed");
  });

  it("asks the watch's reads for copies no older than its step or its back-off, and the others for none fresher than the minimum re-read time", () => {
    const due = T - 5 * MIN;
    expect(rereadGapMs(stored("d", { readAt: at(due + MIN), nextBackupDueAt: at(due) }), T, POLICY)).toBe(90_000);
    expect(rereadGapMs(stored("d", { readAt: at(due + 30 * MIN), nextBackupDueAt: at(due) }), due + 45 * MIN, POLICY)).toBe(30 * MIN);
    expect(rereadGapMs(stored("d", { readAt: at(T - HOUR), nextBackupDueAt: at(T + HOUR) }), T, POLICY)).toBe(POLICY.minRereadMs);
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

  it("among watched devices takes the one readable first, however recently it was read: the longer a backup was awaited, the likelier it is listed", () => {
    // Watched since 6 minutes, last read 4 minutes ago: readable again 150 s ago.
    const awaited = stored("awaited", { readAt: at(T - 4 * MIN), nextBackupDueAt: at(T - 6 * MIN) });
    // Due a minute ago, last read last night.
    const justDue = stored("just-due", { readAt: at(T - 20 * HOUR), nextBackupDueAt: at(T - MIN) });
    expect(pickNextDevice([justDue, awaited], T, POLICY, none, idle)?.deviceId).toBe("awaited");
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
