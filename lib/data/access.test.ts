import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCENARIO } from "../../simulator/scenarios";
import { startSimulator, type Simulator } from "../../simulator/server";
import type { Principal } from "../auth/principal";
import { FleetRefresher } from "../fleet/refresher";
import { getRuntime } from "../server/nsight";
import type { User } from "../store/users";
import { readClientDevices, readClients } from "./cached-reads";
import { findDeviceLocation, peekDeviceLocation } from "./device-location";
import { DEFAULT_FLEET_QUERY } from "../fleet/fleet-answer";
import { readFleetAnswer, readFleetSnapshot, readNocAnswer, readNocSnapshot } from "./fleet";
import { getClient, getClientDevices, getClients, getDeviceSessions, getReportClient, getReportDeviceSessions, getReportDevices, getSites, getSiteDevices } from "./nsight-data";

const KEY = "data-access-key";
const FLEET = Symbol.for("nsight-backup-dashboard.fleet");
const MINE = SCENARIO.accentClient;
const OTHERS = SCENARIO.faultLabClient;
let sim: Simulator;

function user(role: User["role"], clientIds: string[] | null = null): Principal {
  return { kind: "user", via: "session", credentialId: "h", user: { id: "u", email: "u@example.com", name: null, role, clientIds, disabledAt: null, createdAt: 0, updatedAt: 0 } };
}
const viewer = user("viewer", [MINE]);
const noRole = user(null);
const admin = user("admin");
const display: Principal = { kind: "display", displayId: "d", name: "Wall", clientIds: [MINE] };
let share: Principal;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, key: KEY, now: "2026-11-27T07:00:00Z", devices: 60 });
  process.env.NSIGHT_API_KEY = KEY;
  process.env.NSIGHT_SERVER = sim.url;
  const runtime = getRuntime();
  const fleet = new FleetRefresher({
    source: {
      listClients: async () => (await readClients()).data,
      listClientDevices: async (clientId) => (await readClientDevices(clientId)).data,
      readSessions: async () => ({ sessions: [], fetchedAt: Date.now() }),
      pausedUntil: () => null,
      upstream: () => runtime.upstream.snapshot(),
    },
  });
  await fleet.discover();
  (globalThis as Record<symbol, unknown>)[FLEET] = fleet;
  share = { kind: "share", linkId: "l", deviceId: deviceOf(MINE), clientId: MINE, reportMonth: null, view: "" };
});
afterAll(() => {
  delete (globalThis as Record<symbol, unknown>)[FLEET];
  return sim.close();
});

async function callsDuring(work: () => Promise<unknown>): Promise<number> {
  const before = sim.stats().totalCalls;
  await work();
  return sim.stats().totalCalls - before;
}

function deviceOf(clientId: string): string {
  const device = sim.fleet.devices.find((d) => d.clientId === clientId);
  if (!device) throw new Error(`no device of client ${clientId}`);
  return device.id;
}

