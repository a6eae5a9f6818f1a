import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_OPTIONS, envName, flagName, optionsFromArgs, optionsFromEnv } from "./options";
import { MAX_INJECTED_SESSIONS } from "./injections";
import { startSimulator, type DeviceReckoning, type Simulator, type SimulatorStats } from "./server";
import { apiGet, rawRequest, TEST_UA } from "./test-support";

const KEY = "control-secret-key-77";
let sim: Simulator;

async function control(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await rawRequest(`${sim.controlUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: JSON.parse(res.body.toString("utf8")) as unknown };
}

beforeAll(async () => {
  sim = await startSimulator({ port: 0, controlPort: 0, key: KEY, now: "2026-11-27T07:00:00Z" });
});

afterAll(async () => {
  await sim.close();
});

describe("control API", () => {
  it("runs on its own port", () => {
    expect(sim.controlPort).not.toBeNull();
    expect(sim.controlPort).not.toBe(sim.port);
    expect(sim.controlUrl).toBe(`http://127.0.0.1:${sim.controlPort}`);
  });

  it("counts and logs every API request, rejected ones included, with the key redacted", async () => {
    await control("POST", "/reset");
    await apiGet(sim.url, { apikey: KEY, service: "list_clients" });
    await apiGet(sim.url, { apikey: KEY, service: "list_sites", clientid: "100001" });
    await apiGet(sim.url, { apikey: KEY, service: "list_sites", clientid: "100002" });
    await apiGet(sim.url, { apikey: "wrong-key", service: "list_clients" });
    await rawRequest(`${sim.url}/api/?apikey=${KEY}&service=list_mob_sessions&deviceid=3000001`); // no UA: 403
    const { status, json } = await control("GET", "/stats");
    expect(status).toBe(200);
    const stats = json as SimulatorStats;
    expect(stats.totalCalls).toBe(5);
    expect(stats.callsByService).toEqual({ list_clients: 2, list_sites: 2, list_mob_sessions: 1 });
    expect(stats.maxCallsInAnyMinute).toBe(5);
    expect(stats.callsLastMinute).toBe(5);
    expect(stats.requests).toHaveLength(5);
    expect(stats.requests[1]).toMatchObject({
      method: "GET",
      path: "/api/",
      service: "list_sites",
      params: { apikey: "[redacted]", service: "list_sites", clientid: "100001" },
      userAgent: TEST_UA,
      status: 200,
    });
    expect(stats.requests[4]).toMatchObject({ status: 403, userAgent: null });
    expect(Date.parse(stats.requests[0]?.at ?? "")).not.toBeNaN();
    const raw = JSON.stringify(json);
    expect(raw).not.toContain(KEY);
    expect(raw).not.toContain("wrong-key");
  });

  it("changes knobs at runtime with POST /faults and returns them", async () => {
    const { status, json } = await control("POST", "/faults", { latencyMs: 50, throttlePerMinute: 100, timezone: "Europe/London" });
    expect(status).toBe(200);
    expect(json).toMatchObject({ latencyMs: 50, throttlePerMinute: 100, timezone: "Europe/London", key: KEY });
    expect(sim.options.latencyMs).toBe(50);
    const res = await apiGet(sim.url, { apikey: KEY, service: "list_clients" });
    expect(res.body.toString("latin1")).toContain('created="2026-11-27T07:00:00+00:00"');
    expect((await control("GET", "/faults")).json).toMatchObject({ latencyMs: 50 });
    const set = await control("POST", "/faults", { resetRate: 0.25, hangRate: 0.125, errorStatus: 503 });
    expect(set).toMatchObject({ status: 200, json: { resetRate: 0.25, hangRate: 0.125, errorStatus: 503 } });
    await control("POST", "/faults", { resetRate: 0, hangRate: 0, errorStatus: 500 });
  });

  it("rejects bad knob values with 400 and changes nothing", async () => {
    for (const body of [{ errorRate: 2 }, { errorStatus: 404 }, { resetRate: -1 }, { hangRate: "often" }, { latencyMs: "soon" }, { timezone: "Mars/Olympus" }, { nope: 1 }, { controlPort: 1234 }, [1]]) {
      const { status } = await control("POST", "/faults", body);
      expect(status, JSON.stringify(body)).toBe(400);
    }
    expect((await control("POST", "/outage", { on: "yes" })).status).toBe(400);
    expect(sim.options.errorRate).toBe(0);
  });

  it("switches an outage on and off with POST /outage", async () => {
    expect((await control("POST", "/outage", { on: true })).status).toBe(200);
    await expect(apiGet(sim.url, { apikey: KEY, service: "list_clients" })).rejects.toThrow();
    expect((await control("POST", "/outage", { on: false })).status).toBe(200);
    expect((await apiGet(sim.url, { apikey: KEY, service: "list_clients" })).status).toBe(200);
  });

  it("regenerates the fleet when seed or devices change, and POST /reset restores the start", async () => {
    const original = sim.fleet;
    await control("POST", "/faults", { devices: 800, seed: 7, errorRate: 0.5 });
    expect(sim.fleet.devices).toHaveLength(800);
    expect(sim.fleet.seed).toBe(7);
    const { status, json } = await control("POST", "/reset");
    expect(status).toBe(200);
    expect(json).toMatchObject({ devices: 400, seed: DEFAULT_OPTIONS.seed, errorRate: 0, latencyMs: 0, timezone: "America/Chicago" });
    expect(sim.fleet).toBe(original);
    expect((await control("GET", "/stats")).json).toMatchObject({ totalCalls: 0, requests: [] });
  });

  it("changes the key it accepts with POST /faults (a key regenerated in N-sight), and POST /reset restores it", async () => {
    const loginFailed = (body: Buffer) => body.toString("latin1").includes("<errorcode>3</errorcode><message>Login failed</message>");
    expect(loginFailed((await apiGet(sim.url, { apikey: KEY, service: "list_clients" })).body)).toBe(false);
    expect((await control("POST", "/faults", { key: "regenerated-key-88" })).status).toBe(200);
    expect(loginFailed((await apiGet(sim.url, { apikey: KEY, service: "list_clients" })).body)).toBe(true);
    expect(loginFailed((await apiGet(sim.url, { apikey: "regenerated-key-88", service: "list_clients" })).body)).toBe(false);
    expect((await control("POST", "/faults", { key: "" })).status).toBe(400);
    await control("POST", "/reset");
    expect(loginFailed((await apiGet(sim.url, { apikey: KEY, service: "list_clients" })).body)).toBe(false);
    expect(loginFailed((await apiGet(sim.url, { apikey: "regenerated-key-88", service: "list_clients" })).body)).toBe(true);
  });

  it("moves the API to another port at runtime", async () => {
    const before = sim.port;
    await sim.setFaults({ port: 0 });
    expect(sim.port).not.toBe(before);
    expect((await apiGet(sim.url, { apikey: KEY, service: "list_clients" })).status).toBe(200);
    await sim.reset();
    expect(sim.port).toBe(before);
  });

  it("exposes the scenario ids", async () => {
    const { json } = await control("GET", "/scenario");
    expect(json).toMatchObject({ scenario: { hourlySqlServer: "3000001" }, places: { "3000001": { clientId: "100001", siteId: "200001" } } });
    expect(json).toMatchObject({
      scenario: { hostileSite: "200009", hostile: { billionLaughs: "3000025", htmlErrorPage: "3000038" } },
      places: { "3000033": { clientId: "100003", siteId: "200009", type: "workstation" } },
    });
  });
});

