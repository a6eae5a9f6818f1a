import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { UpstreamHealth } from "../fleet/types";
import { UpstreamTracker } from "../nsight/upstream-health";
import { startTestRedis, type TestRedis } from "../testing/redis-server";
import { until } from "../testing/until";
import { RedisLink } from "./redis-link";
import { mergeUpstream, SharedUpstream } from "./shared-upstream";

const T0 = Date.parse("2026-11-30T12:00:00Z");
const at = (s: number) => new Date(T0 + s * 1_000).toISOString();
const ok = (lastOk: number): UpstreamHealth => ({ status: "ok", lastOkAt: at(lastOk), failingSince: null, lastProblem: null, problem: null });
const unknown: UpstreamHealth = { status: "unknown", lastOkAt: null, failingSince: null, lastProblem: null, problem: null };
const failing = (since: number, lastOk: number | null, problem: "unreachable" | "auth" = "unreachable"): UpstreamHealth => ({
  status: "failing",
  lastOkAt: lastOk === null ? null : at(lastOk),
  failingSince: at(since),
  lastProblem: problem === "auth" ? "N-sight refused the API key" : "N-sight could not be reached",
  problem,
});

describe("mergeUpstream: several instances' views of N-sight as one", () => {
  it("takes the newest success anywhere, and is unknown only when every view is", () => {
    expect(mergeUpstream([unknown, ok(10), ok(40)])).toEqual(ok(40));
    expect(mergeUpstream([unknown, unknown])).toEqual(unknown);
  });

  it("believes a failure that began after the newest success, with the earliest such start", () => {
    expect(mergeUpstream([ok(10), failing(20, 5), failing(30, 10)])).toEqual({ ...failing(20, 10), lastOkAt: at(10) });
  });

  it("forgets a failure when another instance succeeded after it began: N-sight answers again", () => {
    expect(mergeUpstream([failing(20, 5), ok(25)])).toEqual(ok(25));
  });

  it("says the key was refused when any failing view says so, since the earliest failure", () => {
    const merged = mergeUpstream([failing(20, 5), failing(30, 5, "auth")]);
    expect(merged).toMatchObject({ status: "failing", problem: "auth", lastProblem: "N-sight refused the API key", failingSince: at(20), lastOkAt: at(5) });
  });
});

describe("SharedUpstream over a real Redis", () => {
  let redis: TestRedis;
  const links: RedisLink[] = [];
  const shared: SharedUpstream[] = [];
  let stopped = false;
  beforeAll(async () => {
    redis = await startTestRedis();
  }, 30_000);
  afterEach(async () => {
    for (const s of shared.splice(0)) s.stop();
    await Promise.all(links.splice(0).map((l) => l.close()));
    if (stopped) await redis.start();
    stopped = false;
  });
  afterAll(async () => {
    await redis?.close();
  });

  async function instance(account: string, id: string, clock: { now: number }) {
    const link = new RedisLink({ url: redis.url, account, commandTimeoutMs: 300, probeEveryMs: 100 });
    links.push(link);
    await until(() => link.up);
    const tracker = new UpstreamTracker(() => clock.now);
    const view = new SharedUpstream(link, id, () => tracker.snapshot(), () => clock.now);
    shared.push(view);
    return { link, tracker, view };
  }

  it("shows a follower that made no call what the leader sees: its successes, then its outage", async () => {
    const clock = { now: T0 };
    const leader = await instance("upstream-a", "leader", clock);
    const follower = await instance("upstream-a", "follower", clock);
    leader.tracker.record({ outcome: "ok", service: "list_mob_sessions", params: { deviceid: "1" } });
    await leader.view.sync();
    expect(follower.view.snapshot().status).toBe("unknown");
    await follower.view.sync();
    expect(follower.view.snapshot()).toEqual(ok(0));

    clock.now = T0 + 60_000;
    leader.tracker.record({ outcome: "unavailable", service: "list_clients", params: {} });
    await leader.view.sync();
    await follower.view.sync();
    expect(follower.view.snapshot()).toMatchObject({ status: "failing", problem: "unreachable", failingSince: at(60), lastOkAt: at(0) });
  });

  it("falls back to its own view once the others' go unheard (Redis away), and drops unreadable or dead instances' fields", async () => {
    const clock = { now: T0 };
    const leader = await instance("upstream-b", "leader", clock);
    const follower = await instance("upstream-b", "follower", clock);
    leader.tracker.record({ outcome: "ok", service: "list_clients", params: {} });
    await leader.view.sync();
    const key = leader.link.key("upstream");
    await leader.link.run((r) => r.hset(key, "hostile", '{"at":1e99,"health":{"status":"<b>ok</b>"}}', "gone", JSON.stringify({ at: T0 - 10 * 60_000, health: ok(-600) })));
    await follower.view.sync();
    expect(follower.view.snapshot()).toEqual(ok(0));
    expect(Object.keys(await leader.link.run((r) => r.hgetall(key))).sort()).toEqual(["follower", "leader"]);

    await redis.stop();
    stopped = true;
    clock.now = T0 + 31_000;
    await follower.view.sync();
    expect(follower.view.snapshot()).toEqual(unknown);
  });
});
