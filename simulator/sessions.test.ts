import { describe, expect, it } from "vitest";
import { detectAnomalies } from "../lib/health/anomalies";
import { assessDevice } from "../lib/health/backup-health";
import type { BackupSession } from "../lib/types";
import { generateFleet, type Fleet } from "./fleet";
import { SESSION_STATUSES } from "./profiles";
import { SCENARIO } from "./scenarios";
import { generateSessions, listedAt, nextSessionListed, type Session } from "./sessions";
import { DAY, HOUR, MINUTE } from "./time";

const NOW = new Date("2026-11-27T07:00:00Z");
const NOW_MS = NOW.getTime();
const fleet = generateFleet({ seed: 42, devices: 400, now: NOW });

function sessionsOf(id: string, at: number = NOW_MS, f: Fleet = fleet): readonly Session[] {
  const device = f.deviceById.get(id);
  if (!device) throw new Error(`no device ${id}`);
  return generateSessions(device, at);
}

function byPlugin(sessions: readonly Session[]): Map<string, Session[]> {
  const out = new Map<string, Session[]>();
  for (const s of sessions) {
    if (s.type !== "BACKUP") continue;
    const list = out.get(s.plugin) ?? [];
    list.push(s);
    out.set(s.plugin, list);
  }
  for (const list of out.values()) list.sort((a, b) => a.startMs - b.startMs);
  return out;
}

describe("scenario devices", () => {
  it("hourlySqlServer has hourly MSSQL, daily FILE_SYSTEM and SYSTEM_STATE, over 20,000 sessions", () => {
    const sessions = sessionsOf(SCENARIO.hourlySqlServer);
    expect(sessions.length).toBeGreaterThanOrEqual(20_000);
    const plugins = byPlugin(sessions);
    expect([...plugins.keys()].sort()).toEqual(["FILE_SYSTEM", "MSSQL", "SYSTEM_STATE"]);
    const sql = plugins.get("MSSQL") ?? [];
    const gaps = sql.slice(1, 200).map((s, i) => Math.round((s.startMs - (sql[i] as Session).startMs) / HOUR));
    expect(new Set(gaps)).toEqual(new Set([1]));
    const fs = plugins.get("FILE_SYSTEM") ?? [];
    expect(Math.round(((fs[1] as Session).startMs - (fs[0] as Session).startMs) / DAY)).toBe(1);
  });

  it("hourlySqlServer stays above 20,000 sessions for every seed", () => {
    for (const seed of [1, 7, 123456]) {
      const f = generateFleet({ seed, devices: 30, now: NOW });
      expect(sessionsOf(SCENARIO.hourlySqlServer, NOW_MS, f).length).toBeGreaterThanOrEqual(20_000);
    }
  });

  it("singleSession has exactly one session, now and a week later", () => {
    expect(sessionsOf(SCENARIO.singleSession)).toHaveLength(1);
    expect(sessionsOf(SCENARIO.singleSession, NOW_MS + 7 * DAY)).toHaveLength(1);
    expect(sessionsOf(SCENARIO.singleSession)[0]?.status).toBe("COMPLETED");
  });

  it("backupOff has B&R off and no sessions", () => {
    expect(fleet.deviceById.get(SCENARIO.backupOff)?.mob).toBe(false);
    expect(sessionsOf(SCENARIO.backupOff)).toHaveLength(0);
  });

  it("stoppedDaysAgo devices last backed up 3, 9 and 30 days ago, for every plugin", () => {
    for (const seed of [42, 5]) {
      const f = generateFleet({ seed, devices: 30, now: NOW });
      for (const { deviceId, days } of SCENARIO.stoppedDaysAgo) {
        const plugins = byPlugin(sessionsOf(deviceId, NOW_MS, f));
        expect(plugins.size).toBeGreaterThan(0);
        for (const [plugin, list] of plugins) {
          const last = list[list.length - 1] as Session;
          const ageDays = (NOW_MS - last.startMs) / DAY;
          expect(Math.abs(ageDays - days), `${deviceId} ${plugin}`).toBeLessThan(3 / 24);
        }
        expect(sessionsOf(deviceId, NOW_MS + 5 * DAY, f).length).toBe(sessionsOf(deviceId, NOW_MS, f).length);
      }
    }
  });

  it("stoppedDaysAgo devices' last backup of every plugin succeeded, whatever day the fleet starts", () => {
    for (let day = 0; day < 365; day++) {
      const now = NOW_MS + day * DAY + ((day * 5) % 24) * HOUR;
      const f = generateFleet({ seed: 42, devices: 30, now: new Date(now) });
      for (const { deviceId } of SCENARIO.stoppedDaysAgo) {
        for (const [plugin, list] of byPlugin(sessionsOf(deviceId, now, f))) {
          expect(list[list.length - 1]!.status, `${deviceId} ${plugin}, fleet started ${new Date(now).toISOString()}`).toBe("COMPLETED");
        }
      }
    }
  });

  it("failingStreak: SYSTEM_STATE failed the last 4 times in a row, FILE_SYSTEM is fine", () => {
    for (const seed of [42, 99]) {
      const f = generateFleet({ seed, devices: 30, now: NOW });
      const plugins = byPlugin(sessionsOf(SCENARIO.failingStreak, NOW_MS, f));
      const state = plugins.get("SYSTEM_STATE") ?? [];
      expect(state.slice(-4).map((s) => s.status)).toEqual(["FAILED", "FAILED", "FAILED", "FAILED"]);
      expect(state[state.length - 5]?.status).not.toBe("FAILED");
      for (const s of state.slice(-4)) expect(s.errorCount).toBeGreaterThan(0);
      const files = plugins.get("FILE_SYSTEM") ?? [];
      expect(files.slice(-7).every((s) => s.status === "COMPLETED")).toBe(true);
      expect(NOW_MS - (files[files.length - 1] as Session).startMs).toBeLessThan(DAY);
    }
  });

  it("overdue: a daily device whose last backup is about 36 h old", () => {
    const sessions = sessionsOf(SCENARIO.overdue);
    const last = sessions.reduce((a, b) => (b.startMs > a.startMs ? b : a));
    const ageHours = (NOW_MS - last.startMs) / HOUR;
    expect(ageHours).toBeGreaterThan(35);
    expect(ageHours).toBeLessThan(37);
    expect(last.status).toBe("COMPLETED");
  });
});