describe("the data layer", () => {
  it("gives a viewer only its clients, and an admin all", async () => {
    expect((await getClients(viewer)).data.map((c) => c.clientId)).toEqual([MINE]);
    expect((await getClients(admin)).data.length).toBeGreaterThan(1);
  });

  it.each<[string, (p: Principal | null) => Promise<unknown>]>([
    ["getClient", (p) => getClient(p, OTHERS)],
    ["getSites", (p) => getSites(p, OTHERS)],
    ["getClientDevices", (p) => getClientDevices(p, OTHERS)],
    ["getSiteDevices", (p) => getSiteDevices(p, "1", OTHERS)],
    ["getSiteDevices without a client", (p) => getSiteDevices(p, "1")],
    ["getDeviceSessions", (p) => getDeviceSessions(p, deviceOf(OTHERS))],
    ["findDeviceLocation", (p) => findDeviceLocation(p, deviceOf(OTHERS))],
    ["getReportClient", (p) => getReportClient(p, OTHERS, "2026-10")],
    ["getReportDevices", (p) => getReportDevices(p, OTHERS, "2026-10")],
    ["getReportDeviceSessions", (p) => getReportDeviceSessions(p, OTHERS, "2026-10", deviceOf(OTHERS))],
  ])("%s refuses another client's data to a viewer, nobody, no role, a display or a share link, with no N-sight call", async (_name, read) => {
    getRuntime().cache.clear();
    for (const principal of [viewer, null, noRole, display, share]) {
      const calls = await callsDuring(() => expect(read(principal)).rejects.toMatchObject({ name: "AccessError", kind: principal ? "forbidden" : "unauthenticated" }));
      expect(calls).toBe(0);
    }
  });

  it("lets a viewer read its own client's devices and sessions", async () => {
    expect((await getClientDevices(viewer, MINE)).data.length).toBeGreaterThan(0);
    await expect(getDeviceSessions(viewer, deviceOf(MINE))).resolves.toBeDefined();
    expect(peekDeviceLocation(viewer, deviceOf(OTHERS))).toBeNull();
  });

  it("lets a share link read its own device and nothing else: not another device of the same client, its client, or the fleet", async () => {
    getRuntime().cache.clear();
    const sibling = sim.fleet.devices.find((d) => d.clientId === MINE && d.id !== deviceOf(MINE));
    if (!sibling) throw new Error("the scenario's client has one device only");
    const calls = await callsDuring(async () => {
      await expect(getDeviceSessions(share, sibling.id)).rejects.toMatchObject({ kind: "forbidden" });
      await expect(getClients(share)).rejects.toMatchObject({ kind: "forbidden" });
      await expect(getClientDevices(share, MINE)).rejects.toMatchObject({ kind: "forbidden" });
    });
    expect(calls).toBe(0);
    expect(() => readFleetSnapshot(share)).toThrow(/fleet/);
    expect(() => readNocSnapshot(share)).toThrow();
    await expect(getDeviceSessions(share, deviceOf(MINE))).resolves.toBeDefined();
  });

  it("lets a report link read its client's report for its month only, and no device page; a device link no report", async () => {
    getRuntime().cache.clear();
    const reportLink: Principal = { kind: "share", linkId: "r", deviceId: null, clientId: MINE, reportMonth: "2026-10", view: "" };
    const calls = await callsDuring(async () => {
      await expect(getReportDevices(reportLink, MINE, "2026-09")).rejects.toMatchObject({ kind: "forbidden" });
      await expect(getReportClient(reportLink, MINE, null)).rejects.toMatchObject({ kind: "forbidden" });
      await expect(getDeviceSessions(reportLink, deviceOf(MINE))).rejects.toMatchObject({ kind: "forbidden" });
      await expect(getClientDevices(reportLink, MINE)).rejects.toMatchObject({ kind: "forbidden" });
      await expect(getReportDevices(share, MINE, "2026-10")).rejects.toMatchObject({ kind: "forbidden" });
    });
    expect(calls).toBe(0);
    expect((await getReportDevices(reportLink, MINE, "2026-10")).data.length).toBeGreaterThan(0);
    await expect(getReportDeviceSessions(reportLink, MINE, "2026-10", deviceOf(MINE))).resolves.toBeDefined();
    // A device of another client is not read under this client's report.
    await expect(getReportDeviceSessions(reportLink, MINE, "2026-10", deviceOf(OTHERS))).rejects.toMatchObject({ kind: "forbidden" });
    await expect(getReportDeviceSessions(viewer, MINE, "2026-10", deviceOf(OTHERS))).rejects.toMatchObject({ kind: "forbidden" });
  });

  it("counts only a viewer's or a display's clients in the fleet and on the NOC", () => {
    for (const principal of [viewer, display]) {
      const snapshot = principal === display ? readNocSnapshot(principal) : readFleetSnapshot(principal);
      expect(snapshot.clients.map((c) => c.clientId)).toEqual([MINE]);
      expect(readFleetSnapshot(principal, new Set([OTHERS])).clients).toEqual([]);
    }
    expect(readFleetSnapshot(admin).clients.length).toBeGreaterThan(1);
    expect(() => readFleetSnapshot(noRole)).toThrow(/fleet/);
  });

  it("answers a viewer or a display with its clients' counts and tiles only, whatever page or client it asks for", () => {
    const all = { ...DEFAULT_FLEET_QUERY, pageSize: 100 };
    const everything = readFleetAnswer(admin, all);
    expect(everything.clients.length).toBeGreaterThan(1);
    for (const principal of [viewer, display]) {
      const answer = principal === display ? readNocAnswer(principal, all) : readFleetAnswer(principal, all);
      expect(answer.clients.map((c) => c.clientId)).toEqual([MINE]);
      expect(answer.total).toBeGreaterThan(0);
      expect(answer.total).toBeLessThan(everything.total);
      for (const tile of answer.problems.concat(answer.anomalous)) expect(tile.clientId).toBe(MINE);
      const mine = everything.clients.find((c) => c.clientId === MINE)!;
      expect(answer.counts).toEqual(mine.counts);
      expect(readFleetAnswer(principal, { ...all, client: OTHERS }).problemPage.total).toBe(0);
      expect(readFleetAnswer(principal, all, new Set([OTHERS])).total).toBe(0);
    }
    expect(() => readFleetAnswer(noRole, all)).toThrow(/fleet/);
    expect(() => readNocAnswer(share, all)).toThrow();
  });
});
