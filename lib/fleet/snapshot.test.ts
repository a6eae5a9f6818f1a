import { describe, expect, it } from "vitest";
import { NsightError } from "../nsight/errors";
import { UpstreamTracker } from "../nsight/upstream-health";
import type { BackupSession, ClientDevice } from "../types";
import { FleetRefresher } from "./refresher";
import type { StoredDevice } from "./fleet-store";
import { effectiveDevice, fleetKnowledge } from "./snapshot";
import type { FleetProgress, UpstreamHealth } from "./types";
import { withLoopTurns } from "../testing/loop-turns";

const T0 = Date.parse("2026-11-27T14:02:00Z");
const at = (ms: number) => new Date(ms).toISOString();
const MIN = 60_000;

const progress = (p: Partial<FleetProgress>): FleetProgress => ({
  backupDevices: 400,
  read: 400,
  fullPictureAt: at(T0 - 60 * MIN),
  estimatedFullPictureAt: null,
  inventoryReadAt: at(T0 - 90 * MIN),
  restoredAt: null,
  ...p,
});
const ok: UpstreamHealth = { status: "ok", lastOkAt: at(T0 - MIN), failingSince: null, lastProblem: null, problem: null };
const failing = (problem: UpstreamHealth["problem"], since = T0): UpstreamHealth => ({ status: "failing", lastOkAt: at(T0 - 30 * MIN), failingSince: at(since), lastProblem: "words", problem });

describe("effectiveDevice", () => {
  const plugin = (name: string, dueBy: string | null | undefined) => ({ plugin: name, state: "ok" as const, lastStatus: "COMPLETED", lastEnd: null, lastSuccessAt: null, failedInARow: 0, dueBy, recent: [] });
  const record = (plugins: StoredDevice["plugins"], overdueAt: string): StoredDevice => ({
    deviceId: "d", name: "D", type: "server", clientId: "c", clientName: "C", siteId: "s", siteName: "S", backupEnabled: true, state: "ok",
    worstPlugin: null, since: null, lastSuccessAt: null, failedInARow: 0, sentence: null, plugins, anomalies: [], readAt: at(T0 - MIN), readError: null,
    stateChangedAt: null, nextBackupDueAt: null, overdueAt,
  });

  it("turns the plugin whose due time passed overdue with the device, and only that one", () => {
    const d = effectiveDevice(record([plugin("Files", at(T0 - MIN)), plugin("SQL", at(T0 + MIN)), plugin("Old", undefined)], at(T0 - MIN)), T0);
    expect(d.state).toBe("overdue");
    expect(d.plugins.map((p) => p.state)).toEqual(["overdue", "ok", "ok"]);
    expect(effectiveDevice(record([plugin("Files", at(T0 - MIN))], at(T0 - MIN)), T0 - 2 * MIN).plugins[0]!.state).toBe("ok");
  });

  it("hands back the stored record, no copy, when the clock changed nothing: a snapshot of 50,000 devices allocates for the overdue only", () => {
    const onTime = record([plugin("Files", at(T0 + MIN))], at(T0 + MIN));
    expect(effectiveDevice(onTime, T0)).toBe(onTime);
    const failed = { ...record([plugin("Files", at(T0 - MIN))], at(T0 - MIN)), state: "failed" as const };
    expect(effectiveDevice(failed, T0)).toBe(failed);
  });
});