describe("quiet-failure devices", () => {
  const asApp = (sessions: readonly Session[]): BackupSession[] =>
    sessions
      .map(({ startMs, endMs, ...s }) => ({
        ...s,
        start: new Date(startMs).toISOString(),
        end: new Date(endMs).toISOString(),
        durationSeconds: (endMs - startMs) / 1000,
      }))
      .sort((a, b) => a.start.localeCompare(b.start));
  const judged = (id: string, at = NOW_MS) => {
    const sessions = asApp(sessionsOf(id, at));
    return { current: detectAnomalies(sessions, { now: at }).current.map((a) => `${a.plugin} ${a.rule}`), state: assessDevice(sessions, { now: at }).state };
  };

  it("each shows its rules in its latest backups, beside the health state it would have anyway", () => {
    expect(judged(SCENARIO.quiet.emptyAndMissing)).toEqual({ current: ["FILE_SYSTEM nothing_transferred", "SYSTEM_STATE plugin_missing"], state: "overdue" });
    expect(judged(SCENARIO.quiet.ransomware)).toEqual({ current: ["FILE_SYSTEM transfer_spike", "FILE_SYSTEM slow"], state: "ok" });
    expect(judged(SCENARIO.quiet.brokenSelection)).toEqual({ current: ["FILE_SYSTEM transfer_drop", "FILE_SYSTEM selection_shrank"], state: "ok" });
  });

  it("for every seed, and the day after only the stopped plugin is still flagged", () => {
    for (const seed of [1, 7, 123456]) {
      const f = generateFleet({ seed, devices: 60, now: NOW });
      for (const id of Object.values(SCENARIO.quiet)) {
        const sessions = asApp(sessionsOf(id, NOW_MS, f));
        expect(detectAnomalies(sessions, { now: NOW_MS }).current.length).toBeGreaterThanOrEqual(2);
      }
    }
    const later = NOW_MS + DAY;
    expect(judged(SCENARIO.quiet.emptyAndMissing, later).current).toEqual(["SYSTEM_STATE plugin_missing"]);
    expect(judged(SCENARIO.quiet.ransomware, later).current).toEqual([]);
    expect(judged(SCENARIO.quiet.brokenSelection, later).current).toEqual([]);
  });
});

