import net from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readXml, childElement } from "../lib/nsight/xml";
import { FAULT_KINDS, SCENARIO } from "./scenarios";
import { startSimulator, type Simulator } from "./server";
import { apiGet, apiUrl, latin1, rawRequest, TEST_UA } from "./test-support";

const KEY = "fault-key";
const NOW = "2026-11-27T07:00:00Z";
let sim: Simulator;

const sessions = (deviceid: string) => apiGet(sim.url, { apikey: KEY, service: "list_mob_sessions", deviceid });
const clients = () => apiGet(sim.url, { apikey: KEY, service: "list_clients" });

function parses(body: Buffer): boolean {
  try {
    readXml(latin1(body));
    return true;
  } catch {
    return false;
  }
}

function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
  });
}

beforeAll(async () => {
  sim = await startSimulator({ port: 0, key: KEY, now: NOW });
});

afterAll(async () => {
  await sim.close();
});

describe("seeded Fault Lab devices (list_mob_sessions)", () => {
  it("has one B&R device per kind in the Fault Lab client", () => {
    for (const kind of FAULT_KINDS) {
      const device = sim.fleet.deviceById.get(SCENARIO.faults[kind]);
      expect(device?.clientId).toBe(SCENARIO.faultLabClient);
      expect(device?.mob).toBe(true);
    }
  });

  it("http500: HTTP 500", async () => {
    const res = await sessions(SCENARIO.faults.http500);
    expect(res.status).toBe(500);
  });

  it("stall: accepts and never answers until the client gives up", async () => {
    const before = sim.stats().totalCalls;
    const started = performance.now();
    await expect(rawRequest(apiUrl(sim.url, { apikey: KEY, service: "list_mob_sessions", deviceid: SCENARIO.faults.stall }), {
      headers: { "User-Agent": TEST_UA },
      timeoutMs: 600,
    })).rejects.toThrow();
    expect(performance.now() - started).toBeGreaterThanOrEqual(550);
    const entry = sim.stats().requests.at(-1);
    expect(sim.stats().totalCalls).toBe(before + 1);
    expect(entry?.params.deviceid).toBe(SCENARIO.faults.stall);
    expect(entry?.status).toBeNull();
    expect((await clients()).status).toBe(200);
  });

  it("slow: answers correctly after 5 s", async () => {
    const started = performance.now();
    const res = await sessions(SCENARIO.faults.slow);
    expect(performance.now() - started).toBeGreaterThanOrEqual(4900);
    expect(res.status).toBe(200);
    const root = readXml(latin1(res.body));
    expect(root.attrs?.status).toBe("OK");
    expect(root.children.length).toBeGreaterThan(10);
  });

  it("malformed: 200 with mismatched tags", async () => {
    const res = await sessions(SCENARIO.faults.malformed);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/xml; charset=ISO-8859-1");
    expect(parses(res.body)).toBe(false);
    expect(() => readXml(latin1(res.body))).toThrow(/does not match/);
  });

  it("truncated: 200 with a valid start, cut in the middle", async () => {
    const res = await sessions(SCENARIO.faults.truncated);
    expect(res.status).toBe(200);
    expect(latin1(res.body).startsWith('<?xml version="1.0" encoding="ISO-8859-1"?>\n<result ')).toBe(true);
    expect(latin1(res.body).includes("</result>")).toBe(false);
    expect(parses(res.body)).toBe(false);
  });

  it("html: 200 text/html", async () => {
    const res = await sessions(SCENARIO.faults.html);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    expect(res.body.toString("utf8")).toMatch(/<html/i);
  });

  it("failNoCode: status FAIL with a message and no errorcode", async () => {
    const res = await sessions(SCENARIO.faults.failNoCode);
    expect(res.status).toBe(200);
    const root = readXml(latin1(res.body));
    expect(root.attrs?.status).toBe("FAIL");
    const error = childElement(root, "error");
    expect(error && childElement(error, "message")?.text).toBeTruthy();
    expect(error && childElement(error, "errorcode")).toBeUndefined();
  });

  it("throttled: HTTP 429 with Retry-After", async () => {
    const res = await sessions(SCENARIO.faults.throttled);
    expect(res.status).toBe(429);
    expect(res.headers["retry-after"]).toBe("30");
  });

  it("misbehaves only on list_mob_sessions: other services see the device normally", async () => {
    const res = await apiGet(sim.url, { apikey: KEY, service: "list_devices_at_client", clientid: SCENARIO.faultLabClient, devicetype: "server" });
    expect(res.status).toBe(200);
    expect(latin1(res.body)).toContain(`<id>${SCENARIO.faults.http500}</id>`);
  });
});

