import { describe, expect, it } from "vitest";
import type { BackupSession } from "../types";
import { assessDevice, graceFor } from "./backup-health";

const HOUR = 3_600_000;
const NOW = Date.parse("2026-11-27T12:00:00Z");

function session(plugin: string, hoursAgo: number, status = "COMPLETED", type = "BACKUP"): BackupSession {
  const start = NOW - hoursAgo * HOUR;
  const iso = (t: number) => new Date(t).toISOString().replace(".000Z", "Z");
  return {
    sessionId: `${plugin}-${hoursAgo}`,
    type,
    storageAccountId: "1",
    plugin,
    start: iso(start),
    end: iso(start + 600_000),
    durationSeconds: 600,
    selectionSize: 1e9,
    selectionItemCount: 10,
    sizeChange: 0,
    itemCountChange: 0,
    removedItemCount: 0,
    processedSize: 1e9,
    processedItemCount: 10,
    transferredSize: 1e6,
    errorCount: status === "COMPLETED_WITH_ERRORS" ? 3 : 0,
    status,
  };
}

function daily(plugin: string, count: number, lastHoursAgo: number, statuses: string[] = []): BackupSession[] {
  return Array.from({ length: count }, (_, i) => {
    const fromEnd = count - 1 - i;
    return session(plugin, lastHoursAgo + fromEnd * 24, statuses[statuses.length - 1 - fromEnd] ?? "COMPLETED");
  });
}

const sorted = (sessions: BackupSession[]) => sessions.slice().sort((a, b) => (a.start! < b.start! ? -1 : 1));

describe("assessDevice", () => {
  it("is ok when every plugin's latest backup succeeded on time", () => {
    const health = assessDevice(sorted([...daily("FILE_SYSTEM", 10, 3), ...daily("SYSTEM_STATE", 10, 2), ...daily("MSSQL", 10, 5)]), { now: NOW });
    expect(health.state).toBe("ok");
    expect(health.sentence).toBe("All 3 plugins backed up in the last 24 h.");
  });

  it("is failed when a plugin's latest backup failed, counting the streak and its start", () => {
    const system = daily("SYSTEM_STATE", 10, 2, ["FAILED", "FAILED", "FAILED", "FAILED"]);
    const health = assessDevice(sorted([...daily("FILE_SYSTEM", 10, 3), ...system]), { now: NOW });
    expect(health.state).toBe("failed");
    expect(health.worstPlugin).toBe("SYSTEM_STATE");
    const plugin = health.plugins[0]!;
    expect(plugin.failedInARow).toBe(4);
    expect(plugin.failingSince).toBe(system[6]!.start);
    expect(health.sentence).toBe(`SYSTEM_STATE has failed 4 times in a row since ${system[6]!.start}.`);
  });

  it.each(["COMPLETED_WITH_ERRORS", "INTERRUPTED", "CANCELED", "NOT_STARTED"])("is warning when the latest ended %s", (status) => {
    const health = assessDevice(daily("FILE_SYSTEM", 10, 3, [status]), { now: NOW });
    expect(health.state).toBe("warning");
  });

  it("learns a daily rhythm: overdue after about a day plus a grace", () => {
    expect(assessDevice(daily("FILE_SYSTEM", 10, 29), { now: NOW }).state).toBe("ok");
    const late = assessDevice(daily("FILE_SYSTEM", 10, 31), { now: NOW });
    expect(late.state).toBe("overdue");
    expect(late.sentence).toMatch(/^FILE_SYSTEM is overdue: last successful backup 31 h ago/);
  });

  it("learns an hourly rhythm: overdue after a few hours", () => {
    const hourly = (lastHoursAgo: number) => Array.from({ length: 30 }, (_, i) => session("MSSQL", lastHoursAgo + (29 - i)));
    expect(graceFor(HOUR)).toBe(2 * HOUR);
    expect(assessDevice(hourly(2), { now: NOW }).state).toBe("ok");
    expect(assessDevice(hourly(4), { now: NOW }).state).toBe("overdue");
  });

  it("caps any rhythm at the maximum age", () => {
    const weekly = Array.from({ length: 6 }, (_, i) => session("VMWARE", 50 + (5 - i) * 24 * 7));
    expect(assessDevice(weekly, { now: NOW }).state).toBe("ok");
    expect(assessDevice(weekly, { now: NOW, policy: { maxAgeMs: 48 * HOUR, defaultIntervalMs: 24 * HOUR, rhythmWindow: 20 } }).state).toBe("overdue");
  });

  it("prefers overdue to warning, and failed to overdue", () => {
    expect(assessDevice(daily("FILE_SYSTEM", 10, 40, ["INTERRUPTED"]), { now: NOW }).state).toBe("overdue");
    expect(assessDevice(daily("FILE_SYSTEM", 10, 40, ["FAILED"]), { now: NOW }).state).toBe("failed");
  });

  it("judges a device with a single session by the default daily rhythm", () => {
    expect(assessDevice([session("FILE_SYSTEM", 5)], { now: NOW }).state).toBe("ok");
    expect(assessDevice([session("FILE_SYSTEM", 40)], { now: NOW }).state).toBe("overdue");
  });

  it("treats a device with no backups as overdue, and ignores restores", () => {
    const health = assessDevice([session("FILE_SYSTEM", 1, "FAILED", "RESTORE")], { now: NOW });
    expect(health.state).toBe("overdue");
    expect(health.sentence).toBe("No backups recorded for this device yet.");
  });

  it("does not depend on the time zone of the clock: a run just before midnight in Auckland", () => {
    // 23:50 in Auckland is 10:50 UTC; the rule works on durations, not calendar days.
    const now = Date.parse("2026-11-27T10:50:00Z");
    const sessions = Array.from({ length: 10 }, (_, i) => {
      const s = session("FILE_SYSTEM", 0);
      const start = now - (9 - i) * 24 * HOUR - 20 * 60_000;
      return { ...s, sessionId: String(i), start: new Date(start).toISOString(), end: new Date(start + 600_000).toISOString() };
    });
    const health = assessDevice(sessions, { now });
    expect(health.state).toBe("ok");
    expect(assessDevice(sessions, { now: now + 31 * HOUR }).state).toBe("overdue");
  });
});
