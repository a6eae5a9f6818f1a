/** The app's real N-sight client (lib/nsight) against the simulator, typed failures of the Fault Lab included. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NsightError } from "../lib/nsight/errors";
import { mapClientDevices, mapClients, mapSiteDevices, mapSites } from "../lib/nsight/records";
import { mapSessions } from "../lib/nsight/session-records";
import { requestNsight, type ReadService, type TransportOptions } from "../lib/nsight/transport";
import { SCENARIO, ZURICH_SITE_ID } from "./scenarios";
import { startSimulator, type Simulator } from "./server";

const KEY = "client-test-key";
let sim: Simulator;
let transport: TransportOptions;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, key: KEY, now: "2026-11-27T07:00:00Z" });
  transport = {
    baseUrl: new URL(sim.url),
    apiKey: KEY,
    timeoutMs: 10_000,
    maxBodyBytes: 64 * 1024 * 1024,
    userAgent: "Mozilla/5.0 (compatible; BackupDashboard/0.1)",
  };
});

afterAll(async () => {
  await sim.close();
});

const ask = async (service: ReadService, params: Record<string, string> = {}) => (await requestNsight(transport, service, params)).result;

async function failure(service: ReadService, params: Record<string, string>, options: Partial<TransportOptions> = {}): Promise<NsightError> {
  try {
    await requestNsight({ ...transport, ...options }, service, params);
  } catch (error) {
    if (error instanceof NsightError) return error;
    throw error;
  }
  throw new Error("expected a failure");
}

describe("the app's client reads the simulator", () => {
  it("maps clients, accents and markup intact", async () => {
    const clients = mapClients(await ask("list_clients"));
    expect(clients.length).toBe(sim.fleet.clients.length);
    const muller = clients.find((c) => c.clientId === SCENARIO.accentClient);
    expect(muller).toMatchObject({ name: "Müller Bau GmbH", timezone: "Europe/Berlin", mobileDeviceCount: 0 });
    expect(muller?.deviceCount).toBe(5);
    expect(clients.find((c) => c.clientId === SCENARIO.markupClient)?.name).toBe('<script>alert("x")</script> Labs');
    expect(clients.find((c) => c.clientId === SCENARIO.emptyClient)?.timezone).toBeNull();
    expect(clients.map((c) => c.name)).toContain("Genève Santé SA");
  });

  it("maps sites, and a client without sites as an empty list", async () => {
    const sites = mapSites(await ask("list_sites", { clientid: SCENARIO.accentClient }), SCENARIO.accentClient);
    expect(sites.map((s) => s.name)).toEqual(["München", "Zürich"]);
    expect(sites[1]?.siteId).toBe(ZURICH_SITE_ID);
    expect(mapSites(await ask("list_sites", { clientid: SCENARIO.emptyClient }), SCENARIO.emptyClient)).toEqual([]);
  });

  it("maps servers and workstations with their sentinels turned into nulls", async () => {
    const servers = mapSiteDevices(await ask("list_servers", { siteid: "200001" }), "200001", "server");
    expect(servers.map((s) => s.deviceId)).toEqual([SCENARIO.hourlySqlServer, SCENARIO.failingStreak]);
    expect(servers[0]?.os).toMatch(/^Microsoft Windows Server/);
    const all = [];
    for (const site of sim.fleet.sites.slice(0, 30)) {
      all.push(...mapSiteDevices(await ask("list_workstations", { siteid: site.id }), site.id, "workstation"));
    }
    expect(all.some((d) => d.lastBootTime === null)).toBe(true);
    expect(all.some((d) => d.lastBootTime !== null && d.lastBootTime.endsWith("Z"))).toBe(true);
    expect(all.some((d) => d.lastScanTime === null)).toBe(true);
    const rtl = all.find((d) => d.deviceId === SCENARIO.rtlDevice);
    expect(rtl?.name).toBe("LT-\u202eHTIMSJ");
  });

  it("maps devices at a client with the B&R flag", async () => {
    const devices = mapClientDevices(
      await ask("list_devices_at_client", { clientid: SCENARIO.markupClient, devicetype: "workstation" }),
      SCENARIO.markupClient,
      "workstation",
    );
    expect(devices.map((d) => d.name)).toEqual(['"><img src=x onerror=alert(1)>', "LT-\u202eHTIMSJ"]);
    expect(devices.every((d) => d.siteName === "HQ" && d.backupEnabled)).toBe(true);
    const smith = mapClientDevices(await ask("list_devices_at_client", { clientid: SCENARIO.ampersandClient, devicetype: "workstation" }), SCENARIO.ampersandClient, "workstation");
    expect(smith.find((d) => d.deviceId === SCENARIO.backupOff)?.backupEnabled).toBe(false);
  });

  it("maps the 20,000-session history, sorted", async () => {
    const sessions = mapSessions(await ask("list_mob_sessions", { deviceid: SCENARIO.hourlySqlServer }));
    expect(sessions.length).toBeGreaterThanOrEqual(20_000);
    expect(sessions.every((s) => s.unknownValues === undefined)).toBe(true);
    const unsorted = sessions.findIndex((s, i) => i > 0 && (s.start ?? "") < (sessions[i - 1]?.start ?? ""));
    expect(unsorted).toBe(-1);
    expect(sessions.some((s) => (s.selectionSize ?? 0) > 2 ** 32)).toBe(true);
  });

  it("maps single, empty and failing histories", async () => {
    expect(mapSessions(await ask("list_mob_sessions", { deviceid: SCENARIO.singleSession }))).toHaveLength(1);
    expect(mapSessions(await ask("list_mob_sessions", { deviceid: SCENARIO.backupOff }))).toEqual([]);
    const streak = mapSessions(await ask("list_mob_sessions", { deviceid: SCENARIO.failingStreak })).filter((s) => s.plugin === "SYSTEM_STATE");
    expect(streak.slice(-4).map((s) => s.status)).toEqual(["FAILED", "FAILED", "FAILED", "FAILED"]);
  });

  it("turns N-sight's errors into typed failures", async () => {
    expect((await failure("list_clients", {}, { apiKey: "wrong-key" })).kind).toBe("auth");
    expect((await failure("list_mob_sessions", { deviceid: "999" })).kind).toBe("not_found");
    expect((await failure("list_sites", {})).kind).toBe("bad_request");
  });

  it("turns every Fault Lab device into the expected failure", async () => {
    const kinds: Record<string, string> = {};
    for (const fault of ["http500", "malformed", "truncated", "html", "failNoCode", "throttled"] as const) {
      kinds[fault] = (await failure("list_mob_sessions", { deviceid: SCENARIO.faults[fault] })).kind;
    }
    expect(kinds).toEqual({
      http500: "unavailable",
      malformed: "bad_response",
      truncated: "bad_response",
      html: "bad_response",
      failNoCode: "bad_response",
      throttled: "throttled",
    });
    const throttled = await failure("list_mob_sessions", { deviceid: SCENARIO.faults.throttled });
    expect(throttled.retryAfterMs).toBe(30_000);
    expect((await failure("list_mob_sessions", { deviceid: SCENARIO.faults.stall }, { timeoutMs: 300 })).kind).toBe("timeout");
  });
});
