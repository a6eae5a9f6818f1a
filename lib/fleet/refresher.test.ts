import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { NsightError } from "../nsight/errors";
import { UpstreamTracker } from "../nsight/upstream-health";
import type { BackupSession, Client, ClientDevice } from "../types";
import { openStore } from "../store/db";
import { FleetStore, type FleetStateChanges, type StoredDevice } from "./fleet-store";
import { FleetRefresher, type RefresherSource } from "./refresher";
import { testSession } from "../testing/backup-session";
import { storedDevice } from "../testing/stored-device";
import { answerFor, DEFAULT_FLEET_QUERY } from "./fleet-answer";
import type { FleetAnswer } from "./types";
import { SwrCache } from "../cache/swr-cache";
import { maxAgeFloored } from "../data/cached-reads";

const HOUR = 3_600_000;
const T0 = Date.parse("2026-11-27T12:00:00Z");

const session = (id: string, plugin: string, startMs: number, status = "COMPLETED"): BackupSession => testSession({ id, plugin, startMs, status });

function daily(id: string, now: number, hoursAgo: number, failures = 0): BackupSession[] {
  return Array.from({ length: 10 }, (_, i) => session(`${id}-${i}`, "FILE_SYSTEM", now - (hoursAgo + (9 - i) * 24) * HOUR, i >= 10 - failures ? "FAILED" : "COMPLETED"));
}

const CLIENTS: Client[] = [
  { clientId: "1", name: "Acme", timezone: "Europe/London", createdOn: null, serverCount: 2, workstationCount: 1, mobileDeviceCount: 0, deviceCount: 3, viewDashboard: false, viewWorkstationAssets: false },
  { clientId: "2", name: "Beta", timezone: null, createdOn: null, serverCount: 1, workstationCount: 0, mobileDeviceCount: 0, deviceCount: 1, viewDashboard: false, viewWorkstationAssets: false },
];

function device(deviceId: string, clientId: string, backupEnabled = true): ClientDevice {
  return { deviceId, clientId, siteId: "10", siteName: "HQ", type: "server", name: `D${deviceId}`, description: null, username: null, status: "Ok", backupEnabled };
}

const DEVICES: Record<string, ClientDevice[]> = {
  "1": [device("11", "1"), device("12", "1"), device("13", "1", false)],
  "2": [device("21", "2")],
};

function fakeSource(clock: { now: number }, histories: Record<string, (now: number) => BackupSession[] | Error>) {
  const reads: string[] = [];
  const tracker = new UpstreamTracker(() => clock.now);
  const source: RefresherSource = {
    listClients: async () => CLIENTS,
    listClientDevices: async (clientId) => DEVICES[clientId] ?? [],
    readSessions: async (deviceId) => {
      reads.push(deviceId);
      const result = histories[deviceId]?.(clock.now) ?? [];
      if (result instanceof Error) throw result;
      return { sessions: result, fetchedAt: clock.now };
    },
    pausedUntil: () => null,
    upstream: () => tracker.snapshot(),
  };
  return { source, reads };
}

const histories = {
  "11": (now: number) => daily("a", now, 3),
  "12": (now: number) => daily("b", now, 2, 4),
  "21": (now: number) => daily("c", now, 5),
};

function refresher(clock: { now: number }, h: Record<string, (now: number) => BackupSession[] | Error> = histories, store?: FleetStore) {
  const { source, reads } = fakeSource(clock, h);
  const r = new FleetRefresher({ source, store, now: () => clock.now, policy: { minRereadMs: 15 * 60_000, rereadMs: HOUR, workers: 2, saveEveryMs: 60_000 } });
  return { r, reads };
}

async function readEverything(r: FleetRefresher, now: number) {
  for (let next = r.pickNext(now); next; next = r.pickNext(now)) await r.read(next.deviceId).catch(() => undefined);
}

