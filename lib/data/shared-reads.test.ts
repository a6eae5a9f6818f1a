import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCENARIO } from "../../simulator/scenarios";
import { startSimulator, type Simulator } from "../../simulator/server";
import { SwrCache } from "../cache/swr-cache";
import { RedisLink } from "../cluster/redis-link";
import { SharedCache } from "../cluster/shared-cache";
import { normaliseServer } from "../nsight/account";
import { CallBudget } from "../nsight/budget";
import { NsightClient } from "../nsight/client";
import { getCluster } from "../server/cluster";
import { getRuntime } from "../server/nsight";
import { startTestRedis, type TestRedis } from "../testing/redis-server";
import { cacheKey, readDeviceSessions } from "./cached-reads";

const KEY = "shared-reads-key";
let redis: TestRedis;
let sim: Simulator;
let other: { link: RedisLink; shared: SharedCache; cache: SwrCache; client: NsightClient };

beforeAll(async () => {
  [redis, sim] = await Promise.all([startTestRedis(), startSimulator({ port: 0, key: KEY, now: "2026-11-27T07:00:00Z", devices: 40 })]);
  process.env.NSIGHT_API_KEY = KEY;
  process.env.NSIGHT_SERVER = sim.url;
  process.env.REDIS_URL = redis.url;
  const link = new RedisLink({ url: redis.url, account: `${normaliseServer(new URL(sim.url))}|${KEY}` });
  other = {
    link,
    shared: new SharedCache(link, { claimMs: 5_000 }),
    cache: new SwrCache({ maxWeight: 100_000, staleAfterMs: 3_000 }),
    client: new NsightClient({
      transport: { baseUrl: new URL(sim.url), apiKey: KEY, timeoutMs: 10_000, maxBodyBytes: 64 << 20, userAgent: "Mozilla/5.0 (test)" },
      budget: new CallBudget({ perMinute: 60, maxConcurrent: 2 }),
    }),
  };
  const ours = getCluster().redis!;
  const deadline = Date.now() + 10_000;
  while (!(link.up && ours.up) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
});
afterAll(async () => {
  getRuntime().shared?.close();
  other?.shared.close();
  await Promise.all([getCluster().redis?.close(), other?.link.close()]);
  await Promise.all([redis?.close(), sim?.close()]);
  delete process.env.REDIS_URL;
});

const otherInstanceReads = (deviceId: string) => {
  const key = cacheKey.sessions(deviceId);
  const options = { ttlMs: getRuntime().config.sessionsTtlMs, load: (signal: AbortSignal) => other.client.listMobSessions(deviceId, { signal }) };
  return other.cache.get(key, other.shared.wrap(other.cache, key, options));
};

describe("cached reads with REDIS_URL", () => {
  it("read what another instance fetched, at its fetch time, without calling N-sight; and it reads theirs", async () => {
    const before = sim.stats().totalCalls;
    const theirs = await otherInstanceReads(SCENARIO.hourlySqlServer);
    const ours = await readDeviceSessions(SCENARIO.hourlySqlServer);
    expect(sim.stats().totalCalls - before).toBe(1);
    expect(ours).toEqual({ data: theirs.value, fetchedAt: theirs.fetchedAt, stale: false });

    // The refresher's background read here serves a viewer on the other instance.
    const refreshed = await readDeviceSessions(SCENARIO.failingStreak, { priority: "background" });
    const viewed = await otherInstanceReads(SCENARIO.failingStreak);
    expect(sim.stats().totalCalls - before).toBe(2);
    expect(viewed).toEqual({ value: refreshed.data, fetchedAt: refreshed.fetchedAt, stale: false });
  });

  it("never lets a max age go below 90 s: a second read at once asking for a 1 ms old copy costs N-sight nothing", async () => {
    const first = await readDeviceSessions(SCENARIO.singleSession, { priority: "background", maxAgeMs: 90_000 });
    const before = sim.stats().totalCalls;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const again = await readDeviceSessions(SCENARIO.singleSession, { priority: "background", maxAgeMs: 1 });
    expect(sim.stats().totalCalls).toBe(before);
    expect(again.fetchedAt).toBe(first.fetchedAt);
  });
});
