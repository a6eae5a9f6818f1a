import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BAD_GATEWAY_PAGE, hostileBody, hugeBodyParts, HOSTILE_KINDS, HOSTILE_SESSIONS, type HostileKind } from "../../simulator/hostile";
import { startSimulator } from "../../simulator/server";
import { SCENARIO } from "../../simulator/scenarios";
import { startHttpStub, type HttpStub } from "../testing/http-stub";
import { CallBudget } from "./budget";
import { NsightClient } from "./client";
import { decodeXmlBytes } from "./decode";
import { isNsightError, type NsightErrorKind } from "./errors";
import { mapSessions } from "./session-records";
import { readXml } from "./xml";

const EXPECTED: Record<HostileKind, NsightErrorKind | "data"> = {
  billionLaughs: "bad_response",
  quadraticBlowup: "bad_response",
  charRefFlood: "data",
  badCodePoints: "bad_response",
  doctypeSystem: "bad_response",
  doctypePublic: "bad_response",
  deepNesting: "bad_response",
  protoElements: "data",
  hugeBody: "bad_response",
  emptyBody: "bad_response",
  bomUtf8: "data",
  failWithCode: "bad_response",
  shuffledFields: "data",
  htmlErrorPage: "unavailable",
};

let stub: HttpStub;
let client: NsightClient;

beforeAll(async () => {
  stub = await startHttpStub();
  client = new NsightClient({
    transport: { baseUrl: stub.url, apiKey: "k", timeoutMs: 10_000, maxBodyBytes: 64 * 1024 * 1024, userAgent: "t" },
    budget: new CallBudget({ perMinute: 100_000, maxConcurrent: 4 }),
    retry: { maxAttempts: 1 },
  });
});
afterAll(() => stub.close());

function serve(kind: HostileKind) {
  stub.handle((_req, res) => {
    if (kind === "htmlErrorPage") {
      res.writeHead(502, { "Content-Type": "text/html; charset=UTF-8" });
      res.end(BAD_GATEWAY_PAGE);
      return;
    }
    res.writeHead(200, { "Content-Type": "application/xml; charset=ISO-8859-1" });
    if (kind === "hugeBody") {
      // Streamed, like the simulator: our cap must stop reading, not the sender.
      const parts = hugeBodyParts();
      let i = 0;
      const pump = () => {
        while (i < parts.length) if (!res.write(parts[i++])) return void res.once("drain", pump);
        res.end();
      };
      res.on("error", () => undefined);
      pump();
      return;
    }
    res.end(hostileBody(kind));
  });
}

describe("a corpus of hostile N-sight answers", () => {
  it.each(HOSTILE_KINDS)("%s ends in a typed error or correct data", async (kind) => {
    serve(kind);
    const polluted = ({} as Record<string, unknown>).polluted;
    try {
      const sessions = await client.listMobSessions("3000025");
      expect(EXPECTED[kind], `${kind} gave data`).toBe("data");
      const expectedIds = (kind === "charRefFlood" ? HOSTILE_SESSIONS.slice(0, 1) : HOSTILE_SESSIONS).map((s) => s.session_id).sort();
      expect(sessions.map((s) => s.sessionId).sort()).toEqual(expectedIds);
      for (const session of sessions) {
        expect(session.unknownValues).toBeUndefined();
        expect(session.start).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      }
    } catch (error) {
      expect(isNsightError(error), `${kind}: ${String(error)}`).toBe(true);
      expect((error as { kind: string }).kind).toBe(EXPECTED[kind]);
      expect((error as Error).message).not.toMatch(/<|passwd|Cloudflare/);
    }
    expect(({} as Record<string, unknown>).polluted).toBe(polluted);
  });
});

describe("a real answer cut anywhere", () => {
  it("gives a typed error or the complete answer for 1,000 random cuts, never a partial one", async () => {
    const sim = await startSimulator({ port: 0, key: "k", now: "2026-11-27T12:00:00Z" });
    let full: Buffer;
    try {
      const response = await fetch(`${sim.url}/api/?apikey=k&service=list_mob_sessions&deviceid=${SCENARIO.failingStreak}`, { headers: { "User-Agent": "t" } });
      full = Buffer.from(await response.arrayBuffer());
    } finally {
      await sim.close();
    }
    let body = full;
    stub.handle((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/xml; charset=ISO-8859-1" });
      res.end(body);
    });
    const complete = await client.listMobSessions("1");
    expect(complete.length).toBeGreaterThan(100);

    let seed = 20261127;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    let errors = 0;
    for (let i = 0; i < 1_000; i++) {
      const cut = Math.floor(random() * full.length);
      body = full.subarray(0, cut);
      try {
        const sessions = await client.listMobSessions("1");
        // Only a cut inside trailing whitespace may still be the whole answer.
        expect(sessions).toEqual(complete);
      } catch (error) {
        expect(isNsightError(error)).toBe(true);
        expect((error as { kind: string }).kind).toBe("bad_response");
        errors++;
      }
    }
    expect(errors).toBeGreaterThan(990);
  }, 60_000);

  it("gives the same sessions when the answer arrives in pieces split anywhere", async () => {
    const sim = await startSimulator({ port: 0, key: "k", now: "2026-11-27T12:00:00Z" });
    let full: Buffer;
    try {
      const response = await fetch(`${sim.url}/api/?apikey=k&service=list_mob_sessions&deviceid=${SCENARIO.failingStreak}`, { headers: { "User-Agent": "t" } });
      full = Buffer.from(await response.arrayBuffer());
    } finally {
      await sim.close();
    }
    let cuts: number[] = [];
    stub.handle((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/xml; charset=ISO-8859-1" });
      const pieces = [0, ...cuts, full.length].slice(1).map((to, i, ends) => full.subarray(i === 0 ? 0 : ends[i - 1], to));
      const next = (i: number) => {
        if (i === pieces.length) return void res.end();
        res.write(pieces[i]!, () => setTimeout(() => next(i + 1), 1));
      };
      next(0);
    });
    const whole = await client.listMobSessions("1");
    expect(whole.length).toBeGreaterThan(100);
    expect(whole).toEqual(mapSessions(readXml(decodeXmlBytes(full))));

    let seed = 2026;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 8; i++) {
      cuts = Array.from({ length: 40 }, () => Math.floor(random() * full.length)).sort((a, b) => a - b);
      expect(await client.listMobSessions("1"), `cuts ${cuts.join(",")}`).toEqual(whole);
    }
  }, 60_000);
});
