// What the shared cache level costs per read, against a hit in the process's own cache, all in one process.
import { SwrCache } from "../../lib/cache/swr-cache";
import { RedisLink } from "../../lib/cluster/redis-link";
import { decode, encode, SharedCache } from "../../lib/cluster/shared-cache";
import { CallBudget } from "../../lib/nsight/budget";
import { NsightClient } from "../../lib/nsight/client";
import { startTestRedis } from "../../lib/testing/redis-server";
import { SCENARIO } from "../../simulator/scenarios";
import { startSimulator } from "../../simulator/server";
import { median, printTable, saveResult, timeRuns } from "./util";

const KEY = "bench-key";
const TTL = 3_600_000;

export async function benchSharedCache(): Promise<void> {
  const [redis, sim] = await Promise.all([startTestRedis(), startSimulator({ port: 0, key: KEY, now: "2026-11-27T07:00:00Z", devices: 400 })]);
  const link = new RedisLink({ url: redis.url, account: "bench" });
  try {
    const client = new NsightClient({
      transport: { baseUrl: new URL(sim.url), apiKey: KEY, timeoutMs: 30_000, maxBodyBytes: 256 << 20, userAgent: "Mozilla/5.0 (bench)" },
      budget: new CallBudget({ perMinute: 60, maxConcurrent: 2 }),
    });
    const [clients, history] = await Promise.all([client.listClients(), client.listMobSessions(SCENARIO.hourlySqlServer)]);
    while (!link.up) await new Promise((resolve) => setTimeout(resolve, 20));

    const shared = new SharedCache(link, { claimMs: 30_000 });
    const local = new SwrCache({ maxWeight: 1_000_000, staleAfterMs: 3_000 });
    const read = (key: string, value: unknown) => {
      const options = { ttlMs: TTL, load: async () => value };
      return local.get(key, shared.wrap(local, key, options));
    };
    await read("clients", clients);
    await read("history", history);
    // The copies are written after the answer; the next read through the shared level waits for them.
    const throughShared = (key: string) => shared.load(key, { ttlMs: TTL, load: async () => Promise.reject(new Error("no copy")), signal: new AbortController().signal, origin: {} });
    await throughShared("history");

    const PER_RUN = 200;
    const localHit = await timeRuns(7, 1, async () => {
      for (let i = 0; i < PER_RUN; i++) await local.get("history", { ttlMs: TTL, load: async () => history });
    });
    const redisHitSmall = await timeRuns(7, 1, async () => {
      for (let i = 0; i < PER_RUN; i++) await throughShared("clients");
    });
    const redisHitHistory = await timeRuns(7, 1, () => throughShared("history"));
    const encodeHistory = await timeRuns(7, 1, () => encode({ at: 0, value: history }));
    const bytes = await encode({ at: 0, value: history });
    const decodeHistory = await timeRuns(7, 1, () => decode(bytes));
    const json = JSON.stringify(history);
    const jsonParse = await timeRuns(7, 1, () => JSON.parse(json));

    const perRead = (times: number[]) => (median(times) * 1_000) / PER_RUN;
    const result = {
      sessions: history.length,
      clients: clients.length,
      localHitUs: perRead(localHit),
      redisHitSmallUs: perRead(redisHitSmall),
      redisHitSmallRatio: perRead(redisHitSmall) / perRead(localHit),
      redisHitHistoryMs: median(redisHitHistory),
      encodeHistoryMs: median(encodeHistory),
      decodeHistoryMs: median(decodeHistory),
      jsonParseHistoryMs: median(jsonParse),
      decodeRatioToJsonParse: median(decodeHistory) / median(jsonParse),
      historyJsonBytes: Buffer.byteLength(json),
      historyStoredBytes: bytes.length,
      compressionRatio: Buffer.byteLength(json) / bytes.length,
    };
    saveResult("shared-cache", result);
    const us = (n: number) => `${n.toFixed(1)} µs`;
    const msOf = (n: number) => `${n.toFixed(1)} ms`;
    printTable("The shared cache level: cost per read, one process (medians of 7)", [
      ["local hit (SwrCache)", us(result.localHitUs)],
      [`Redis hit, ${clients.length} clients`, `${us(result.redisHitSmallUs)}: ${result.redisHitSmallRatio.toFixed(0)}x a local hit`],
      [`Redis hit, ${history.length} sessions`, msOf(result.redisHitHistoryMs)],
      ["encode the history (JSON + brotli 1)", msOf(result.encodeHistoryMs)],
      ["decode the history", `${msOf(result.decodeHistoryMs)}: ${result.decodeRatioToJsonParse.toFixed(2)}x a JSON.parse of it (${msOf(result.jsonParseHistoryMs)})`],
      ["history stored", `${(result.historyStoredBytes / 1024).toFixed(0)} kB of ${(result.historyJsonBytes / 1024).toFixed(0)} kB JSON: ${result.compressionRatio.toFixed(1)}x smaller`],
    ]);
  } finally {
    await link.close();
    await Promise.all([redis.close(), sim.close()]);
  }
}