describe("injected sessions", () => {
  const sessionsXml = async (deviceId: string) => (await apiGet(sim.url, { apikey: KEY, service: "list_mob_sessions", deviceid: deviceId })).body.toString("latin1");
  const devices = async (query: string) => {
    const { status, json } = await control("GET", `/devices${query}`);
    expect(status).toBe(200);
    return (json as { devices: DeviceReckoning[] }).devices;
  };

  it("lists devices with their state, and a failure posted to /sessions is in list_mob_sessions and turns the device failed", async () => {
    await control("POST", "/reset");
    const steady = await devices("?state=ok&steady=true");
    expect(steady.length).toBeGreaterThan(5);
    const target = steady[0]!;
    expect(target).toMatchObject({ state: "ok", steady: true });
    expect(target.plugins[0]!.recent).toEqual(Array(6).fill("COMPLETED"));
    const before = await sessionsXml(target.deviceId);

    const plugin = target.plugins[0]!.plugin;
    const { status, json } = await control("POST", "/sessions", { deviceId: target.deviceId, plugin, status: "FAILED" });
    expect(status).toBe(201);
    const injected = json as { sessionId: string; end: string; status: string; plugin: string };
    expect(injected).toMatchObject({ status: "FAILED", plugin, end: "2026-11-27T07:00:00.000Z" });
    const after = await sessionsXml(target.deviceId);
    expect(after.length).toBeGreaterThan(before.length);
    expect(after).toContain(`<session_id>${injected.sessionId}</session_id>`);
    expect(after).toMatch(new RegExp(`<session_id>${injected.sessionId}</session_id>.*?<end>2026-11-27 07:00:00</end>.*?<status>FAILED</status></session>`));
    expect((await devices(`?clientId=${target.clientId}`)).find((d) => d.deviceId === target.deviceId)).toMatchObject({ state: "failed", steady: false });
    expect((await devices("?state=ok&steady=true")).map((d) => d.deviceId)).not.toContain(target.deviceId);

    // Knob changes keep the injected history; only /reset drops it.
    await control("POST", "/faults", { latencyMs: 0, timezone: "Europe/Paris" });
    expect(await sessionsXml(target.deviceId)).toContain(injected.sessionId);
    await control("POST", "/sessions", { deviceId: target.deviceId, plugin, status: "COMPLETED", at: "2026-11-27T06:59:00Z", durationSeconds: 30 });
    expect((await devices(`?clientId=${target.clientId}`)).find((d) => d.deviceId === target.deviceId)).toMatchObject({ state: "ok" });
    await control("POST", "/reset");
    expect(await sessionsXml(target.deviceId)).toBe(before);
    expect(await sessionsXml(target.deviceId)).not.toContain(injected.sessionId);
  });

  it("keeps a session that ends after the simulator's now out of the history until then", async () => {
    const target = (await devices("?state=ok&steady=true&limit=1"))[0]!;
    const later = await control("POST", "/sessions", { deviceId: target.deviceId, status: "FAILED", at: "2026-11-27T08:00:00Z" });
    expect(later.status).toBe(201);
    const id = (later.json as { sessionId: string }).sessionId;
    expect(await sessionsXml(target.deviceId)).not.toContain(id);
    await control("POST", "/faults", { now: "2026-11-27T09:00:00Z" });
    expect(await sessionsXml(target.deviceId)).toContain(id);
    await control("POST", "/reset");
  });

  it("refuses bad injections with 400 and a reason, and bad device filters", async () => {
    const target = (await devices("?state=ok&limit=1"))[0]!;
    const off = (await devices("?state=off&limit=1"))[0]!;
    const otherPlugin = ["FILE_SYSTEM", "MSSQL", "EXCHANGE", "SYSTEM_STATE"].find((p) => !target.plugins.some((q) => q.plugin === p))!;
    const bad: [unknown, RegExp][] = [
      [{ deviceId: "9999999", status: "FAILED" }, /No device/],
      [{ deviceId: target.deviceId, status: "BROKEN" }, /status must be/],
      [{ deviceId: target.deviceId, status: "FAILED", plugin: otherPlugin }, /not /],
      [{ deviceId: off.deviceId, status: "FAILED" }, /Backup & Recovery off/],
      [{ deviceId: target.deviceId, status: "FAILED", extra: 1 }, /Unknown field/],
      [{ deviceId: target.deviceId, status: "FAILED", at: "yesterday" }, /ISO 8601/],
      [{ deviceId: target.deviceId, status: "FAILED", transferredSize: -1 }, /transferredSize/],
      [{ deviceId: "<script>", status: "FAILED" }, /deviceId/],
      [[1], /JSON object/],
    ];
    for (const [body, reason] of bad) {
      const { status, json } = await control("POST", "/sessions", body);
      expect(status, JSON.stringify(body)).toBe(400);
      expect((json as { error: string }).error).toMatch(reason);
    }
    for (const query of ["?state=bogus", "?clientId=abc", "?steady=maybe", "?limit=0", "?limit=5000", "?nope=1"]) {
      expect((await control("GET", `/devices${query}`)).status, query).toBe(400);
    }
    expect(await sessionsXml(target.deviceId)).not.toContain("<session_id>5000");
  });

  it("caps the number of injected sessions", async () => {
    const target = (await devices("?state=ok&limit=1"))[0]!;
    for (let i = 0; i < MAX_INJECTED_SESSIONS; i++) sim.injectSession({ deviceId: target.deviceId, status: "COMPLETED", at: "2026-11-01T00:00:00Z" });
    const { status, json } = await control("POST", "/sessions", { deviceId: target.deviceId, status: "FAILED" });
    expect(status).toBe(400);
    expect((json as { error: string }).error).toMatch(/At most/);
    await control("POST", "/reset");
    expect((await control("POST", "/sessions", { deviceId: target.deviceId, status: "FAILED" })).status).toBe(201);
    await control("POST", "/reset");
  });
});