describe("generateSessions", () => {
  it("is deterministic across fleet instances", () => {
    const other = generateFleet({ seed: 42, devices: 400, now: NOW });
    for (const id of ["3000004", "3000050", "3000222"]) {
      expect(sessionsOf(id, NOW_MS, other)).toEqual(sessionsOf(id));
    }
  });

  it("differs for another seed", () => {
    const other = generateFleet({ seed: 43, devices: 400, now: NOW });
    expect(sessionsOf("3000004", NOW_MS, other)).not.toEqual(sessionsOf("3000004"));
  });

  it("only adds sessions as time passes; old sessions never change", () => {
    for (const id of [SCENARIO.hourlySqlServer, "3000004", "3000100"]) {
      const before = sessionsOf(id);
      const later = sessionsOf(id, NOW_MS + 3 * DAY);
      expect(later.length).toBeGreaterThan(before.length);
      const laterById = new Map(later.map((s) => [s.sessionId, s]));
      for (const s of before) expect(laterById.get(s.sessionId)).toEqual(s);
    }
  });

  it("shows a session only once it has ended", () => {
    for (const s of sessionsOf(SCENARIO.hourlySqlServer)) expect(s.endMs).toBeLessThanOrEqual(NOW_MS);
  });

  it("lists a session 1 to 5 minutes after it ends, as N-sight records finished batches, the same on every run", () => {
    const device = fleet.deviceById.get(SCENARIO.hourlySqlServer)!;
    const recent = generateSessions(device, NOW_MS + DAY).filter((s) => s.endMs > NOW_MS);
    const delays = new Set(recent.map((s) => (listedAt(s) - s.endMs) / MINUTE));
    expect([...delays].sort()).toEqual([1, 2, 3, 4, 5]);
    for (const s of recent.slice(0, 30)) {
      expect(generateSessions(device, listedAt(s) - 1).some((seen) => seen.sessionId === s.sessionId)).toBe(false);
      expect(generateSessions(device, listedAt(s)).some((seen) => seen.sessionId === s.sessionId)).toBe(true);
    }
    const pending = generateSessions(device, NOW_MS + DAY).map(listedAt).filter((t) => t > NOW_MS);
    expect(nextSessionListed(device, NOW_MS)).toBe(Math.min(...pending));
  });

  it("returns the same array while nothing new is visible", () => {
    expect(sessionsOf("3000004")).toBe(sessionsOf("3000004"));
  });

  it("groups sessions by plugin, chronological within a plugin", () => {
    for (const device of fleet.devices.slice(0, 80)) {
      const sessions = generateSessions(device, NOW_MS);
      const seen = new Set<string>();
      let previous: Session | undefined;
      for (const s of sessions) {
        if (previous && previous.plugin !== s.plugin) {
          expect(seen.has(s.plugin), `${device.id} ${s.plugin} not contiguous`).toBe(false);
        }
        if (previous && previous.plugin === s.plugin) expect(s.startMs).toBeGreaterThanOrEqual(previous.startMs);
        seen.add(s.plugin);
        previous = s;
      }
    }
  });

  it("produces realistic values across the fleet", () => {
    const all = fleet.devices.flatMap((d) => generateSessions(d, NOW_MS));
    expect(all.length).toBeGreaterThan(50_000);
    const ids = new Set(all.map((s) => s.sessionId));
    expect(ids.size).toBe(all.length);
    for (const id of [...ids].slice(0, 1000)) expect(id).toMatch(/^[1-9]\d*$/);

    const statuses = new Set(all.map((s) => s.status));
    for (const status of SESSION_STATUSES) expect(statuses.has(status), status).toBe(true);
    expect(all.filter((s) => s.status === "COMPLETED").length / all.length).toBeGreaterThan(0.75);
    expect(all.some((s) => s.type === "RESTORE")).toBe(true);
    expect(all.some((s) => s.selectionSize > 2 ** 32)).toBe(true);
    for (const plugin of ["FILE_SYSTEM", "SYSTEM_STATE", "MSSQL", "EXCHANGE", "VMWARE", "NETWORK_SHARES"]) {
      expect(all.some((s) => s.plugin === plugin), plugin).toBe(true);
    }
    const wrong = all.filter(
      (s) =>
        (s.status === "COMPLETED_WITH_ERRORS" && s.errorCount === 0) ||
        (s.status === "COMPLETED" && s.errorCount !== 0) ||
        s.endMs < s.startMs ||
        !Number.isInteger(s.transferredSize) ||
        s.transferredSize < 0 ||
        s.transferredSize > s.selectionSize,
    );
    expect(wrong.slice(0, 3)).toEqual([]);
  });

  it("has a full first backup, then small increments, and size_change is the absolute difference", () => {
    let increments: number[] = [];
    for (const device of fleet.devices.slice(30, 130)) {
      for (const list of byPlugin(generateSessions(device, NOW_MS)).values()) {
        const ran = list.filter((s) => s.status !== "NOT_STARTED");
        const first = ran[0];
        if (!first) continue;
        if (first.status === "COMPLETED") expect(first.transferredSize / first.selectionSize).toBeGreaterThan(0.4);
        for (let i = 1; i < ran.length; i++) {
          const s = ran[i] as Session;
          const prev = ran[i - 1] as Session;
          expect(s.sizeChange).toBe(Math.abs(s.selectionSize - prev.selectionSize));
          expect(s.itemCountChange).toBe(Math.abs(s.selectionItemCount - prev.selectionItemCount));
          if (s.status === "COMPLETED" && prev.status === "COMPLETED" && i > 1) increments.push(s.transferredSize / s.selectionSize);
        }
      }
    }
    increments = increments.sort((a, b) => a - b);
    const median = increments[Math.floor(increments.length / 2)] ?? 0;
    expect(median).toBeGreaterThan(0.002);
    expect(median).toBeLessThan(0.03);
  });
});