describe("FleetRefresher", () => {
  it("discovers devices, reads those with B&R on, and reaches the full picture", async () => {
    const clock = { now: T0 };
    const { r, reads } = refresher(clock);
    await r.discover();
    expect(r.progress()).toMatchObject({ backupDevices: 3, read: 0, fullPictureAt: null });
    expect(r.progress().estimatedFullPictureAt).not.toBeNull();
    await readEverything(r, clock.now);
    expect(reads.sort()).toEqual(["11", "12", "21"]);
    const snapshot = r.snapshot();
    expect(snapshot.counts).toEqual({ failed: 1, overdue: 0, warning: 0, unknown: 0, ok: 2, off: 1 });
    expect(snapshot.progress.fullPictureAt).toBe(new Date(T0).toISOString());
    expect(snapshot.problems.map((d) => [d.deviceId, d.state, d.failedInARow])).toEqual([["12", "failed", 4]]);
    expect(snapshot.clients.map((c) => [c.name, c.worst])).toEqual([
      ["Acme", "failed"],
      ["Beta", "ok"],
    ]);
  });

  it("notes the first full picture and counts progress without walking the fleet", async () => {
    const clock = { now: T0 };
    const { r } = refresher(clock);
    await r.discover();
    const walks = vi.spyOn(Map.prototype, "values");
    try {
      await readEverything(r, clock.now);
      expect(r.progress()).toMatchObject({ backupDevices: 3, read: 3 });
      expect(walks.mock.contexts.filter((map) => map?.constructor?.name === "QueuedDevices")).toHaveLength(0);
    } finally {
      walks.mockRestore();
    }
    expect(r.progress()).toMatchObject({ read: 3, fullPictureAt: new Date(T0).toISOString() });
  });

  it("moves a device whose backup was skipped on to its next slot when the watch runs out, not to the next stale re-read", async () => {
    const MIN = 60_000;
    const firstSlot = T0 - 23 * HOUR;
    // A backup at the same time every day, listed a minute after it ends; the second day's is skipped.
    const skipping = (now: number) =>
      Array.from({ length: 13 }, (_, k) => session(`s-${k}`, "FILE_SYSTEM", firstSlot + (k - 9) * 24 * HOUR))
        .filter((_, k) => k !== 11)
        .filter((s) => Date.parse(s.end!) + MIN <= now);
    const clock = { now: T0 };
    const { source, reads } = fakeSource(clock, { "11": skipping });
    const r = new FleetRefresher({ source, now: () => clock.now, policy: { minRereadMs: 15 * MIN, rereadMs: 30 * HOUR, workers: 1, saveEveryMs: 60_000 } });
    await r.discover();
    const afterSkip = firstSlot + 3 * 24 * HOUR;
    let seenAt: number | null = null;
    for (; clock.now < afterSkip + 6 * HOUR && seenAt === null; clock.now += MIN) {
      await readEverything(r, clock.now);
      if (r.device("11")?.plugins[0]?.recent.at(-1)?.start === session("x", "FILE_SYSTEM", afterSkip).start) seenAt = clock.now;
    }
    const listedAt = afterSkip + 10 * MIN + MIN;
    expect(seenAt).not.toBeNull();
    expect(seenAt! - listedAt).toBeLessThan(15 * MIN);
    expect(reads.filter((id) => id === "11").length).toBeLessThan(20);
  });

  it("reads a backup within 90 s of N-sight listing it, through a sessions cache of 5 minutes, at a bounded cost a day", async () => {
    const MIN = 60_000;
    const DAY = 24 * HOUR;
    // Nightly at 02:00, starting up to 90 s late, running 20 to 25 minutes; N-sight lists each 1 to 5 minutes after it ends.
    const runs = Array.from({ length: 20 }, (_, k) => {
      const start = Date.parse("2026-11-15T02:00:00Z") + k * DAY + ((k * 37) % 91) * 1_000;
      const end = start + (20 + ((k * 7) % 6)) * MIN;
      return { ...session(`n-${k}`, "FILE_SYSTEM", start), end: new Date(end).toISOString(), listedAt: end + (1 + ((k * 3) % 5)) * MIN };
    });
    const clock = { now: T0 };
    const cache = new SwrCache({ maxWeight: 10_000, staleAfterMs: 3_000, now: () => clock.now });
    const fetches: string[] = [];
    const { source } = fakeSource(clock, {});
    const viaCache: RefresherSource = {
      ...source,
      readSessions: async (deviceId, { maxAgeMs } = {}) => {
        const hit = await cache.get(`list_mob_sessions?deviceid=${deviceId}`, {
          ttlMs: 5 * MIN,
          maxAgeMs: maxAgeFloored(maxAgeMs),
          background: true,
          load: async () => {
            fetches.push(deviceId);
            return deviceId === "11" ? runs.filter((run) => run.listedAt <= clock.now) : [];
          },
        });
        return { sessions: hit.value, fetchedAt: hit.fetchedAt };
      },
    };
    const r = new FleetRefresher({ source: viaCache, now: () => clock.now, policy: { minRereadMs: 15 * MIN, rereadMs: HOUR, workers: 1, saveEveryMs: 60_000 } });
    await r.discover();
    const lateness: number[] = [];
    for (const run of runs.filter((run) => run.listedAt > T0)) {
      for (; !r.device("11")!.plugins[0]?.recent.some((seen) => seen.start === run.start); clock.now += 5_000) await readEverything(r, clock.now);
      lateness.push(clock.now - run.listedAt);
    }
    expect(lateness.length).toBeGreaterThanOrEqual(6);
    // A read every 90 s once the backup is due, looked for every 5 s here.
    expect(Math.max(...lateness)).toBeLessThanOrEqual(90_000 + 10_000);
    // The hourly re-reads of a healthy device, and a handful of watch reads per backup.
    const days = (clock.now - T0) / DAY;
    expect(fetches.filter((id) => id === "11").length).toBeLessThan(days * (24 + 6));
  });

  it("reads never-read devices first, then those whose backup should have finished, then problems", async () => {
    const clock = { now: T0 };
    const { r } = refresher(clock);
    await r.discover();
    await readEverything(r, clock.now);
    expect(r.pickNext(clock.now + 10 * 60_000)).toBeNull();
    expect(r.pickNext(clock.now + 20 * 60_000)?.deviceId).toBe("12");
    const next = r.pickNext(clock.now + 24 * HOUR);
    expect(["11", "21"]).toContain(next?.deviceId);
  });

  it("keeps the last known state with its age when a read fails, and does not hammer the device", async () => {
    const clock = { now: T0 };
    let fail = false;
    const { r, reads } = refresher(clock, { ...histories, "11": (now) => (fail ? new NsightError("bad_response", "N-sight's answer was not well-formed XML (possibly cut off).") : daily("a", now, 3)) });
    await r.discover();
    await readEverything(r, clock.now);
    fail = true;
    clock.now += 2 * HOUR;
    await r.read("11").catch(() => undefined);
    const d = r.device("11")!;
    expect(d.state).toBe("ok");
    expect(d.readAt).toBe(new Date(T0).toISOString());
    expect(d.readError).toBe("N-sight's answer was not well-formed XML (possibly cut off).");
    const count = reads.filter((id) => id === "11").length;
    expect(r.pickNext(clock.now)?.deviceId).not.toBe("11");
    expect(reads.filter((id) => id === "11").length).toBe(count);
  });

  it("retries a device as soon as calls may go out again when N-sight as a whole was down", async () => {
    const clock = { now: T0 };
    const { source } = fakeSource(clock, { ...histories, "11": () => new NsightError("unavailable", "N-sight could not be reached.") });
    const down = { ...source, upstream: () => ({ status: "failing" as const, lastOkAt: null, failingSince: new Date(T0).toISOString(), lastProblem: "N-sight could not be reached", problem: "unreachable" as const }) };
    const r = new FleetRefresher({ source: down, now: () => clock.now, policy: { minRereadMs: 15 * 60_000, rereadMs: HOUR, workers: 2 } });
    await r.discover();
    for (const id of ["12", "21", "11"]) await r.read(id).catch(() => undefined);
    expect(r.device("11")!.readError).toBe("N-sight could not be reached.");
    expect(r.pickNext(clock.now)?.deviceId).toBe("11");
  });

  it("turns a device overdue between reads once its backup is late, and says since when", async () => {
    const clock = { now: T0 };
    const { r } = refresher(clock);
    await r.discover();
    await readEverything(r, clock.now);
    clock.now += 30 * HOUR;
    const device = r.snapshot().problems.find((d) => d.deviceId === "11");
    expect(device?.state).toBe("overdue");
    expect(device?.since).not.toBeNull();
    expect(device?.readAt).toBe(new Date(T0).toISOString());
  });

  it("marks a device whose latest backup transferred nothing, beside a health state that stays ok", async () => {
    const clock = { now: T0 };
    const quiet = (now: number) => [...daily("q", now, 27), { ...session("q-last", "FILE_SYSTEM", now - 3 * HOUR), transferredSize: 0 }];
    const { r } = refresher(clock, { ...histories, "11": quiet });
    await r.discover();
    await readEverything(r, clock.now);
    const device = r.device("11")!;
    expect(device.state).toBe("ok");
    expect(device.anomalies).toEqual([
      { plugin: "FILE_SYSTEM", rule: "nothing_transferred", sessionStart: "2026-11-27T09:00:00Z", reason: "Files and folders transferred nothing; its median is 1 byte (usually 1 byte to 1 byte).", observed: 0, expected: 1 },
    ]);
    expect(r.device("21")!.anomalies).toEqual([]);
    // Not a problem, so listed apart: the fleet view shows it under the problems.
    const snapshot = r.snapshot();
    expect(snapshot.anomalous.map((d) => d.deviceId)).toEqual(["11"]);
    expect(snapshot.problems.map((d) => d.deviceId)).toEqual(["12"]);
    expect(snapshot.clients.map((c) => [c.name, c.anomalous])).toEqual([
      ["Acme", 1],
      ["Beta", 0],
    ]);
  });

  it("filters by client for the NOC", async () => {
    const clock = { now: T0 };
    const { r } = refresher(clock);
    await r.discover();
    await readEverything(r, clock.now);
    const snapshot = r.snapshot(new Set(["2"]));
    expect(snapshot.total).toBe(1);
    expect(snapshot.clients.map((c) => c.clientId)).toEqual(["2"]);
    expect(snapshot.problems).toEqual([]);
  });

  it("re-discovers the inventory only after the first full picture, and less often in a large fleet", async () => {
    const clock = { now: T0 };
    const { r } = refresher(clock);
    expect(r.nextDiscoveryAt()).toBe(T0);
    await r.discover();
    clock.now = T0 + 2 * HOUR;
    expect(r.nextDiscoveryAt()).toBeNull();
    await readEverything(r, clock.now);
    // Two clients: five calls, well inside a tenth of the budget, so the configured 30 min.
    expect(r.nextDiscoveryAt()).toBe(T0 + 30 * 60_000);

    // 250 clients: 501 calls, which at a tenth of 60 a minute is one pass per 83.5 min.
    const many: Client[] = Array.from({ length: 250 }, (_, i) => ({ ...CLIENTS[0]!, clientId: String(100 + i), name: `Client ${i}` }));
    const big = new FleetRefresher({
      source: { ...fakeSource(clock, {}).source, listClients: async () => many, listClientDevices: async () => [] },
      now: () => clock.now,
      policy: { inventoryMs: 30 * 60_000, callsPerMinute: 60 },
    });
    await big.discover();
    expect(big.rediscoveryIntervalMs()).toBe(83.5 * 60_000);
    expect(big.nextDiscoveryAt()).toBe(clock.now + 83.5 * 60_000);
  });

  it("reaches the full picture and prunes deleted devices while one client's device list always fails", async () => {
    const clock = { now: T0 };
    const lists: Record<string, ClientDevice[]> = { "1": [device("11", "1"), device("12", "1")], "2": [device("21", "2")], "3": [device("31", "3")] };
    const broken = new Set<string>();
    const { source } = fakeSource(clock, histories);
    const r = new FleetRefresher({
      source: {
        ...source,
        listClients: async () => [...CLIENTS, { ...CLIENTS[1]!, clientId: "3", name: "Gamma" }],
        listClientDevices: async (clientId) => {
          if (broken.has(clientId)) throw new NsightError("bad_response", "N-sight's answer was not well-formed XML (possibly cut off).");
          return lists[clientId] ?? [];
        },
      },
      now: () => clock.now,
      policy: { minRereadMs: 15 * 60_000, rereadMs: HOUR, workers: 2 },
    });

    broken.add("3");
    await r.discover();
    await readEverything(r, clock.now);
    expect(r.progress()).toMatchObject({ backupDevices: 3, read: 3, fullPictureAt: new Date(T0).toISOString() });

    broken.add("2");
    lists["1"] = [device("11", "1")];
    clock.now += HOUR;
    await r.discover();
    expect(r.device("12")).toBeUndefined();
    expect(r.device("21")?.state).toBe("ok");
    expect(r.progress().inventoryReadAt).toBe(new Date(T0 + HOUR).toISOString());
  });

  it("takes no pass in which every client's device list failed for an inventory", async () => {
    const clock = { now: T0 };
    const { source } = fakeSource(clock, histories);
    const r = new FleetRefresher({
      source: { ...source, listClientDevices: async () => Promise.reject(new NsightError("unavailable", "N-sight could not be reached.")) },
      now: () => clock.now,
    });
    await r.discover();
    expect(r.progress()).toMatchObject({ inventoryReadAt: null, fullPictureAt: null });
    expect(r.nextDiscoveryAt()).toBe(T0);
  });

  it("writes only the devices changed since the last save, and the ones gone", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fleet-"));
    const writes: { changed: string[]; removed: string[] }[] = [];
    const store = new (class extends FleetStore {
      override async save(changes: FleetStateChanges): Promise<void> {
        writes.push({ changed: changes.changed.map((d) => d.deviceId).sort(), removed: [...changes.removed] });
        await super.save(changes);
      }
    })(openStore(dir), { server: "https://www.systemmonitor.us", keyHint: "hint" });
    const clock = { now: T0 };
    const r = refresher(clock, histories, store).r;
    await r.discover();
    await readEverything(r, clock.now);
    await r.saveNow();
    clock.now += HOUR;
    await r.read("12");
    await r.discover();
    await r.saveNow();
    DEVICES["2"] = [];
    try {
      await r.discover();
    } finally {
      DEVICES["2"] = [device("21", "2")];
    }
    await r.saveNow();
    await r.saveNow();
    expect(writes).toEqual([
      { changed: ["11", "12", "13", "21"], removed: [] },
      { changed: ["12"], removed: [] },
      { changed: [], removed: ["21"] },
    ]);
    const restored = refresher(clock, histories, store).r;
    await restored.restore();
    expect(restored.snapshot().total).toBe(3);
    expect(restored.device("12")?.readAt).toBe(new Date(clock.now).toISOString());
    await store.close();
  });

  it("restores the saved state after a restart, skipping a damaged device row", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fleet-"));
    const store = FleetStore.inDirectory(dir, { server: "https://www.systemmonitor.us", keyHint: "hint of the same key" });
    const clock = { now: T0 };
    const first = refresher(clock, histories, store).r;
    await first.discover();
    await readEverything(first, clock.now);
    await first.saveNow();
    const before = first.snapshot();

    const second = refresher(clock, histories, store).r;
    await second.restore();
    const after = second.snapshot();
    expect(after.counts).toEqual(before.counts);
    expect(after.problems).toEqual(before.problems);
    expect(after.progress.restoredAt).toBe(new Date(T0).toISOString());

    const damaged = before.problems[0]!.deviceId;
    const db = await openStore(dir);
    await db.updateTable("fleet_devices").set({ body: '{"deviceId":' }).where("device_id", "=", damaged).execute();
    await db.destroy();
    const third = refresher(clock, histories, store).r;
    await third.restore();
    expect(third.snapshot().total).toBe(before.total - 1);
    expect(third.device(damaged)).toBeUndefined();
  });
});