describe("fleetKnowledge", () => {
  it("is current once every device was read and N-sight answers", () => {
    expect(fleetKnowledge(progress({}), ok)).toEqual({ kind: "current", since: null, read: 400, total: 400, discovering: false, lastAnswerAt: at(T0 - MIN), estimatedDoneAt: null });
  });

  it("is still reading until the first full picture, with how far it got", () => {
    const reading = progress({ read: 120, fullPictureAt: null, estimatedFullPictureAt: at(T0 + 5 * MIN) });
    expect(fleetKnowledge(reading, ok)).toEqual({ kind: "reading", since: null, read: 120, total: 400, discovering: false, lastAnswerAt: at(T0 - MIN), estimatedDoneAt: at(T0 + 5 * MIN) });
  });

  it("is reading and discovering before the inventory is read, even before any answer", () => {
    const start = progress({ backupDevices: 0, read: 0, fullPictureAt: null, inventoryReadAt: null, estimatedFullPictureAt: at(T0 + MIN) });
    const unknown: UpstreamHealth = { status: "unknown", lastOkAt: null, failingSince: null, lastProblem: null, problem: null };
    expect(fleetKnowledge(start, unknown)).toMatchObject({ kind: "reading", read: 0, total: 0, discovering: true, lastAnswerAt: null });
  });

  it("names each way N-sight fails us, since when, before and after the full picture", () => {
    const start = progress({ backupDevices: 0, read: 0, fullPictureAt: null, inventoryReadAt: null });
    expect(fleetKnowledge(start, failing("auth", T0 - 5 * MIN))).toMatchObject({ kind: "auth_refused", since: at(T0 - 5 * MIN), read: 0, total: 0, discovering: true });
    expect(fleetKnowledge(progress({}), failing("auth"))).toMatchObject({ kind: "auth_refused", since: at(T0), read: 400, total: 400, estimatedDoneAt: null });
    expect(fleetKnowledge(progress({}), failing("unreachable"))).toMatchObject({ kind: "unreachable", since: at(T0), lastAnswerAt: at(T0 - 30 * MIN) });
    expect(fleetKnowledge(progress({ read: 7, fullPictureAt: null }), failing("throttled"))).toMatchObject({ kind: "throttled", since: at(T0), read: 7 });
    // A health without a kind (saved by an older version) still never reads as current.
    expect(fleetKnowledge(progress({}), failing(null)).kind).toBe("unreachable");
  });
});