describe("options", () => {
  it("names flags and env variables after the knobs", () => {
    expect(flagName("latencyMs")).toBe("--latency-ms");
    expect(envName("throttlePerMinute")).toBe("SIM_THROTTLE_PER_MINUTE");
    expect(flagName("controlPort")).toBe("--control-port");
  });

  it("parses flags and env", () => {
    expect(optionsFromArgs(["--port", "0", "--key=abc", "--outage", "--devices", "5000", "--control-port", "4011"]).options).toEqual({
      port: 0,
      key: "abc",
      outage: true,
      devices: 5000,
      controlPort: 4011,
    });
    expect(optionsFromEnv({ SIM_SEED: "7", SIM_ERROR_RATE: "0.25", SIM_NOW: "2026-01-01T00:00:00Z" })).toEqual({
      seed: 7,
      errorRate: 0.25,
      now: "2026-01-01T00:00:00.000Z",
    });
    expect(optionsFromArgs(["--reset-rate", "0.1", "--hang-rate=0.2", "--error-status", "503"]).options).toEqual({
      resetRate: 0.1,
      hangRate: 0.2,
      errorStatus: 503,
    });
    expect(optionsFromEnv({ SIM_RESET_RATE: "1", SIM_HANG_RATE: "0.5", SIM_ERROR_STATUS: "500" })).toEqual({ resetRate: 1, hangRate: 0.5, errorStatus: 500 });
    expect(DEFAULT_OPTIONS).toMatchObject({ resetRate: 0, hangRate: 0, errorStatus: 500 });
    expect(() => optionsFromArgs(["--error-status", "502"])).toThrow(/one of 500, 503/);
    expect(() => optionsFromArgs(["--hang-rate", "2"])).toThrow();
    expect(() => optionsFromArgs(["--bogus"])).toThrow();
    expect(() => optionsFromArgs(["--error-rate", "1.5"])).toThrow();
  });
});