describe("front-end headers", () => {
  const COOKIE = /^__cf_bm=[A-Za-z0-9_.-]{20,}; path=\/; HttpOnly; Secure; SameSite=None$/;

  function expectFrontEnd(res: { headers: Record<string, string | string[] | undefined> }, what: string): string {
    expect(res.headers.server, what).toBe("cloudflare");
    const cookies = res.headers["set-cookie"];
    expect(Array.isArray(cookies) ? cookies : [], what).toHaveLength(1);
    const cookie = (cookies as string[])[0] as string;
    expect(cookie, what).toMatch(COOKIE);
    return cookie;
  }

  it("every API answer carries Server: cloudflare and a fresh __cf_bm cookie", async () => {
    const seen = new Set<string>();
    const answers = {
      xml: await clients(),
      fail: await apiGet(sim.url, { apikey: "wrong", service: "list_clients" }),
      http500: await sessions(SCENARIO.faults.http500),
      html: await sessions(SCENARIO.faults.html),
      throttled: await sessions(SCENARIO.faults.throttled),
      hostile502: await sessions(SCENARIO.hostile.htmlErrorPage),
      empty: await sessions(SCENARIO.hostile.emptyBody),
      notFound: await rawRequest(`${sim.url}/other`, { headers: { "User-Agent": TEST_UA } }),
      waf: await rawRequest(apiUrl(sim.url, { apikey: KEY, service: "list_clients" })),
    };
    expect(answers.fail.status).toBe(200);
    expect(answers.waf.status).toBe(403);
    for (const [what, res] of Object.entries(answers)) seen.add(expectFrontEnd(res, what));
    expect(seen.size).toBe(Object.keys(answers).length);
  });

  it("also on the errorRate's answers", async () => {
    await sim.setFaults({ errorRate: 1 });
    try {
      for (let i = 0; i < 6; i++) expectFrontEnd(await clients(), `error ${i}`);
    } finally {
      await sim.reset();
    }
  });
});

