import { readFileSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startHttpStub, type HttpStub } from "../testing/http-stub";
import { CallBudget } from "./budget";
import { isNsightId, NsightClient, type CallEvent } from "./client";
import { NsightError } from "./errors";

const KEY = "fedcba9876543210fedcba9876543210";
const sessionsXml = readFileSync(new URL("./fixtures/list_mob_sessions.xml", import.meta.url));

let stub: HttpStub;
beforeAll(async () => {
  stub = await startHttpStub();
});
afterAll(() => stub.close());
beforeEach(() => {
  stub.requests.length = 0;
});

function makeClient(overrides: Partial<ConstructorParameters<typeof NsightClient>[0]> = {}) {
  const events: CallEvent[] = [];
  const sleeps: number[] = [];
  const budget = new CallBudget({ perMinute: 60, maxConcurrent: 2 });
  const client = new NsightClient({
    transport: { baseUrl: stub.url, apiKey: KEY, timeoutMs: 500, maxBodyBytes: 1 << 20, userAgent: "t" },
    budget,
    retry: { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 30_000 },
    onCall: (e) => events.push(e),
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...overrides,
  });
  return { client, budget, events, sleeps };
}

describe("NsightClient", () => {
  it("returns typed sessions sorted by start", async () => {
    stub.handle((_req, res) => res.end(sessionsXml));
    const { client, events } = makeClient();
    const sessions = await client.listMobSessions("3000001");
    expect(sessions.map((s) => s.sessionId)).toEqual(["12345", "12346", "12347"]);
    expect(stub.requests[0]!.url).toBe(`/api/?apikey=${KEY}&service=list_mob_sessions&deviceid=3000001`);
    expect(events).toMatchObject([{ service: "list_mob_sessions", params: { deviceid: "3000001" }, outcome: "ok" }]);
    expect(JSON.stringify(events)).not.toContain(KEY);
  });

  it.each(["", "0", "-1", "1.5", "abc", "1&service=add_client", "12345678901234567890", "007", " 1"])(
    "refuses the id %j before any call is made",
    async (id) => {
      const { client } = makeClient();
      await expect(client.listMobSessions(id)).rejects.toMatchObject({ kind: "bad_request" });
      expect(stub.requests).toHaveLength(0);
    },
  );

  it("retries transient failures with full-jitter backoff, then succeeds", async () => {
    let calls = 0;
    stub.handle((_req, res) => {
      calls++;
      if (calls < 3) {
        res.writeHead(503);
        res.end();
      } else res.end(sessionsXml);
    });
    const { client, sleeps } = makeClient();
    await expect(client.listMobSessions("1")).resolves.toHaveLength(3);
    expect(calls).toBe(3);
    // random() = 0.5 of a ceiling that doubles: 1 s, then 2 s.
    expect(sleeps).toEqual([500, 1_000]);
  });

  it("gives up after maxAttempts and does not retry definitive failures", async () => {
    stub.handle((_req, res) => {
      res.writeHead(500);
      res.end();
    });
    const { client } = makeClient();
    await expect(client.listMobSessions("1")).rejects.toMatchObject({ kind: "unavailable" });
    expect(stub.requests).toHaveLength(3);

    stub.requests.length = 0;
    stub.handle((_req, res) => res.end(readFileSync(new URL("./fixtures/fail_invalid_value.xml", import.meta.url))));
    await expect(client.listMobSessions("1")).rejects.toMatchObject({ kind: "not_found" });
    expect(stub.requests).toHaveLength(1);
  });

  it("on a 429, pauses the whole budget for Retry-After and does not retry", async () => {
    stub.handle((_req, res) => {
      res.writeHead(429, { "Retry-After": "45" });
      res.end();
    });
    const { client, budget } = makeClient();
    await expect(client.listClients()).rejects.toMatchObject({ kind: "throttled" });
    expect(stub.requests).toHaveLength(1);
    expect(budget.stats().pausedForMs).toBeGreaterThan(40_000);
  });

  it("opens the breaker when most recent calls to several resources fail, and fails fast while open", async () => {
    stub.handle((req) => req.socket.destroy());
    const { client } = makeClient({ retry: { maxAttempts: 1 } });
    for (let i = 0; i < 8; i++) await expect(client.listMobSessions(String(i + 1))).rejects.toBeInstanceOf(NsightError);
    expect(stub.requests).toHaveLength(8);
    expect(client.breakerState().open).toBe(true);
    await expect(client.listClients()).rejects.toMatchObject({ kind: "unavailable" });
    expect(stub.requests).toHaveLength(8);
  });

  it("does not open the breaker when a single resource keeps timing out (one stalled device)", async () => {
    stub.handle(() => undefined);
    const { client } = makeClient({ retry: { maxAttempts: 1 }, transport: { baseUrl: stub.url, apiKey: KEY, timeoutMs: 50, maxBodyBytes: 1 << 20, userAgent: "t" } });
    for (let i = 0; i < 10; i++) await expect(client.listMobSessions("9")).rejects.toMatchObject({ kind: "timeout" });
    expect(client.breakerState().open).toBe(false);
  });

  it("does not open the breaker for answers that are bad one by one (HTTP 500, malformed)", async () => {
    stub.handle((_req, res) => {
      res.writeHead(500);
      res.end();
    });
    const { client } = makeClient({ retry: { maxAttempts: 1 } });
    for (let i = 0; i < 10; i++) await client.listMobSessions("1").catch(() => undefined);
    expect(client.breakerState().open).toBe(false);
    expect(stub.requests).toHaveLength(10);
  });

  it("closes the breaker after the open period when a trial call succeeds", async () => {
    let now = 0;
    stub.handle((req) => req.socket.destroy());
    const { client } = makeClient({ retry: { maxAttempts: 1 }, now: () => now });
    for (let i = 0; i < 8; i++) await client.listMobSessions(String(i + 1)).catch(() => undefined);
    expect(client.breakerState().open).toBe(true);
    now += 30_001;
    stub.handle((_req, res) => res.end('<result status="OK"><items/></result>'));
    await expect(client.listClients()).resolves.toEqual([]);
    expect(client.breakerState().open).toBe(false);
  });

  it("lets a call already sent finish when nobody waits any more, but sends no retry", async () => {
    stub.handle((_req, res) => setTimeout(() => res.end(sessionsXml), 100));
    const { client } = makeClient();
    const leaving = new AbortController();
    const sent = client.listMobSessions("3000001", { signal: leaving.signal });
    await new Promise((resolve) => setTimeout(resolve, 30));
    leaving.abort(new Error("gone"));
    expect((await sent).map((s) => s.sessionId)).toEqual(["12345", "12346", "12347"]);

    stub.handle((_req, res) => {
      res.writeHead(503);
      res.end();
    });
    const backoff = new AbortController();
    const { client: patient } = makeClient({
      sleep: (ms, signal) => {
        backoff.abort(new Error("gone during the backoff"));
        return new Promise((_resolve, reject) => (signal?.aborted ? reject(signal.reason) : setTimeout(_resolve, ms)));
      },
    });
    const before = stub.requests.length;
    await expect(patient.listMobSessions("3000002", { signal: backoff.signal })).rejects.toThrow("gone during the backoff");
    expect(stub.requests.length - before).toBe(1);
  });
});

describe("isNsightId", () => {
  it("accepts positive decimal ids only", () => {
    expect(["1", "3000001", "123456789012345678"].every(isNsightId)).toBe(true);
    expect(["0", "01", "", "1e3", "%31", "１"].some(isNsightId)).toBe(false);
  });
});
