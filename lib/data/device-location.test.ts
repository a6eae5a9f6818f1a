import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FleetRefresher } from "../fleet/refresher";
import { SCENARIO } from "../../simulator/scenarios";
import { startSimulator, type Simulator } from "../../simulator/server";
import { getRuntime } from "../server/nsight";
import { findDeviceLocation } from "./device-location";
import type { Principal } from "../auth/principal";
import { readClientDevices, readClients, readDeviceSessions } from "./cached-reads";

const KEY = "device-location-key";
const FLEET = Symbol.for("nsight-backup-dashboard.fleet");
const MISTYPED = "3000999";
const ADMIN: Principal = { kind: "demo" };
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, key: KEY, now: "2026-11-27T07:00:00Z", devices: 120 });
  process.env.NSIGHT_API_KEY = KEY;
  process.env.NSIGHT_SERVER = sim.url;
});
afterAll(() => sim.close());
beforeEach(() => {
  delete (globalThis as Record<symbol, unknown>)[FLEET];
  getRuntime().cache.clear();
});

async function callsDuring(work: () => Promise<unknown>): Promise<string[]> {
  const before = sim.stats().totalCalls;
  await work();
  const { totalCalls, requests } = sim.stats();
  const calls = requests.slice(requests.length - (totalCalls - before));
  return calls.map(({ params: { apikey: _key, service, ...rest } }) => `${service}?${new URLSearchParams(rest).toString()}`);
}

const openDevicePage = (deviceId: string, hint?: string) =>
  Promise.all([findDeviceLocation(ADMIN, deviceId, hint), readDeviceSessions(deviceId).catch((error: unknown) => error)]);

async function fleetThatReadTheInventory(): Promise<FleetRefresher> {
  const runtime = getRuntime();
  const fleet = new FleetRefresher({
    source: {
      // Interactive priority: no background pacing, so the test need not wait a minute.
      listClients: async () => (await readClients()).data,
      listClientDevices: async (clientId) => (await readClientDevices(clientId)).data,
      readSessions: async () => ({ sessions: [], fetchedAt: Date.now() }),
      pausedUntil: () => null,
      upstream: () => runtime.upstream.snapshot(),
    },
  });
  await fleet.discover();
  (globalThis as Record<symbol, unknown>)[FLEET] = fleet;
  runtime.cache.clear();
  return fleet;
}

describe("finding a device's client and site", () => {
  it("costs a mistyped id one N-sight call, and nothing more within the TTL, once the fleet knows the inventory", async () => {
    await fleetThatReadTheInventory();
    const first = await callsDuring(async () => {
      const [location, sessions] = await openDevicePage(MISTYPED, SCENARIO.accentClient);
      expect(location).toBeNull();
      expect(sessions).toMatchObject({ kind: "not_found" });
    });
    expect(first).toEqual([`list_mob_sessions?deviceid=${MISTYPED}`]);
    expect(await callsDuring(() => openDevicePage(MISTYPED))).toEqual([]);
  });

  it("reads only the known device's own client, as the fleet state names it", async () => {
    await fleetThatReadTheInventory();
    let location: Awaited<ReturnType<typeof findDeviceLocation>> = null;
    const calls = await callsDuring(async () => {
      location = await findDeviceLocation(ADMIN, SCENARIO.failingStreak);
    });
    expect(location).toMatchObject({ client: { name: "Müller Bau GmbH" }, device: { name: "MB-DC01", siteName: "München" } });
    expect(calls.sort()).toEqual([
      "list_clients?",
      `list_devices_at_client?clientid=${SCENARIO.accentClient}&devicetype=server`,
      `list_devices_at_client?clientid=${SCENARIO.accentClient}&devicetype=workstation`,
    ]);
  });

  it("before the fleet's first inventory, rules out a mistyped id with the page's own call instead of reading every client", async () => {
    const calls = await callsDuring(async () => {
      const [location] = await openDevicePage(MISTYPED, SCENARIO.accentClient);
      expect(location).toBeNull();
    });
    expect(calls).toEqual([`list_mob_sessions?deviceid=${MISTYPED}`]);
    expect(await callsDuring(() => openDevicePage(MISTYPED))).toEqual([]);
    expect(await findDeviceLocation(ADMIN, SCENARIO.faults.http500)).toMatchObject({ client: { name: "Simulator Fault Lab" } });
  });
});
