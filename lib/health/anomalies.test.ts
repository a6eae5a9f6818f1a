import { describe, expect, it } from "vitest";
import type { BackupSession } from "../types";
import { detectAnomalies } from "./anomalies";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.parse("2026-11-27T12:00:00Z");
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

interface Shape {
  transferred?: number;
  selection?: number;
  duration?: number;
  status?: string;
}

/** One backup a day, the last `lastHoursAgo` before NOW; each shape overrides the steady default. */
function history(plugin: string, shapes: Shape[], lastHoursAgo = 2): BackupSession[] {
  return shapes.map((shape, i) => {
    const start = NOW - lastHoursAgo * HOUR - (shapes.length - 1 - i) * DAY;
    const duration = shape.duration ?? 600;
    return {
      sessionId: `${plugin}-${i}`,
      type: "BACKUP",
      storageAccountId: "1",
      plugin,
      start: new Date(start).toISOString(),
      end: new Date(start + duration * 1000).toISOString(),
      durationSeconds: duration,
      selectionSize: shape.selection ?? 100 * GiB,
      selectionItemCount: 1000,
      sizeChange: 0,
      itemCountChange: 0,
      removedItemCount: 0,
      processedSize: 100 * GiB,
      processedItemCount: 1000,
      transferredSize: shape.transferred ?? GiB,
      errorCount: 0,
      status: shape.status ?? "COMPLETED",
    };
  });
}

const steady = (n: number): Shape[] => Array.from({ length: n }, () => ({}));
const byTime = (sessions: BackupSession[]) => sessions.slice().sort((a, b) => Date.parse(a.start!) - Date.parse(b.start!));
const rules = (sessions: BackupSession[]) => detectAnomalies(sessions, { now: NOW }).current.map((a) => a.rule);
const latestRules = (last: Shape, before = steady(10)) => rules(history("FILE_SYSTEM", [...before, last]));

