import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SCENARIO } from "../../simulator/scenarios";
import { startSimulator, type Simulator } from "../../simulator/server";
import { keyHint, normaliseServer, type ExpectedAccount } from "../nsight/account";
import { CallBudget } from "../nsight/budget";
import { NsightClient } from "../nsight/client";
import { NsightError } from "../nsight/errors";
import { UpstreamTracker } from "../nsight/upstream-health";
import type { BackupSession, Client, ClientDevice } from "../types";
import { FleetStore, LEGACY_FILE } from "./fleet-store";
import { FleetRefresher, type RefresherSource } from "./refresher";
import type { FleetSnapshot } from "./types";
import { testSession } from "../testing/backup-session";

const T0 = Date.parse("2026-11-27T12:00:00Z");
const US = "https://www.systemmonitor.us";

function client(clientId: string, name: string): Client {
  return { clientId, name, timezone: null, createdOn: null, serverCount: 1, workstationCount: 0, mobileDeviceCount: 0, deviceCount: 1, viewDashboard: false, viewWorkstationAssets: false };
}

function device(deviceId: string, clientId: string): ClientDevice {
  return { deviceId, clientId, siteId: "10", siteName: "HQ", type: "server", name: `SRV-${deviceId}`, description: null, username: null, status: "Ok", backupEnabled: true };
}

const failedSession = (now: number): BackupSession => testSession({ id: "1", startMs: now - 3_600_000, status: "FAILED", errorCount: 1 });

function account(clientIds: string[], prefix: string) {
  return { clients: clientIds.map((id) => client(id, `${prefix} ${id}`)), devices: new Map(clientIds.map((id) => [id, [device(`${id}01`, id)]])) };
}

const ACCOUNT_A = account(["101", "102", "103", "104"], "Alpha");
const ACCOUNT_B = account(["201", "202"], "Bravo");

function fakeSource(clock: { now: number }, answering: ReturnType<typeof account>) {
  const calls: string[] = [];
  const tracker = new UpstreamTracker(() => clock.now);
  let listClientsFails: NsightError | null = null;
  const source: RefresherSource = {
    listClients: async () => {
      calls.push("list_clients");
      if (listClientsFails) throw listClientsFails;
      return answering.clients;
    },
    listClientDevices: async (clientId) => {
      calls.push(`list_devices_at_client ${clientId}`);
      return answering.devices.get(clientId) ?? [];
    },
    readSessions: async (deviceId) => {
      calls.push(`list_mob_sessions ${deviceId}`);
      return { sessions: [failedSession(clock.now)], fetchedAt: clock.now };
    },
    pausedUntil: () => null,
    upstream: () => tracker.snapshot(),
  };
  return { source, calls, failListClients: (error: NsightError | null) => (listClientsFails = error) };
}

function refresherFor(clock: { now: number }, answering: ReturnType<typeof account>, store: FleetStore) {
  const { source, calls, failListClients } = fakeSource(clock, answering);
  const r = new FleetRefresher({ source, store, now: () => clock.now, policy: { workers: 2, saveEveryMs: 60_000 } });
  return { r, calls, failListClients };
}

async function savedStateOfA(dir: string, expected: ExpectedAccount) {
  const clock = { now: T0 };
  const { r } = refresherFor(clock, ACCOUNT_A, FleetStore.inDirectory(dir, expected));
  await r.discover();
  for (let next = r.pickNext(); next; next = r.pickNext()) await r.read(next.deviceId);
  await r.saveNow();
  expect(r.snapshot().counts.failed).toBe(4);
  return r.snapshot();
}

const deviceIdsOf = (snapshot: FleetSnapshot) => snapshot.problems.map((d) => d.deviceId).sort();

