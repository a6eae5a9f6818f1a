import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SCENARIO } from "../../simulator/scenarios";
import { startSimulator, type Simulator } from "../../simulator/server";
import { SwrCache, type CacheHit } from "../cache/swr-cache";
import { CallBudget } from "../nsight/budget";
import { NsightClient } from "../nsight/client";
import { isNsightError, NsightError } from "../nsight/errors";
import { startTestRedis, type TestRedis } from "../testing/redis-server";
import type { BackupSession, Client } from "../types";
import { RedisLink } from "./redis-link";
import { decode, encode, SharedCache } from "./shared-cache";
import { until } from "../testing/until";

const KEY = "shared-cache-key";
const TTL = 60_000;
const CLAIM_MS = 600;
/** Long enough for a second instance to read within it on a busy machine. */
const SHORT_TTL = 1_000;
let redis: TestRedis;
let sim: Simulator;
const stacks: Stack[] = [];

beforeAll(async () => {
  [redis, sim] = await Promise.all([startTestRedis(), startSimulator({ port: 0, key: KEY, now: "2026-11-27T07:00:00Z", devices: 40 })]);
});
afterEach(async () => {
  redis.thaw();
  await Promise.all(stacks.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await Promise.all([redis?.close(), sim?.close()]);
});

/** One instance: its own in-process cache over the shared level, on its own connection, as cached-reads.ts wires them. */
class Stack {
  readonly cache = new SwrCache({ maxWeight: 100_000, staleAfterMs: 5_000 });
  readonly link: RedisLink;
  readonly shared: SharedCache;
  loads = 0;

  constructor(readonly account: string) {
    this.link = new RedisLink({ url: redis.url, account, commandTimeoutMs: 300, probeEveryMs: 100 });
    this.shared = new SharedCache(this.link, { claimMs: CLAIM_MS, pollMs: 50, failureHoldMs: 5_000 });
    stacks.push(this);
  }

  get<T>(key: string, load: () => Promise<T>, options: { ttlMs?: number; maxAgeMs?: number; background?: boolean } = {}): Promise<CacheHit<T>> {
    const local = {
      ttlMs: options.ttlMs ?? TTL,
      maxAgeMs: options.maxAgeMs,
      background: options.background,
      load: () => {
        this.loads++;
        return load();
      },
      cacheError: (error: unknown) => isNsightError(error) && error.kind === "not_found",
      refusedForAsker: (error: unknown) => isNsightError(error) && error.kind === "rate_limited",
    };
    return this.cache.get(key, this.shared.wrap(this.cache, key, local));
  }

  async close(): Promise<void> {
    this.shared.close();
    await this.link.close();
  }
}

let accounts = 0;
async function instances(count: number): Promise<Stack[]> {
  const account = `account-${++accounts}`;
  const made = Array.from({ length: count }, () => new Stack(account));
  await until(() => made.every((s) => s.link.up));
  return made;
}

const later = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));
const unavailable = () => new NsightError("unavailable", "N-sight did not answer.", { service: "list_mob_sessions", httpStatus: 503 });

