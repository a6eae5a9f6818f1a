import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestRedis, type TestRedis } from "../testing/redis-server";
import { LeaderLease, type DemotionReason } from "./leader-lease";
import { RedisLink } from "./redis-link";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.close();
});

const TTL_MS = 1_500;
const TRY_MS = 300;

interface Member {
  name: string;
  link: RedisLink;
  lease: LeaderLease;
  elected: number[];
  demoted: DemotionReason[];
}

const members: Member[] = [];
let account = 0;

afterEach(async () => {
  for (const m of members.splice(0)) {
    m.lease.abandon();
    await m.link.close();
  }
});

function group(size: number, over: { tryEveryMs?: number } = {}): Member[] {
  account++;
  return Array.from({ length: size }, (_, i) => {
    const link = new RedisLink({ url: redis.url, account: `lease-${account}`, commandTimeoutMs: 300, probeEveryMs: 100 });
    const lease = new LeaderLease({ link, instanceId: `i${i}`, ttlMs: TTL_MS, tryEveryMs: over.tryEveryMs ?? TRY_MS });
    const member: Member = { name: `i${i}`, link, lease, elected: [], demoted: [] };
    lease.on({ elected: (fence) => void member.elected.push(fence), demoted: (reason) => void member.demoted.push(reason) });
    members.push(member);
    return member;
  });
}

/** Samples who counts itself leader every 10 ms until `done`; fails on any moment with two. */
async function watch(all: Member[], done: () => boolean, timeoutMs = 15_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    const leaders = all.filter((m) => m.lease.isLeader).map((m) => m.name);
    if (leaders.length > 1) throw new Error(`two leaders at once: ${leaders.join(", ")}`);
    if (done()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const leaderOf = (all: Member[]) => all.find((m) => m.lease.isLeader);

describe("LeaderLease", () => {
  it("elects exactly one of three, and keeps it through many renewals", async () => {
    const all = group(3);
    for (const m of all) m.lease.start();
    await watch(all, () => leaderOf(all) !== undefined);
    const first = leaderOf(all)!;
    let samples = 0;
    // Three lease lives: the holder renews, nobody else is ever elected.
    await watch(all, () => ++samples > 300);
    expect(leaderOf(all)).toBe(first);
    expect(all.flatMap((m) => m.elected)).toHaveLength(1);
  });

  it("hands over after the holder dies without releasing, with a greater fence", async () => {
    const all = group(3);
    for (const m of all) m.lease.start();
    await watch(all, () => leaderOf(all) !== undefined);
    const dead = leaderOf(all)!;
    const oldFence = dead.lease.status().fence!;
    dead.lease.abandon();
    await dead.link.close();
    const rest = all.filter((m) => m !== dead);
    const takeoverMs = await watch(rest, () => leaderOf(rest) !== undefined);
    const next = leaderOf(rest)!;
    expect(next.lease.status().fence).toBeGreaterThan(oldFence);
    console.info(`takeover after the holder died: ${takeoverMs} ms (ttl ${TTL_MS} ms, try every ${TRY_MS} ms)`);
  });

  it("hands over at once on release: the notice, not the next try, wakes a follower", async () => {
    // Followers that would otherwise try only once a minute.
    const all = group(3, { tryEveryMs: 60_000 });
    for (const m of all) m.lease.start();
    await watch(all, () => leaderOf(all) !== undefined);
    const leaving = leaderOf(all)!;
    await leaving.lease.stop();
    expect(leaving.demoted).toEqual(["stopped"]);
    const rest = all.filter((m) => m !== leaving);
    const handoverMs = await watch(all, () => leaderOf(rest) !== undefined, 10_000);
    expect(leaderOf(rest)!.lease.status().fence).toBeGreaterThan(leaving.lease.status().fence!);
    console.info(`handover on release: ${handoverMs} ms`);
  });

  it("a holder that cannot reach a frozen Redis steps down on its own deadline; after the thaw there is one leader again", async () => {
    const all = group(3);
    for (const m of all) m.lease.start();
    await watch(all, () => leaderOf(all) !== undefined);
    const holder = leaderOf(all)!;
    redis.freeze();
    try {
      await watch(all, () => holder.demoted.length > 0);
      expect(holder.demoted).toEqual(["deadline"]);
      expect(leaderOf(all)).toBeUndefined();
      // Past the lease's life in Redis: nobody may have taken it meanwhile.
      await new Promise((resolve) => setTimeout(resolve, TTL_MS));
      expect(leaderOf(all)).toBeUndefined();
    } finally {
      redis.thaw();
    }
    const recoveredMs = await watch(all, () => leaderOf(all) !== undefined);
    let samples = 0;
    await watch(all, () => ++samples > 100);
    console.info(`one leader again ${recoveredMs} ms after the thaw`);
  });
});