describe("FleetRefresher and the N-sight account of its saved state", () => {
  it("shows nothing of another account's state on the same server, sets it aside, and discovers the new account at once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fleet-account-"));
    await savedStateOfA(dir, { server: US, keyHint: keyHint("key of A") });
    const clock = { now: T0 + 60_000 };
    const store = FleetStore.inDirectory(dir, { server: US, keyHint: keyHint("key of B") });
    const { r, calls } = refresherFor(clock, ACCOUNT_B, store);
    await r.restore();

    expect(r.snapshot()).toMatchObject({ total: 0, problems: [], clients: [] });
    expect(r.pickNext()).toBeNull();
    expect(r.progress().restoredAt).toBeNull();

    await r.confirmAccount();
    expect(calls).toEqual(["list_clients"]);
    expect(r.snapshot()).toMatchObject({ total: 0, problems: [], clients: [] });
    expect(await store.accountOf("current")).toBeNull();
    expect((await store.accountOf("set_aside"))?.clientIds).toEqual(["101", "102", "103", "104"]);
    expect(await store.deviceIdsOf("set_aside")).toEqual(["10101", "10201", "10301", "10401"]);
    expect(r.nextDiscoveryAt()).toBe(clock.now);

    await r.discover();
    for (let next = r.pickNext(); next; next = r.pickNext()) await r.read(next.deviceId);
    expect(r.snapshot().clients.map((c) => c.name)).toEqual(["Bravo 201", "Bravo 202"]);
    expect(deviceIdsOf(r.snapshot())).toEqual(["20101", "20201"]);
    await r.saveNow();
    expect(await store.accountOf("current")).toEqual({ server: US, clientIds: ["201", "202"], keyHint: keyHint("key of B") });
  });

  it("keeps the state through a key regenerated for the same account, showing it once list_clients confirms", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fleet-account-"));
    const before = await savedStateOfA(dir, { server: US, keyHint: keyHint("old key") });
    const clock = { now: T0 + 60_000 };
    const answering = account(["102", "103", "104", "105"], "Alpha");
    const { r, calls } = refresherFor(clock, answering, FleetStore.inDirectory(dir, { server: US, keyHint: keyHint("regenerated key") }));
    await r.restore();
    expect(r.snapshot().total).toBe(0);

    await r.confirmAccount();
    expect(calls).toEqual(["list_clients"]);
    expect(r.snapshot().counts).toEqual(before.counts);
    expect(deviceIdsOf(r.snapshot())).toEqual(deviceIdsOf(before));
    expect(r.progress().restoredAt).toBe(new Date(clock.now).toISOString());
    expect(r.nextDiscoveryAt()).toBeGreaterThan(clock.now);
  });

  it("shows a state saved with the same key at once, even while N-sight does not answer", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fleet-account-"));
    const expected = { server: US, keyHint: keyHint("key of A") };
    const before = await savedStateOfA(dir, expected);
    const clock = { now: T0 + 60_000 };
    const { r, calls, failListClients } = refresherFor(clock, ACCOUNT_A, FleetStore.inDirectory(dir, expected));
    await r.restore();
    expect(calls).toEqual([]);
    expect(deviceIdsOf(r.snapshot())).toEqual(deviceIdsOf(before));

    failListClients(new NsightError("unavailable", "N-sight could not be reached."));
    await expect(r.confirmAccount()).rejects.toThrow("could not be reached");
    expect(deviceIdsOf(r.snapshot())).toEqual(deviceIdsOf(before));
  });

  it("drops a state shown at once when list_clients then answers for other clients, and rediscovers at once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fleet-account-"));
    const expected = { server: US, keyHint: keyHint("key") };
    await savedStateOfA(dir, expected);
    const clock = { now: T0 + 60_000 };
    const store = FleetStore.inDirectory(dir, expected);
    const { r } = refresherFor(clock, ACCOUNT_B, store);
    await r.restore();
    expect(r.snapshot().total).toBe(4);
    await r.confirmAccount();
    expect(r.snapshot()).toMatchObject({ total: 0, problems: [], clients: [] });
    expect(r.progress()).toMatchObject({ restoredAt: null, inventoryReadAt: null, fullPictureAt: null });
    expect(r.nextDiscoveryAt()).toBe(clock.now);
    expect(await store.accountOf("set_aside")).not.toBeNull();
    await r.stop();
    expect(await store.accountOf("current")).toBeNull();
    expect(await store.deviceIdsOf("current")).toEqual([]);
  });

  it("judges a state saved before the account was recorded by its clients", async () => {
    for (const [answering, kept] of [
      [ACCOUNT_A, true],
      [ACCOUNT_B, false],
    ] as const) {
      const dir = mkdtempSync(join(tmpdir(), "fleet-account-"));
      const before = await savedStateOfA(dir, { server: US, keyHint: null });
      // As an earlier version kept it: one file, without the account, imported at the next start.
      const { data } = await FleetStore.inDirectory(dir, { server: US, keyHint: null }).load();
      const { account: _account, ...v2 } = data!;
      writeFileSync(join(dir, LEGACY_FILE), JSON.stringify({ ...v2, version: 1 }));
      const store = FleetStore.inDirectory(dir, { server: US, keyHint: keyHint("key") });

      const { r } = refresherFor({ now: T0 + 60_000 }, answering, store);
      expect((await r.restore()).upstreamLastOkAt).toBeNull();
      expect(r.snapshot().total).toBe(0);
      await r.confirmAccount();
      expect(deviceIdsOf(r.snapshot())).toEqual(kept ? deviceIdsOf(before) : []);
      expect((await store.accountOf("set_aside")) !== null).toBe(!kept);
    }
  });
});

