import { request as httpRequest } from "node:http";
import { gunzipSync } from "node:zlib";
import { expect, test } from "@playwright/test";
import { SCENARIO } from "../simulator/scenarios";
import { APP_URL } from "./support/env";
import { simulator } from "./support/simulator-control";
import { cookieHeader } from "./support/users";

function wire(path: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${APP_URL}${path}`, { headers: { cookie: cookieHeader("admin"), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}

test.describe("JSON API", () => {
  test("answers data with meta, as JSON with nosniff", async ({ request }) => {
    const response = await request.get("/api/clients");
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toContain("application/json");
    expect(response.headers()["x-content-type-options"]).toBe("nosniff");
    const body = await response.json();
    expect(body.meta).toMatchObject({ stale: false, demo: false });
    expect(Date.parse(body.meta.fetchedAt)).not.toBeNaN();
    const muller = body.data.find((c: { clientId: string }) => c.clientId === SCENARIO.accentClient);
    expect(muller.name).toBe("Müller Bau GmbH");
  });

  test("sessions are sorted by start and filtered by from/to on the server", async ({ request }) => {
    const all = await (await request.get(`/api/devices/${SCENARIO.failingStreak}/sessions`)).json();
    const starts: string[] = all.data.map((s: { start: string }) => s.start);
    expect(starts.length).toBeGreaterThan(100);
    expect([...starts].sort()).toEqual(starts);
    const from = starts[Math.floor(starts.length / 2)]!;
    const to = new Date(Date.parse(from) + 3 * 86_400_000).toISOString();
    const some = await (await request.get(`/api/devices/${SCENARIO.failingStreak}/sessions?from=${from}&to=${to}`)).json();
    expect(some.data.length).toBeGreaterThan(0);
    expect(some.data.every((s: { start: string }) => s.start >= from && Date.parse(s.start) < Date.parse(to))).toBe(true);
  });

  // The seeded 429 device pauses every call (as N-sight does), so faults/ tests it last.
  test("maps upstream failures to our statuses and our words", async ({ request }) => {
    test.slow();
    const cases: [string, number, string][] = [
      ["/api/devices/999999999/sessions", 404, "not_found"],
      [`/api/devices/${SCENARIO.faults.http500}/sessions`, 503, "unavailable"],
      [`/api/devices/${SCENARIO.faults.malformed}/sessions`, 502, "bad_upstream"],
      [`/api/devices/${SCENARIO.faults.truncated}/sessions`, 502, "bad_upstream"],
      [`/api/devices/${SCENARIO.faults.html}/sessions`, 502, "bad_upstream"],
      [`/api/devices/${SCENARIO.faults.failNoCode}/sessions`, 502, "bad_upstream"],
      [`/api/devices/${SCENARIO.faults.stall}/sessions`, 504, "timeout"],
    ];
    for (const [path, status, code] of cases) {
      const response = await request.get(path);
      expect(response.status(), path).toBe(status);
      const body = await response.json();
      expect(body.error.code, path).toBe(code);
      expect(body.error.message).not.toMatch(/<|stack|at .*\(/);
    }
  });

  test("rejects malformed ids and parameters before anything reaches N-sight", async ({ request }) => {
    const since = new Date().toISOString();
    const bad = [
      "/api/devices/abc/sessions",
      "/api/devices/0/sessions",
      "/api/devices/-1/sessions",
      "/api/devices/12345678901234567890/sessions",
      "/api/devices/1%26service%3Dadd_client/sessions",
      "/api/devices/[deviceId]/sessions",
      "/api/clients/1.5/sites",
      `/api/devices/${SCENARIO.failingStreak}/sessions?from=yesterday`,
      `/api/devices/${SCENARIO.failingStreak}/sessions?apikey=x`,
      `/api/devices/${SCENARIO.failingStreak}/sessions?from=2026-01-01&from=2026-02-01`,
      `/api/sites/200001/devices?clientId=abc`,
    ];
    for (const path of bad) {
      const response = await request.get(path);
      expect(response.status(), path).toBe(400);
      expect((await response.json()).error.code).toBe("bad_request");
    }
    // Other tests run in parallel: look at what arrived rather than expect silence.
    const reached = await simulator.requestsSince(since);
    const allowedServices = ["list_clients", "list_sites", "list_servers", "list_workstations", "list_devices_at_client", "list_mob_sessions"];
    for (const r of reached) {
      expect(allowedServices).toContain(r.service);
      for (const [name, value] of Object.entries(r.params)) {
        expect(["apikey", "service", "deviceid", "clientid", "siteid", "devicetype"]).toContain(name);
        if (name.endsWith("id") && name !== "apikey") expect(value).toMatch(/^[1-9][0-9]*$/);
      }
    }
  });

  test("an unknown API path is a JSON 404", async ({ request }) => {
    const response = await request.get("/api/nothing/here");
    expect(response.status()).toBe(404);
    expect(await response.json()).toEqual({ error: { code: "not_found", message: "No such API route." } });
  });

  test("fifty concurrent viewers of one device cost N-sight exactly one call", async ({ request }) => {
    // Cold whatever ran before: nothing else opens it, and the refresher skips it (B&R off).
    const device = SCENARIO.hostile.shuffledFields;
    const before = await simulator.requestsSince("", "list_mob_sessions");
    expect(before.filter((c) => c.params.deviceid === device)).toEqual([]);
    const answers = await Promise.all(Array.from({ length: 50 }, () => request.get(`/api/devices/${device}/sessions`)));
    for (const answer of answers) {
      expect(answer.status()).toBe(200);
      expect((await answer.json()).data.length).toBeGreaterThan(0);
    }
    const calls = await simulator.requestsSince("", "list_mob_sessions");
    expect(calls.filter((c) => c.params.deviceid === device)).toHaveLength(1);
  });

  test("a long history is sent gzipped when accepted, as is otherwise, and errors likewise", async () => {
    const path = `/api/devices/${SCENARIO.hourlySqlServer}/sessions`;
    // The refresher renews this history every 90 s: ask again if it did in between.
    await expect
      .poll(
        async () => {
          const zipped = await wire(path, { "accept-encoding": "gzip, deflate, br" });
          expect(zipped.status).toBe(200);
          expect(zipped.headers["content-encoding"]).toBe("gzip");
          expect(String(zipped.headers.vary)).toMatch(/accept-encoding/i);
          const fromGzip = JSON.parse(gunzipSync(zipped.body).toString("utf8"));
          expect(fromGzip.data.length).toBeGreaterThan(20_000);
          const plain = await wire(path, { "accept-encoding": "identity" });
          expect(plain.headers["content-encoding"]).toBeUndefined();
          const fromPlain = JSON.parse(plain.body.toString("utf8"));
          if (fromPlain.meta.fetchedAt !== fromGzip.meta.fetchedAt) return "the history was renewed in between";
          expect(fromPlain).toEqual(fromGzip);
          return "same answer";
        },
        { timeout: 30_000 },
      )
      .toBe("same answer");
    const refused = await wire(path, { "accept-encoding": "gzip;q=0, br" });
    expect(refused.headers["content-encoding"]).not.toBe("gzip");

    const missing = await wire("/api/devices/99999999/sessions", { "accept-encoding": "gzip" });
    expect(missing.status).toBe(404);
    expect(missing.headers["content-encoding"]).toBe("gzip");
    expect(JSON.parse(gunzipSync(missing.body).toString("utf8")).error.code).toBe("not_found");
    const malformed = await wire("/api/devices/12ab/sessions", { "accept-encoding": "gzip" });
    expect(malformed.status).toBe(400);
    expect(JSON.parse(gunzipSync(malformed.body).toString("utf8")).error.code).toBe("bad_request");
  });

  test("the fleet every wall polls is sent gzipped when accepted, the same answer as plain", async () => {
    // A snapshot lasts a few seconds: ask again if the refresher moved on in between.
    await expect
      .poll(
        async () => {
          const zipped = await wire("/api/fleet", { "accept-encoding": "gzip, deflate, br" });
          const plain = await wire("/api/fleet", { "accept-encoding": "identity" });
          expect(zipped.status).toBe(200);
          expect(zipped.headers["content-encoding"]).toBe("gzip");
          expect(plain.headers["content-encoding"]).toBeUndefined();
          const fromGzip = JSON.parse(gunzipSync(zipped.body).toString("utf8"));
          const fromPlain = JSON.parse(plain.body.toString("utf8"));
          expect(fromGzip.data.counts).toBeDefined();
          expect(fromGzip.meta).toEqual({ fetchedAt: fromGzip.data.newestReadAt ?? fromGzip.data.asOf, stale: fromGzip.data.upstream.status === "failing", demo: false });
          if (fromPlain.data.asOf !== fromGzip.data.asOf) return "the snapshot changed in between";
          expect(fromPlain).toEqual(fromGzip);
          return "same answer";
        },
        { timeout: 30_000 },
      )
      .toBe("same answer");
    const malformed = await wire("/api/fleet?clients=1,x", { "accept-encoding": "gzip" });
    expect(malformed.status).toBe(400);
    expect(JSON.parse(gunzipSync(malformed.body).toString("utf8")).error.code).toBe("bad_request");
  });
});
