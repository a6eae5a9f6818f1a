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

const KEY = "fair-shares-key";
/** Long enough that the first principal's calls are still in flight and queued when the second asks. */
const LATENCY_MS = 1_000;
let sim: Simulator;
let dataDir: string;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, key: KEY, now: "2026-11-27T07:00:00Z", latencyMs: LATENCY_MS, devices: 150 });
  dataDir = mkdtempSync(join(tmpdir(), "fair-shares-"));
  process.env.NSIGHT_API_KEY = KEY;
  process.env.NSIGHT_SERVER = sim.url;
  process.env.NSIGHT_DEMO = "0";
  process.env.DATA_DIR = dataDir;
});
afterAll(async () => {
  await sim.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const history = (deviceId: string, cookie: string) =>
  GET(new Request(`http://localhost/api/devices/${deviceId}/history`, { headers: { cookie } }), { params: Promise.resolve({ deviceId }) });

const devicesAsked = () => sim.stats().requests.map((r) => r.params.deviceid);

describe("fair shares of the call budget", () => {
  it("give one principal a third of the minute, answer the rest 429, and send another principal's call next", async () => {
    const { budget, config } = getRuntime();
    const a = await signedInUser("a@example.com", "technician");
    const b = await signedInUser("b@example.com", "technician");
    const c = await signedInUser("c@example.com", "technician");
    const share = config.callsPerPrincipal;
    expect(share).toBe(20);
    const devices = sim.fleet.devices.slice(FIXED_DEVICE_COUNT, FIXED_DEVICE_COUNT + 101).map((d) => d.id);
    const pagedByA = devices.slice(0, 100);
    const forB = devices[100]!;

    let answered = 0;
    const answersToA = pagedByA.map((id) =>
      history(id, a.cookie).then((response) => {
        answered++;
        return response;
      }),
    );
    await until(() => answered === pagedByA.length - share, 15_000);
    const refused = (await Promise.all(answersToA.slice(share))).filter((r) => r.status === 429);
    expect(refused).toHaveLength(pagedByA.length - share);
    expect(await refused[0]!.json()).toEqual({
      error: { code: "rate_limited", message: "You have used your share of this minute's N-sight calls. What was read already still opens; try again shortly." },
    });
    expect(Number(refused[0]!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(refused[0]!.headers.get("retry-after"))).toBeLessThanOrEqual(61);

    expect(budget.stats().queued).toBeGreaterThan(0);
    const sentBeforeB = budget.stats().startedLastMinute;
    const answerToB = history(forB, b.cookie);
    const answerToC = history(pagedByA[share - 1]!, c.cookie);
    expect((await answerToB).status).toBe(200);
    const sentAhead = devicesAsked().indexOf(forB) - sentBeforeB;
    expect(sentAhead).toBeGreaterThanOrEqual(0);
    expect(sentAhead).toBeLessThan(config.maxConcurrent);

    expect((await answerToC).status).toBe(200);
    expect(budget.askers.used(`user:${c.id}`, Date.now())).toBe(0);
    for (const response of await Promise.all(answersToA.slice(0, share))) expect(response.status).toBe(200);
    const askedOfSim = devicesAsked();
    expect(askedOfSim.filter((id) => pagedByA.includes(id!))).toHaveLength(share);
    expect(askedOfSim).toHaveLength(share + 1);

    const again = await history(pagedByA[0]!, a.cookie);
    expect(again.status).toBe(200);
    expect(sim.stats().totalCalls).toBe(share + 1);
    expect((await history(devices[0]!, a.cookie)).status).toBe(200);
  });
});