describe("knobs", () => {
  // The throttle window counts every earlier call: start each test from a clean slate.
  beforeEach(async () => {
    await sim.reset();
  });
  afterEach(async () => {
    await sim.reset();
  });

  it("throttlePerMinute: HTTP 429 with Retry-After: 30 beyond N calls in the trailing minute", async () => {
    await sim.setFaults({ throttlePerMinute: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await clients()).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const res = await clients();
    expect(res.headers["retry-after"]).toBe("30");
    await sim.setFaults({ throttlePerMinute: 0 });
    expect((await clients()).status).toBe(200);
  });

  it("throttleRate: random 429s", async () => {
    await sim.setFaults({ throttleRate: 1 });
    expect((await clients()).status).toBe(429);
  });

  it("latencyMs: adds the latency", async () => {
    await sim.setFaults({ latencyMs: 300 });
    const started = performance.now();
    expect((await clients()).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(295);
  });

  it("errorRate: answers become HTTP 500 or FAIL without errorcode", async () => {
    await sim.setFaults({ errorRate: 1 });
    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const res = await clients();
      if (res.status === 500) seen.add("500");
      else {
        const root = readXml(latin1(res.body));
        expect(root.attrs?.status).toBe("FAIL");
        const error = childElement(root, "error");
        expect(error && childElement(error, "errorcode")).toBeUndefined();
        seen.add("fail");
      }
    }
    expect(seen).toEqual(new Set(["500", "fail"]));
  });

  it("errorStatus: the errorRate's HTTP errors use 503 when asked", async () => {
    await sim.setFaults({ errorRate: 1, errorStatus: 503 });
    const statuses = new Set<number>();
    for (let i = 0; i < 12; i++) {
      const res = await clients();
      statuses.add(res.status);
      if (res.status === 503) expect(res.body.toString("utf8")).toContain("Service Unavailable");
    }
    expect(statuses).toEqual(new Set([200, 503]));
    await expect(sim.setFaults({ errorStatus: 502 })).rejects.toThrow(/one of 500, 503/);
    expect(sim.options.errorStatus).toBe(503);
  });

  it("resetRate: the connection is reset without an answer", async () => {
    await sim.setFaults({ resetRate: 1 });
    const before = sim.stats().totalCalls;
    await expect(clients()).rejects.toMatchObject({ code: "ECONNRESET" });
    expect(sim.stats().totalCalls).toBe(before + 1);
    expect(sim.stats().requests.at(-1)?.status).toBeNull();
    await sim.setFaults({ resetRate: 0 });
    expect((await clients()).status).toBe(200);
  });

  it("resetRate: about that share of requests", async () => {
    await sim.setFaults({ resetRate: 0.5 });
    let reset = 0;
    for (let i = 0; i < 40; i++) {
      await clients().then(
        (res) => expect(res.status).toBe(200),
        () => reset++,
      );
    }
    expect(reset).toBeGreaterThan(8);
    expect(reset).toBeLessThan(32);
  });

  it("hangRate: the request is accepted and never answered until the client gives up", async () => {
    await sim.setFaults({ hangRate: 1 });
    const started = performance.now();
    await expect(rawRequest(apiUrl(sim.url, { apikey: KEY, service: "list_clients" }), { headers: { "User-Agent": TEST_UA }, timeoutMs: 400 })).rejects.toThrow(
      /timed out/,
    );
    expect(performance.now() - started).toBeGreaterThanOrEqual(350);
    expect(sim.stats().requests.at(-1)?.status).toBeNull();
    await sim.setFaults({ hangRate: 0 });
    expect((await clients()).status).toBe(200);
  });

  it("malformedRate and truncateRate corrupt answers", async () => {
    await sim.setFaults({ malformedRate: 1 });
    const malformed = await clients();
    expect(malformed.status).toBe(200);
    expect(parses(malformed.body)).toBe(false);
    await sim.setFaults({ malformedRate: 0 });
    const full = (await apiGet(sim.url, { apikey: KEY, service: "list_clients" }, { Host: "h" })).body;
    expect(parses(full)).toBe(true);
    await sim.setFaults({ truncateRate: 1 });
    for (let i = 0; i < 5; i++) {
      const cut = (await apiGet(sim.url, { apikey: KEY, service: "list_clients" }, { Host: "h" })).body;
      expect(cut.byteLength).toBeLessThan(full.byteLength);
      expect(full.subarray(0, cut.byteLength).equals(cut)).toBe(true);
      expect(parses(cut)).toBe(false);
    }
  });

  it("outage: the port refuses connections, then reopens on the same port", async () => {
    const port = sim.port;
    expect(await tryConnect(port)).toBe("connected");
    await sim.setOutage(true);
    expect(await tryConnect(port)).toBe("ECONNREFUSED");
    await expect(clients()).rejects.toThrow();
    await sim.setOutage(false);
    expect(sim.port).toBe(port);
    expect(await tryConnect(port)).toBe("connected");
    expect((await clients()).status).toBe(200);
  });

  it("outage destroys open connections, including a stalled request", async () => {
    const stalled = rawRequest(apiUrl(sim.url, { apikey: KEY, service: "list_mob_sessions", deviceid: SCENARIO.faults.stall }), {
      headers: { "User-Agent": TEST_UA },
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await sim.setFaults({ outage: true });
    await expect(stalled).rejects.toThrow();
    expect(sim.options.outage).toBe(true);
    await sim.setFaults({ outage: false });
    expect((await clients()).status).toBe(200);
  });
});