describe("detectAnomalies: per session, against the plugin's own successful history", () => {
  it("a steady plugin has no anomaly", () => {
    const report = detectAnomalies(history("FILE_SYSTEM", steady(30)), { now: NOW });
    expect(report.current).toEqual([]);
    expect(report.bySession.size).toBe(0);
  });

  it("nothing transferred where the plugin usually transfers something, in words with the figures", () => {
    const [anomaly] = detectAnomalies(history("FILE_SYSTEM", [...steady(10), { transferred: 0 }]), { now: NOW }).current;
    expect(anomaly).toMatchObject({ plugin: "FILE_SYSTEM", rule: "nothing_transferred", observed: 0, expected: GiB, sessionStart: expect.any(String) });
    expect(anomaly!.reason).toBe("Files and folders transferred nothing; its median is 1.00 GiB (usually 1.00 GiB to 1.00 GiB).");
  });

  it("a plugin whose median transfer is 0 is never flagged for transferring nothing, nor for transferring something", () => {
    const mostlyNothing = [...steady(6).map(() => ({ transferred: 0 })), ...steady(5)];
    expect(latestRules({ transferred: 0 }, mostlyNothing)).toEqual([]);
    expect(latestRules({ transferred: 50 * GiB }, steady(11).map(() => ({ transferred: 0 })))).toEqual([]);
  });

  it("transferred above 3x its median: exactly 3x is not, a byte more is", () => {
    expect(latestRules({ transferred: 3 * GiB })).toEqual([]);
    expect(latestRules({ transferred: 3 * GiB + 1 })).toEqual(["transfer_spike"]);
    const [spike] = detectAnomalies(history("FILE_SYSTEM", [...steady(10), { transferred: 12 * GiB }]), { now: NOW }).current;
    expect(spike!.reason).toBe("Files and folders transferred 12.0 GiB, 12 times its median of 1.00 GiB (usually 1.00 GiB to 1.00 GiB).");
  });

  it("transferred below a third of its median: exactly a third is not", () => {
    expect(latestRules({ transferred: 300 * MiB }, steady(10).map(() => ({ transferred: 900 * MiB })))).toEqual([]);
    expect(latestRules({ transferred: 300 * MiB - 1 }, steady(10).map(() => ({ transferred: 900 * MiB })))).toEqual(["transfer_drop"]);
  });

  it("the median resists one earlier outlier, and the spread is stated", () => {
    const noisy = [{ transferred: 40 * GiB }, ...steady(9).map((_, i) => ({ transferred: (i + 1) * 100 * MiB }))];
    // Sorted: 100…900 MiB and 40 GiB; the median is the mean of 500 and 600 MiB (the mean, 4.5 GiB, would flag 200 MiB).
    expect(latestRules({ transferred: 200 * MiB }, noisy)).toEqual([]);
    expect(latestRules({ transferred: 150 * MiB }, noisy)).toEqual(["transfer_drop"]);
    const [spike] = detectAnomalies(history("FILE_SYSTEM", [...noisy, { transferred: 2 * GiB }]), { now: NOW }).current;
    expect(spike).toMatchObject({ rule: "transfer_spike", expected: 550 * MiB });
    expect(spike!.reason).toContain("(usually 325 MiB to 775 MiB)");
  });

  it("selection shrank by 30 % or more since the previous successful backup: 29 % is not", () => {
    expect(latestRules({ selection: 71 * GiB })).toEqual([]);
    expect(latestRules({ selection: 70 * GiB })).toEqual(["selection_shrank"]);
    const [shrank] = detectAnomalies(history("FILE_SYSTEM", [...steady(10), { selection: 40 * GiB }]), { now: NOW }).current;
    expect(shrank!.reason).toBe("Files and folders's selection shrank by 60 % since the previous backup, from 100 GiB to 40.0 GiB.");
    // Against the previous successful backup, not a failed one in between.
    expect(latestRules({ selection: 100 * GiB }, [...steady(10), { selection: 10 * GiB, status: "FAILED" }])).toEqual([]);
  });

  it("duration above twice its median: exactly twice is not", () => {
    expect(latestRules({ duration: 1200 })).toEqual([]);
    expect(latestRules({ duration: 1201 })).toEqual(["slow"]);
    const [slow] = detectAnomalies(history("FILE_SYSTEM", [...steady(10), { duration: 5 * 3600 }]), { now: NOW }).current;
    expect(slow!.reason).toBe("Files and folders took 5 h, 30 times its median of 10 min (usually 10 min to 10 min).");
  });

  it("9 successful backups before a session give no verdict, 10 do; failures do not count", () => {
    expect(latestRules({ transferred: 0 }, steady(9))).toEqual([]);
    expect(latestRules({ transferred: 0 }, steady(10))).toEqual(["nothing_transferred"]);
    expect(latestRules({ transferred: 0 }, [...steady(9), { status: "FAILED" }])).toEqual([]);
    expect(latestRules({ transferred: 0 }, [...steady(9), { status: "COMPLETED_WITH_ERRORS" }])).toEqual(["nothing_transferred"]);
  });

  it("only successful backups are judged: a failure is the health rule's", () => {
    expect(latestRules({ transferred: 0, status: "FAILED" })).toEqual([]);
    expect(rules([...history("FILE_SYSTEM", steady(12)), { ...history("FILE_SYSTEM", [{ transferred: 0 }])[0]!, type: "RESTORE", sessionId: "r" }])).toEqual([]);
  });

  it("a session can break several rules at once, and each is listed", () => {
    expect(latestRules({ transferred: 20 * GiB, duration: 7200 })).toEqual(["transfer_spike", "slow"]);
  });

  it("after a longer gap than usual, expects the transfer and duration to have grown with it (a laptop off for the weekend)", () => {
    const weekday = history("FILE_SYSTEM", steady(10), 74);
    const monday = (shape: Shape) => rules([...weekday, ...history("FILE_SYSTEM", [shape], 2)]);
    // Three days since the previous backup, where one is usual: up to 9x and 6x the medians are expected.
    expect(monday({ transferred: 9 * GiB, duration: 3600 })).toEqual([]);
    expect(monday({ transferred: 9 * GiB + 1, duration: 3601 })).toEqual(["transfer_spike", "slow"]);
  });

  it("judges only the sessions asked for, and always each plugin's latest", () => {
    const shapes = [...steady(12), { transferred: 0 }, ...steady(3), { duration: 9000 }];
    const report = detectAnomalies(history("FILE_SYSTEM", shapes), { now: NOW, judge: () => false });
    expect([...report.bySession.keys()]).toEqual(["FILE_SYSTEM-16"]);
    expect(report.current.map((a) => a.rule)).toEqual(["slow"]);
  });

  it("marks every anomalous session in the history, while the fleet sees only each plugin's latest", () => {
    const shapes = [...steady(12), { transferred: 0 }, ...steady(3), { duration: 9000 }, ...steady(2)];
    const report = detectAnomalies(history("FILE_SYSTEM", shapes), { now: NOW });
    expect([...report.bySession.entries()].map(([id, found]) => [id, found.map((a) => a.rule)])).toEqual([
      ["FILE_SYSTEM-12", ["nothing_transferred"]],
      ["FILE_SYSTEM-16", ["slow"]],
    ]);
    expect(report.current).toEqual([]);
  });
});