describe("FleetRefresher's restore in two steps", () => {
  const iso = (ms: number) => new Date(ms).toISOString();
  const plugin = (state: "ok" | "failed", lastStatus: string) => ({
    plugin: "FILE_SYSTEM",
    state,
    lastStatus,
    lastEnd: iso(T0 - 2 * HOUR),
    lastSuccessAt: iso(T0 - 26 * HOUR),
    failedInARow: state === "failed" ? 2 : 0,
    dueBy: iso(T0 - HOUR),
    recent: [{ start: iso(T0 - 3 * HOUR), status: lastStatus }],
  });
  const saved: StoredDevice[] = [
    storedDevice({ deviceId: "1", state: "failed", worstPlugin: "FILE_SYSTEM", failedInARow: 2, readAt: iso(T0 - HOUR), plugins: [plugin("failed", "FAILED")] }),
    // Due an hour ago: overdue by the clock, so on the wall with its plugin's last status.
    storedDevice({ deviceId: "2", worstPlugin: "FILE_SYSTEM", readAt: iso(T0 - HOUR), overdueAt: iso(T0 - HOUR), plugins: [plugin("ok", "COMPLETED_WITH_WARNINGS")] }),
    storedDevice({
      deviceId: "3",
      worstPlugin: "FILE_SYSTEM",
      readAt: iso(T0 - HOUR),
      overdueAt: iso(T0 + 20 * HOUR),
      plugins: [plugin("ok", "COMPLETED")],
      anomalies: [{ plugin: "FILE_SYSTEM", rule: "transfer_drop", sessionStart: iso(T0 - 3 * HOUR), reason: "Far less data than usual.", observed: 1, expected: 100 }],
    }),
    // More than a page of rows (BODIES_PER_PAGE) and several slices of later plugins.
    ...Array.from({ length: 6_000 }, (_, i) =>
      storedDevice({ deviceId: `${100 + i}`, clientId: i % 2 ? "1" : "2", readAt: iso(T0 - HOUR), overdueAt: iso(T0 + 20 * HOUR), plugins: [plugin("ok", "COMPLETED")] }),
    ),
    storedDevice({ deviceId: "9", backupEnabled: false, state: "off" }),
  ];

  it("shows the wall whole (counts, tiles, age) before the other plugins are back, and resolves only once every device is whole", async () => {
    const store = FleetStore.inDirectory(mkdtempSync(join(tmpdir(), "fleet-")), { server: "https://www.systemmonitor.us", keyHint: "hint" });
    try {
      const clients = [{ clientId: "1", name: "Acme", timezone: null }, { clientId: "2", name: "Beta", timezone: null }];
      await store.save({ clients, changed: saved, removed: [], inventoryReadAt: iso(T0 - HOUR), fullPictureAt: iso(T0 - HOUR), upstreamLastOkAt: iso(T0 - 60_000) });
      const clock = { now: T0 };
      const whole = refresher(clock, histories, store).r;
      expect(await whole.restore()).toEqual({ upstreamLastOkAt: iso(T0 - 60_000) });
      const wall = answerFor(whole.snapshot(), DEFAULT_FLEET_QUERY);
      expect(wall.counts).toMatchObject({ failed: 1, overdue: 1, ok: 6_001, off: 1 });
      expect(wall.problems.map((t) => [t.deviceId, t.worstStatus])).toEqual([
        ["1", "FAILED"],
        ["2", "COMPLETED_WITH_WARNINGS"],
      ]);

      const staged = refresher(clock, histories, store).r;
      let shown: { answer: FleetAnswer; upstreamLastOkAt: string | null; unlisted: StoredDevice | undefined } | null = null;
      const restoring = staged.restore({ onShown: ({ upstreamLastOkAt }) => (shown = { answer: answerFor(staged.snapshot(), DEFAULT_FLEET_QUERY), upstreamLastOkAt, unlisted: staged.device("100") && { ...staged.device("100")! } }) });
      const fields = await restoring;
      expect(shown).not.toBeNull();
      expect(shown!.answer).toEqual(wall);
      expect(shown!.upstreamLastOkAt).toBe(iso(T0 - 60_000));
      // Staged for real: a device no tile shows had no plugins yet.
      expect(shown!.unlisted?.plugins).toEqual([]);
      expect(fields).toEqual({ upstreamLastOkAt: iso(T0 - 60_000) });
      for (const device of saved) expect(staged.device(device.deviceId)).toEqual(device);
      expect(staged.pickNext(clock.now)).toEqual(whole.pickNext(clock.now));
    } finally {
      await store.close();
    }
  });
});

describe("UpstreamTracker", () => {
  it("is failing from the first outage-like failure after a success until the next success", () => {
    const clock = { now: T0 };
    const tracker = new UpstreamTracker(() => clock.now);
    expect(tracker.snapshot().status).toBe("unknown");
    const call = (outcome: "ok" | "bad_response" | "unavailable" | "timeout", deviceid: string) => tracker.record({ outcome, service: "list_mob_sessions", params: { deviceid } });
    call("ok", "1");
    clock.now += 1000;
    call("bad_response", "2");
    expect(tracker.snapshot().status).toBe("ok");
    call("timeout", "3");
    call("timeout", "3");
    expect(tracker.snapshot().status).toBe("ok");
    clock.now += 5000;
    call("unavailable", "4");
    expect(tracker.snapshot()).toMatchObject({ status: "failing", failingSince: new Date(T0 + 1000).toISOString(), lastProblem: "N-sight could not be reached" });
    call("ok", "5");
    expect(tracker.snapshot()).toMatchObject({ status: "ok", failingSince: null });
  });
});