describe("SharedCache across instances", () => {
  it("makes one N-sight call for concurrent gets on three instances, and none within the TTL, keeping the first fetch time", async () => {
    const [a, b, c] = await instances(3);
    const hits = await Promise.all([a!, b!, c!].flatMap((s) => Array.from({ length: 5 }, () => s.get("k", () => later(100, ["one"])))));
    expect(a!.loads + b!.loads + c!.loads).toBe(1);
    const fetchedAt = hits[0]!.fetchedAt;
    expect(hits.every((h) => h.value[0] === "one" && h.fetchedAt === fetchedAt && !h.stale)).toBe(true);

    const d = new Stack(a!.account);
    await until(() => d.link.up);
    const copy = await d.get("k", async () => ["two"]);
    expect(d.loads).toBe(0);
    expect(copy).toEqual({ value: ["one"], fetchedAt, stale: false });
  });

  it("shares the reads made as the instances start, before their links have connected", async () => {
    const account = `account-${++accounts}`;
    const starting = [new Stack(account), new Stack(account)];
    expect(starting.some((s) => s.link.up)).toBe(false);
    await Promise.all(starting.map((s) => s.get("k", () => later(50, "boot"))));
    expect(starting[0]!.loads + starting[1]!.loads).toBe(1);
  });

  it("loads again once the TTL has passed, on whichever instance asks first", async () => {
    const [a, b] = await instances(2);
    const first = await a!.get("k", async () => "one", { ttlMs: 300 });
    await later(350, null);
    const second = await b!.get("k", async () => "two", { ttlMs: 300 });
    expect([a!.loads, b!.loads]).toEqual([1, 1]);
    expect(second.value).toBe("two");
    expect(second.fetchedAt).toBeGreaterThan(first.fetchedAt);
  });

  it("refreshes a shared copy older than a reader's max age within the TTL, once across instances", async () => {
    const [a, b, c] = await instances(3);
    const first = await a!.get("k", async () => "one");
    await later(350, null);
    const [fresher, again] = await Promise.all([b!.get("k", () => later(50, "two"), { maxAgeMs: 300 }), c!.get("k", () => later(50, "three"), { maxAgeMs: 300 })]);
    expect(a!.loads + b!.loads + c!.loads).toBe(2);
    expect(again).toEqual(fresher);
    expect(fresher.fetchedAt).toBeGreaterThan(first.fetchedAt);
    // A reader without a max age takes the newest shared copy.
    const d = new Stack(a!.account);
    await until(() => d.link.up);
    expect(await d.get("k", async () => "four")).toMatchObject({ value: fresher.value, fetchedAt: fresher.fetchedAt });
    expect(d.loads).toBe(0);
  });

  it("loads on another instance when the claimant died before writing, once its claim has expired", async () => {
    const [dying, b] = await instances(2);
    void dying!.get("k", () => new Promise<string>(() => undefined)).catch(() => undefined);
    await until(() => dying!.loads === 1);
    const waiting = b!.get("k", async () => "mine");
    // The claimant's process ends: its claim is no longer renewed.
    await dying!.close();
    expect(await waiting).toMatchObject({ value: "mine", stale: false });
    expect(b!.loads).toBe(1);
  });

  it("keeps a live claimant's claim past its first term: the others wait for its answer instead of calling", async () => {
    const [slow, b] = await instances(2);
    const first = slow!.get("k", () => later(CLAIM_MS * 1.6, "slow"));
    await until(() => slow!.loads === 1);
    expect(await b!.get("k", async () => "b")).toMatchObject({ value: "slow" });
    expect(b!.loads).toBe(0);
    await first;
  });

  it("holds every instance after one sees N-sight fail: the others serve the last good copy, marked stale, without a call", async () => {
    const [a, b, c] = await instances(3);
    await a!.get("k", async () => "good", { ttlMs: SHORT_TTL });
    const fetchedAt = (await b!.get("k", async () => "b", { ttlMs: SHORT_TTL })).fetchedAt;
    await later(SHORT_TTL + 50, null);
    const failed = await a!.get("k", () => Promise.reject<string>(unavailable()), { ttlMs: SHORT_TTL });
    expect(failed).toMatchObject({ value: "good", fetchedAt, stale: true });
    const held = await b!.get("k", async () => "b", { ttlMs: SHORT_TTL });
    expect(held).toMatchObject({ value: "good", fetchedAt, stale: true });
    expect(held.refreshError).toMatchObject({ kind: "unavailable", message: "N-sight did not answer." });
    // An instance that never read it gets the shared copy, stale, rather than an error.
    expect(await c!.get("k", async () => "c", { ttlMs: SHORT_TTL })).toEqual({ value: "good", fetchedAt, stale: true });
    expect([a!.loads, b!.loads, c!.loads]).toEqual([2, 0, 0]);
  });

  it("does not hold the others when the asker was refused its share: the next instance loads", async () => {
    const [a, b] = await instances(2);
    const refused = new NsightError("rate_limited", "Your share of N-sight calls is used up.");
    await expect(a!.get("k", () => Promise.reject<string>(refused))).rejects.toBe(refused);
    expect(await b!.get("k", async () => "fresh")).toMatchObject({ value: "fresh", stale: false });
    expect(b!.loads).toBe(1);
  });

  it("shares an unknown id: the other instances answer not found without a call", async () => {
    const [a, b] = await instances(2);
    const gone = new NsightError("not_found", "N-sight does not know this device.", { service: "list_mob_sessions", errorCode: 4 });
    await expect(a!.get("k", () => Promise.reject<string>(gone))).rejects.toBe(gone);
    const shared = await b!.get("k", async () => "b").catch((error: unknown) => error);
    expect(shared).toMatchObject({ kind: "not_found", message: gone.message, errorCode: 4 });
    expect(isNsightError(shared)).toBe(true);
    expect(b!.loads).toBe(0);
  });

  it("keeps a request's malformed key out of Redis", async () => {
    const [a] = await instances(1);
    const hostile = `list_mob_sessions?deviceid=${"9".repeat(10_000)}`;
    const refused = new NsightError("bad_request", "Invalid deviceid.");
    const keysNow = () => a!.link.run((r) => r.keys(`${a!.link.prefix}*`));
    let duringLoad: string[] = [];
    const load = async () => {
      duringLoad = await keysNow();
      throw refused;
    };
    await expect(a!.get(hostile, load)).rejects.toBe(refused);
    expect(duringLoad.every((k) => k.length < 300)).toBe(true);
    expect([...duringLoad, ...(await keysNow())].every((k) => k.length < 300)).toBe(true);
  });

  it("shares what the background refresher read: a viewer on another instance reads its copy", async () => {
    const [leader, viewer] = await instances(2);
    const read = await leader!.get("k", async () => "health", { background: true });
    expect(await viewer!.get("k", async () => "again")).toEqual({ value: "health", fetchedAt: read.fetchedAt, stale: false });
    expect(viewer!.loads).toBe(0);
  });

  it("answers from the loader and its own cache while Redis is frozen, instead of waiting for it", async () => {
    const [a, b] = await instances(2);
    await a!.get("k", async () => "shared", { ttlMs: 300 });
    await later(350, null);
    redis.freeze();
    // Each fails its first command within the command timeout; the next go straight to N-sight.
    expect(await a!.get("k", async () => "a", { ttlMs: 300 })).toMatchObject({ value: "a", stale: false });
    expect(await b!.get("k", async () => "b", { ttlMs: 300 })).toMatchObject({ value: "b", stale: false });
    expect(await b!.get("other", async () => "o")).toMatchObject({ value: "o", stale: false });
    expect(b!.link.up).toBe(false);
    redis.thaw();
    await until(() => a!.link.up && b!.link.up);
    expect(await a!.get("next", async () => "n")).toMatchObject({ value: "n" });
    expect(await b!.get("next", async () => "m")).toMatchObject({ value: "n" });
  });

  it("works alone while Redis is stopped, and shares again when it returns", async () => {
    const [a, b] = await instances(2);
    await redis.stop();
    await until(() => !a!.link.up && !b!.link.up);
    expect(await a!.get("k", async () => "a")).toMatchObject({ value: "a" });
    expect(await b!.get("k", async () => "b")).toMatchObject({ value: "b" });
    await redis.start();
    await until(() => a!.link.up && b!.link.up);
    await a!.get("k2", async () => "a");
    expect(await b!.get("k2", async () => "b")).toMatchObject({ value: "a" });
  });
});