describe("detectAnomalies: a plugin that stopped appearing", () => {
  it("is flagged once past its learned rhythm and grace while another plugin goes on", () => {
    // SYSTEM_STATE ran daily until 3 days ago; FILE_SYSTEM ran 2 h ago.
    const sessions = byTime([...history("FILE_SYSTEM", steady(20)), ...history("SYSTEM_STATE", steady(15), 72)]);
    const report = detectAnomalies(sessions, { now: NOW });
    expect(report.current).toEqual([
      {
        plugin: "SYSTEM_STATE",
        rule: "plugin_missing",
        sessionStart: null,
        reason: "System state has not run for 3 days (usually every 1 d) while Files and folders goes on.",
        observed: 72 * HOUR,
        expected: DAY,
      },
    ]);
  });

  it("is not flagged within its rhythm plus grace (a quarter of it, at least 2 h), nor before another plugin ran after that", () => {
    const withSystemState = (hoursAgo: number) => rules(byTime([...history("FILE_SYSTEM", steady(20)), ...history("SYSTEM_STATE", steady(15), hoursAgo)]));
    expect(withSystemState(29)).toEqual([]);
    // Due 1 h ago; FILE_SYSTEM's latest (2 h ago) started before that.
    expect(withSystemState(31)).toEqual([]);
    expect(withSystemState(33)).toEqual(["plugin_missing"]);
  });

  it("is not flagged when every plugin stopped (the device went quiet), nor with fewer than 10 successes", () => {
    const allStopped = byTime([...history("FILE_SYSTEM", steady(20), 72), ...history("SYSTEM_STATE", steady(15), 73)]);
    expect(rules(allStopped)).toEqual([]);
    const young = byTime([...history("FILE_SYSTEM", steady(20)), ...history("SYSTEM_STATE", steady(9), 72)]);
    expect(rules(young)).toEqual([]);
  });

  it("a plugin that keeps failing still appears: that is the health rule's, not a missing plugin", () => {
    const failing = byTime([...history("FILE_SYSTEM", steady(20)), ...history("SYSTEM_STATE", [...steady(12), { status: "FAILED" }, { status: "FAILED" }])]);
    expect(rules(failing)).toEqual([]);
  });
});

describe("detectAnomalies: input it must survive", () => {
  it("ignores undated sessions and missing figures", () => {
    const sessions = history("FILE_SYSTEM", steady(12)).map((s, i) => (i === 3 ? { ...s, start: null } : i === 11 ? { ...s, transferredSize: null, durationSeconds: null, selectionSize: null } : s));
    expect(detectAnomalies(sessions, { now: NOW }).current).toEqual([]);
    expect(detectAnomalies([], { now: NOW })).toEqual({ current: [], bySession: new Map() });
  });
});