describe("the refresher's snapshot says what it knows", () => {
  const device = (deviceId: string): ClientDevice => ({ deviceId, clientId: "1", siteId: "10", siteName: "HQ", type: "server", name: `D${deviceId}`, description: null, username: null, status: "Ok", backupEnabled: true });
  const fine = (now: number): BackupSession[] =>
    Array.from({ length: 3 }, (_, i) => ({
      sessionId: `s${i}`, type: "BACKUP", storageAccountId: "1", plugin: "FILE_SYSTEM",
      start: at(now - ((2 - i) * 24 + 2) * 3_600_000), end: at(now - ((2 - i) * 24 + 2) * 3_600_000 + 600_000), durationSeconds: 600,
      selectionSize: 1, selectionItemCount: 1, sizeChange: 0, itemCountChange: 0, removedItemCount: 0, processedSize: 1, processedItemCount: 1, transferredSize: 1, errorCount: 0, status: "COMPLETED",
    }));

  function fleet() {
    const clock = { now: T0 };
    const key = { accepted: true };
    const tracker = new UpstreamTracker(() => clock.now);
    const call = async <T>(service: string, params: Record<string, string>, value: () => T): Promise<T> => {
      if (!key.accepted) {
        tracker.record({ outcome: "auth", service: service as "list_clients", params });
        throw new NsightError("auth", "N-sight refused the API key (login failed).");
      }
      tracker.record({ outcome: "ok", service: service as "list_clients", params });
      return value();
    };
    const r = new FleetRefresher({
      now: () => clock.now,
      policy: { minRereadMs: 15 * MIN, rereadMs: 60 * MIN, workers: 1 },
      source: {
        listClients: () => call("list_clients", {}, () => [{ clientId: "1", name: "Acme", timezone: null, createdOn: null, serverCount: 2, workstationCount: 0, mobileDeviceCount: 0, deviceCount: 2, viewDashboard: false, viewWorkstationAssets: false }]),
        listClientDevices: () => call("list_devices_at_client", { clientid: "1" }, () => [device("11"), device("12")]),
        readSessions: (deviceId) => call("list_mob_sessions", { deviceid: deviceId }, () => ({ sessions: fine(clock.now), fetchedAt: clock.now })),
        pausedUntil: () => null,
        upstream: () => tracker.snapshot(),
      },
    });
    return { clock, key, r };
  }

  it("with a key refused from the start: no device, nothing needs attention, and the key is refused, not all clear", async () => {
    const { key, r } = fleet();
    key.accepted = false;
    await expect(r.discover()).rejects.toThrow("refused");
    const snapshot = r.snapshot();
    expect(snapshot.problems).toEqual([]);
    expect(snapshot.knowledge).toEqual({ kind: "auth_refused", since: at(T0), read: 0, total: 0, discovering: true, lastAnswerAt: null, estimatedDoneAt: null });
  });

  it("reads, is current, and when the key stops working every device keeps its state and grows older", async () => {
    const { clock, key, r } = fleet();
    await r.discover();
    expect(r.snapshot().knowledge).toMatchObject({ kind: "reading", read: 0, total: 2, discovering: false });
    await r.read("11");
    expect(r.snapshot().knowledge).toMatchObject({ kind: "reading", read: 1, total: 2 });
    await r.read("12");
    expect(r.snapshot().knowledge).toMatchObject({ kind: "current", read: 2, total: 2 });
    const known = r.device("11")!.state;

    clock.now += 61 * MIN;
    key.accepted = false;
    await expect(r.read("11")).rejects.toThrow();
    await expect(r.read("12")).rejects.toThrow();
    const snapshot = r.snapshot();
    expect(snapshot.knowledge).toMatchObject({ kind: "auth_refused", since: at(T0 + 61 * MIN), lastAnswerAt: at(T0) });
    expect(r.device("11")).toMatchObject({ state: known, readAt: at(T0), readError: "N-sight refused the API key (login failed)." });
    expect(snapshot.newestReadAt).toBe(at(T0));
  });

  it("builds the walls' snapshot in turns once for polls that come together, the very one snapshot() answers, and anew after a read", async () => {
    const { r } = fleet();
    await r.discover();
    await r.read("11");
    const [first, second] = await Promise.all([r.snapshotInTurns(), r.snapshotInTurns()]);
    expect(second).toBe(first);
    expect(r.snapshot()).toBe(first);
    expect(first.knowledge).toMatchObject({ kind: "reading", read: 1, total: 2 });
    await r.read("12");
    const after = await r.snapshotInTurns();
    expect(after.knowledge).toMatchObject({ kind: "current", read: 2, total: 2 });
    expect(after).toEqual(r.snapshot());
  });

  it("gives the alert engine every device as pages see it, a plugin late by the clock included, with what is known", async () => {
    const { clock, r } = fleet();
    await r.discover();
    await r.read("11");
    await r.read("12");
    const before = r.alertView();
    expect(before).toMatchObject({ knowledge: { kind: "current" }, upstream: { status: "ok" }, clients: [{ clientId: "1" }] });
    expect(before.devices.map((d) => d.plugins[0]!.state)).toEqual(["ok", "ok"]);
    clock.now += 3 * 24 * 60 * MIN;
    const after = r.alertView();
    expect(after.version).toBe(before.version);
    expect(after.devices.map((d) => [d.state, d.plugins[0]!.state])).toEqual([["overdue", "overdue"], ["overdue", "overdue"]]);
  });

  it("gives the alert engine the same view in turns, yielding to the event loop over a large fleet", async () => {
    const clock = { now: T0 };
    const tracker = new UpstreamTracker(() => clock.now);
    const ids = Array.from({ length: 5_000 }, (_, i) => String(1_000 + i));
    const r = new FleetRefresher({
      now: () => clock.now,
      policy: { workers: 1 },
      source: {
        listClients: async () => [{ clientId: "1", name: "Acme", timezone: null, createdOn: null, serverCount: ids.length, workstationCount: 0, mobileDeviceCount: 0, deviceCount: ids.length, viewDashboard: false, viewWorkstationAssets: false }],
        listClientDevices: async () => ids.map(device),
        readSessions: async () => ({ sessions: fine(clock.now), fetchedAt: clock.now }),
        pausedUntil: () => null,
        upstream: () => tracker.snapshot(),
      },
    });
    await r.discover();
    for (const id of ids.slice(0, 50)) await r.read(id);
    // Three days on: the devices read turn overdue by the clock, in both views alike.
    clock.now += 3 * 24 * 60 * MIN;
    const { result: inTurns, turns } = await withLoopTurns(() => r.alertViewInTurns());
    expect(inTurns).toEqual(r.alertView());
    expect(inTurns.devices.filter((d) => d.state === "overdue")).toHaveLength(50);
    expect(turns).toBeGreaterThanOrEqual(2);
  });
});