describe("SharedCache encoding", () => {
  const realClient = () =>
    new NsightClient({
      transport: { baseUrl: new URL(sim.url), apiKey: KEY, timeoutMs: 10_000, maxBodyBytes: 256 << 20, userAgent: "Mozilla/5.0 (test)" },
      budget: new CallBudget({ perMinute: 60, maxConcurrent: 2 }),
    });

  it("stores a realistic session history much smaller than its JSON, and reads it back exactly", async () => {
    const sessions: BackupSession[] = await realClient().listMobSessions(SCENARIO.hourlySqlServer);
    const record = { at: 1_764_000_000_123, value: sessions };
    const bytes = await encode(record);
    const json = Buffer.byteLength(JSON.stringify(record));
    console.info(`${sessions.length} sessions: JSON ${json} B, stored ${bytes.length} B, ratio ${(json / bytes.length).toFixed(1)}`);
    expect(sessions.length).toBeGreaterThan(5_000);
    expect(bytes.length * 5).toBeLessThan(json);
    expect(await decode(bytes)).toStrictEqual(record);
  });

  it("reads back inventories and odd values exactly: nulls, absent fields, negative zero, big counts, any string", async () => {
    const clients: Client[] = await realClient().listClients();
    const odd: BackupSession = {
      ...(await realClient().listMobSessions(SCENARIO.hourlySqlServer))[0]!,
      storageAccountId: null,
      start: null,
      durationSeconds: null,
      sizeChange: -0,
      selectionSize: Number.MAX_SAFE_INTEGER,
      status: "\u0000-0",
      plugin: "\u0000\u0000x <b>\ud800 é 💾",
      unknownValues: ["status", "plugin"],
    };
    const record = { at: 1, value: { clients, odd } };
    const back = await decode(await encode(record));
    expect(back).toStrictEqual(record);
    expect(Object.is((back as { value: { odd: BackupSession } }).value.odd.sizeChange, -0)).toBe(true);
    expect(Object.keys((back as { value: { odd: BackupSession } }).value.odd)).toEqual(Object.keys(odd));
  });

  it("treats bytes it cannot read as no copy at all", async () => {
    expect(await decode(Buffer.from("not brotli"))).toBeUndefined();
  });
});
