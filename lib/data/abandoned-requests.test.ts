import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET } from "@/app/api/devices/[deviceId]/history/route";
import { FIXED_DEVICE_COUNT } from "../../simulator/scenarios";
import { startSimulator, type Simulator } from "../../simulator/server";
import { getRuntime } from "../server/nsight";
import { signedInUser } from "../testing/signed-in";
import { until } from "../testing/until";

const KEY = "abandoned-requests-key";
/** Long enough that the first calls are still in flight when every request is abandoned. */
const LATENCY_MS = 2_000;
let sim: Simulator;
let dataDir: string;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, key: KEY, now: "2026-11-27T07:00:00Z", latencyMs: LATENCY_MS });
  process.env.NSIGHT_API_KEY = KEY;
  process.env.NSIGHT_SERVER = sim.url;
  process.env.NSIGHT_DEMO = "0";
  dataDir = mkdtempSync(join(tmpdir(), "abandoned-requests-"));
  process.env.DATA_DIR = dataDir;
});
afterAll(async () => {
  await sim.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const history = (deviceId: string, cookie: string, signal?: AbortSignal) =>
  GET(new Request(`http://localhost/api/devices/${deviceId}/history`, { signal, headers: { cookie } }), { params: Promise.resolve({ deviceId }) });

/** Technicians enough to fill the budget's queue: each may have only a third of a minute's calls waiting or sent. */
const technicians = (prefix: string, count: number) =>
  Promise.all(Array.from({ length: count }, (_, i) => signedInUser(`${prefix}-${i}@example.com`, "technician")));

describe("abandoned requests", () => {
  it("cost N-sight at most the calls already in flight, and those still fill the cache", async () => {
    const { budget, cache, config } = getRuntime();
    const devices = sim.fleet.devices.slice(FIXED_DEVICE_COUNT, FIXED_DEVICE_COUNT + 100).map((d) => d.id);
    expect(devices).toHaveLength(100);

    const people = await technicians("wave", 5);
    const answers: Promise<Response>[] = [];
    for (let wave = 0; wave < 5; wave++) {
      const leaving = new AbortController();
      const ids = devices.slice(wave * 20, wave * 20 + 20);
      answers.push(...ids.map((id) => history(id, people[wave]!.cookie, leaving.signal)));
      await until(() => budget.stats().queued + budget.stats().inFlight >= 20);
      leaving.abort();
    }
    const sentBeforeLeaving = budget.stats().startedLastMinute;
    expect(sentBeforeLeaving).toBeLessThanOrEqual(config.maxConcurrent);
    expect(budget.stats().queued).toBe(0);
    expect(new Set((await Promise.all(answers)).map((r) => r.status))).toEqual(new Set([499]));

    await until(() => budget.stats().inFlight === 0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(sim.stats().totalCalls).toBe(sentBeforeLeaving);
    expect(cache.size).toBe(sentBeforeLeaving);

    const served = await history(devices[0]!, people[0]!.cookie);
    expect(served.status).toBe(200);
    expect(sim.stats().totalCalls).toBe(sentBeforeLeaving);
  });

  it("beyond the interactive queue's bound, are answered 503 at once with when to come back", async () => {
    const { budget, config } = getRuntime();
    const devices = sim.fleet.devices.slice(FIXED_DEVICE_COUNT + 100, FIXED_DEVICE_COUNT + 200).map((d) => d.id);
    const people = await technicians("queue", 5);
    const leaving = new AbortController();
    const answers = devices.map((id, i) => history(id, people[i % 5]!.cookie, leaving.signal));
    await until(() => budget.stats().queued === budget.maxQueuedInteractive);
    const refused = devices.length - budget.maxQueuedInteractive - budget.stats().inFlight;
    expect(budget.maxQueuedInteractive).toBe(config.callsPerMinute);
    leaving.abort();
    const busy = (await Promise.all(answers)).filter((r) => r.status === 503);
    expect(busy).toHaveLength(refused);
    expect(await busy[0]!.json()).toEqual({ error: { code: "busy", message: "Too many requests are waiting for N-sight right now. Try again in a minute." } });
    // Sixty calls wait ahead at sixty a minute (in 61 s).
    expect(busy[0]!.headers.get("retry-after")).toBe("61");
    await until(() => budget.stats().inFlight === 0);
  });
});