describe("FleetRefresher between two simulated N-sight accounts", () => {
  const simulators: Simulator[] = [];
  afterEach(async () => {
    for (const sim of simulators.splice(0)) await sim.close();
  });

  async function simulator(options: Parameters<typeof startSimulator>[0]): Promise<Simulator> {
    const sim = await startSimulator({ now: "2026-11-27T12:00:00Z", ...options });
    simulators.push(sim);
    return sim;
  }

  function refresherAgainst(sim: Simulator, key: string, store: FleetStore) {
    const upstream = new UpstreamTracker();
    const client = new NsightClient({
      transport: { baseUrl: new URL(sim.url), apiKey: key, timeoutMs: 10_000, maxBodyBytes: 64 << 20, userAgent: "t" },
      budget: new CallBudget({ perMinute: 6_000, maxConcurrent: 4 }),
      onCall: (event) => upstream.record(event),
    });
    const source: RefresherSource = {
      listClients: () => client.listClients({ priority: "background" }),
      listClientDevices: async (clientId) => {
        const [servers, workstations] = await Promise.all([client.listDevicesAtClient(clientId, "server"), client.listDevicesAtClient(clientId, "workstation")]);
        return [...servers, ...workstations];
      },
      readSessions: async (deviceId) => ({ sessions: await client.listMobSessions(deviceId), fetchedAt: Date.now() }),
      pausedUntil: () => null,
      upstream: () => upstream.snapshot(),
    };
    return new FleetRefresher({ source, store, policy: { workers: 1, saveEveryMs: 60_000 } });
  }

  const deviceKey = (d: { deviceId: string; name: string; clientId: string; clientName: string }) => `${d.deviceId}|${d.name}|${d.clientId}|${d.clientName}`;

  const allDevices = (r: FleetRefresher) => r.snapshot().clients.flatMap((c) => [...r.devicesOfClient(c.clientId).values()]);
  const everyDevice = (r: FleetRefresher) => allDevices(r).map(deviceKey);

  async function readSome(r: FleetRefresher, limit: number) {
    const faults = new Set<string>(Object.values(SCENARIO.faults));
    const ids = allDevices(r).filter((d) => d.backupEnabled && !faults.has(d.deviceId)).slice(0, limit);
    for (const d of ids) await r.read(d.deviceId).catch(() => undefined);
  }

  it("starting with account A's state against account B never shows A's devices, and discovers B at once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fleet-account-sim-"));
    // The simulator numbers clients from 100001 whatever its seed, so B's seven clients are
    // seven of A's twenty: harder than the real N-sight, where two accounts share none.
    const simA = await simulator({ port: 0, key: "key-a", seed: 42, devices: 400 });
    const server = normaliseServer(new URL(simA.url));
    const a = refresherAgainst(simA, "key-a", FleetStore.inDirectory(dir, { server, keyHint: keyHint("key-a") }));
    await a.discover();
    await readSome(a, 20);
    await a.saveNow();
    const devicesOfA = new Set(everyDevice(a));
    expect(devicesOfA.size).toBeGreaterThan(300);
    await simulators.splice(0)[0]!.close();

    const simB = await simulator({ port: simA.port, key: "key-b", seed: 7, devices: 54 });
    const store = FleetStore.inDirectory(dir, { server, keyHint: keyHint("key-b") });
    const b = refresherAgainst(simB, "key-b", store);
    const seen = new Set<string>();
    const look = () => {
      for (const key of everyDevice(b)) seen.add(key);
    };
    await b.restore();
    look();
    const watcher = setInterval(look, 2);
    try {
      b.start();
      await expect.poll(() => b.progress().inventoryReadAt, { timeout: 15_000, interval: 5 }).not.toBeNull();
      look();
    } finally {
      clearInterval(watcher);
      await b.stop();
    }

    const devicesOfB = new Set(simB.fleet.devices.map((d) => deviceKey({ deviceId: d.id, name: d.name, clientId: d.clientId, clientName: simB.fleet.clientById.get(d.clientId)!.name })));
    expect(new Set(everyDevice(b))).toEqual(devicesOfB);
    const onlyA = [...devicesOfA].filter((key) => !devicesOfB.has(key));
    expect(onlyA.length).toBeGreaterThan(300);
    expect([...seen].filter((key) => onlyA.includes(key))).toEqual([]);
    const services = simB.stats().requests.map((r) => r.service);
    expect(services[0]).toBe("list_clients");
    expect(services.filter((s) => s === "list_devices_at_client")).toHaveLength(2 * simB.fleet.clients.length);
    expect(await store.accountOf("set_aside")).not.toBeNull();
  }, 60_000);

  it("a key regenerated for the same account keeps the state", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fleet-account-sim-"));
    const sim = await simulator({ port: 0, key: "old-key", devices: 54 });
    const server = normaliseServer(new URL(sim.url));
    const before = refresherAgainst(sim, "old-key", FleetStore.inDirectory(dir, { server, keyHint: keyHint("old-key") }));
    await before.discover();
    await readSome(before, 60);
    await before.saveNow();
    const problems = deviceIdsOf(before.snapshot());
    expect(problems.length).toBeGreaterThan(0);

    await sim.setFaults({ key: "new-key" });
    const after = refresherAgainst(sim, "new-key", FleetStore.inDirectory(dir, { server, keyHint: keyHint("new-key") }));
    await after.restore();
    expect(after.snapshot().total).toBe(0);
    await after.confirmAccount();
    expect(deviceIdsOf(after.snapshot())).toEqual(problems);
    expect(after.snapshot().total).toBe(before.snapshot().total);
  }, 60_000);
});
