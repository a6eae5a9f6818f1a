import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { CallPriority } from "../nsight/budget";
import { startTestRedis, type TestRedis } from "../testing/redis-server";
import { RedisLink } from "./redis-link";
import { SharedBudget, type SharedBudgetOptions } from "./shared-budget";
import { until } from "../testing/until";

// A compressed minute: 10 calls per 1.5 s window, three in flight, three instances.
const LIMIT = 10;
const WINDOW_MS = 1_500;
const MAX_CONCURRENT = 3;
// Starts are recorded when the task runs, a little after Redis admitted them: the oracle allows that much.
const JITTER_MS = 300;

let redis: TestRedis;
let accounts = 0;
const opened: { links: RedisLink[]; budgets: SharedBudget[] }[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
});
afterEach(async () => {
  redis.thaw();
  for (const { links, budgets } of opened.splice(0)) {
    for (const budget of budgets) budget.close();
    for (const link of links) await link.close();
  }
});
afterAll(async () => {
  await redis?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `count` instances of one account, each with its own link to Redis, as separate processes would have. */
async function instances(count: number, options: Partial<SharedBudgetOptions> = {}) {
  const account = `budget-test-${++accounts}`;
  const links = Array.from({ length: count }, () => new RedisLink({ url: redis.url, account, commandTimeoutMs: 300, probeEveryMs: 100 }));
  opened.push({ links, budgets: [] });
  await until(() => links.every((link) => link.up));
  const budgets = links.map(
    (link, i) =>
      new SharedBudget({
        link,
        instanceId: `instance-${i}`,
        perMinute: LIMIT,
        maxConcurrent: MAX_CONCURRENT,
        maxInstances: 3,
        callTimeoutMs: 1_000,
        windowMs: WINDOW_MS,
        pollMs: 200,
        ...options,
      }),
  );
  opened[opened.length - 1]!.budgets.push(...budgets);
  return { links, budgets, raw: links[0]! };
}

/** The most starts in any span of `spanMs`: an oracle of its own, from the start times alone. */
function mostInAnySpan(starts: number[], spanMs: number): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let most = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while (sorted[last]! - sorted[first]! >= spanMs) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

/** A task that notes when it started and how many tasks of every instance ran at once. */
function recorder() {
  const starts: { at: number; priority: CallPriority; instance: number }[] = [];
  let inFlight = 0;
  let peak = 0;
  const task = (instance: number, priority: CallPriority, ms = 20 + Math.random() * 60) => async () => {
    starts.push({ at: Date.now(), priority, instance });
    inFlight++;
    peak = Math.max(peak, inFlight);
    await sleep(ms);
    inFlight--;
    return instance;
  };
  return { starts, task, peak: () => peak };
}

describe("SharedBudget", () => {
  it("three instances together never start more than the limit in any window, nor hold more than maxConcurrent in flight", async () => {
    const { budgets } = await instances(3, { maxQueuedInteractive: 20 });
    const { starts, task, peak } = recorder();
    const all = budgets.flatMap((budget, i) => [
      ...Array.from({ length: 12 }, () => budget.run(task(i, "interactive"))),
      ...Array.from({ length: 3 }, () => budget.run(task(i, "background"), "background")),
    ]);
    await Promise.all(all);
    expect(starts).toHaveLength(45);
    expect(mostInAnySpan(starts.map((s) => s.at), WINDOW_MS - JITTER_MS)).toBeLessThanOrEqual(LIMIT);
    expect(peak()).toBeLessThanOrEqual(MAX_CONCURRENT);
    expect(budgets.map((b) => b.mode)).toEqual(["shared", "shared", "shared"]);
  });

  it("a pause set by one instance (a 429) holds every instance", async () => {
    const { budgets, raw } = await instances(3);
    const { starts, task } = recorder();
    const pausedAt = Date.now();
    budgets[0]!.pause(600);
    let pauseSeen = false;
    await until(() => {
      void raw.run((r) => r.pttl(raw.key("budget:pause"))).then((ms) => (pauseSeen = ms > 0));
      return pauseSeen;
    });
    await Promise.all([budgets[1]!.run(task(1, "interactive")), budgets[2]!.run(task(2, "interactive"))]);
    for (const start of starts) expect(start.at - pausedAt).toBeGreaterThanOrEqual(550);
  });

  it("serves people on every instance before background work, which waits while anyone waits", async () => {
    // A window far from full: only the reserve for people waiting (here for a free slot) holds background work back.
    const { budgets } = await instances(3, { perMinute: 30 });
    const { starts, task } = recorder();
    const background = Array.from({ length: 20 }, () => budgets[0]!.run(task(0, "background"), "background"));
    await until(() => starts.length >= 2);
    const people = [1, 2].flatMap((i) => Array.from({ length: 4 }, () => budgets[i]!.run(task(i, "interactive", 300))));
    await Promise.all(people);
    const interactive = starts.filter((s) => s.priority === "interactive").map((s) => s.at);
    const first = Math.min(...interactive);
    const last = Math.max(...interactive);
    // One background call may have been admitted just before the first person's ask reached Redis.
    const backgroundAmongPeople = starts.filter((s) => s.priority === "background" && s.at > first && s.at < last);
    expect(backgroundAmongPeople.length).toBeLessThanOrEqual(1);
    await Promise.all(background);
  });

  it("gives a crashed instance's slots back once their calls' timeout has passed", async () => {
    const { budgets, links } = await instances(2, { callTimeoutMs: 400, slotMarginMs: 100 });
    const { starts, task } = recorder();
    const never = () => new Promise<never>(() => undefined);
    for (let i = 0; i < MAX_CONCURRENT; i++) void budgets[0]!.run(async () => (starts.push({ at: Date.now(), priority: "interactive", instance: 0 }), never()));
    await until(() => starts.length === MAX_CONCURRENT);
    const heldFrom = Math.min(...starts.map((s) => s.at));
    // The instance dies without releasing anything.
    budgets[0]!.close();
    await links[0]!.close();
    await budgets[1]!.run(task(1, "interactive"));
    const survivor = starts.find((s) => s.instance === 1)!;
    expect(survivor.at - heldFrom).toBeGreaterThanOrEqual(400);
  });

  it("removes a waiting call whose caller left, and refuses calls beyond the queue's bound", async () => {
    const { budgets } = await instances(1, { perMinute: 1, maxQueuedInteractive: 2 });
    const budget = budgets[0]!;
    await budget.run(async () => "first");
    const leaving = new AbortController();
    const gone = budget.run(async () => "never", "interactive", leaving.signal);
    const waiting = budget.run(async () => "later");
    await expect(budget.run(async () => "refused")).rejects.toMatchObject({ kind: "busy" });
    leaving.abort(new Error("gone"));
    await expect(gone).rejects.toThrow("gone");
    expect(budget.stats().queued).toBe(1);
    await expect(waiting).resolves.toBe("later");
  });

  it("without Redis, each instance refuses at once until a window has passed, then allows itself limit / maxInstances, never background work, and rejoins when Redis is back", async () => {
    const windowMs = 2_000;
    const { budgets } = await instances(3, { windowMs });
    await redis.stop();
    const lostAt = Date.now();
    await until(() => budgets.every((b) => b.mode === "island"));
    let ran = false;
    await expect(budgets[0]!.run(async () => (ran = true), "background")).rejects.toMatchObject({ kind: "busy" });
    // The shared window may have been full when Redis went away: nothing starts before it has passed.
    await expect(budgets[1]!.run(async () => (ran = true), "interactive")).rejects.toMatchObject({ kind: "busy" });
    expect(ran).toBe(false);
    expect(budgets[0]!.stats().pausedForMs).toBeGreaterThan(0);
    await sleep(Math.max(0, lostAt + windowMs + 100 - Date.now()));
    const { starts, task } = recorder();
    const all = await Promise.allSettled(budgets.flatMap((budget, i) => Array.from({ length: 4 }, () => budget.run(task(i, "interactive", 5)))));
    // floor(10 / 3) = 3 per instance in the window: the fourth of each is refused at once, not queued for a window.
    for (const instance of [0, 1, 2]) expect(starts.filter((s) => s.instance === instance)).toHaveLength(3);
    expect(all.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason.kind)).toEqual(["busy", "busy", "busy"]);
    await redis.start();
    await until(() => budgets.every((b) => b.mode === "shared"));
  });

  it("an island starts nothing in the window Redis was lost in, so losing Redis never adds calls on top of a full window", async () => {
    const windowMs = 3_000;
    const { budgets } = await instances(3, { windowMs });
    const { starts, task } = recorder();
    // The third instance last looked when the window held one call; the others filled it after.
    await budgets[2]!.run(task(2, "interactive", 5));
    for (let round = 0; round < 4; round++) for (const i of [0, 1]) await budgets[i]!.run(task(i, "interactive", 5));
    await redis.stop();
    await until(() => budgets.every((b) => b.mode === "island"));
    const deadline = Date.now() + windowMs + 500;
    while (Date.now() < deadline) {
      await Promise.allSettled(budgets.map((budget, i) => budget.run(task(i, "interactive", 5))));
      await sleep(100);
    }
    expect(mostInAnySpan(starts.map((s) => s.at), windowMs - JITTER_MS)).toBeLessThanOrEqual(LIMIT);
    // After the window, each island had its share again.
    expect(starts.length).toBeGreaterThan(9);
    await redis.start();
  });

  it("the first island back counts the others' shares too, so calls it admits before they write theirs never exceed the window", async () => {
    const windowMs = 2_000;
    const { budgets, links } = await instances(3, { windowMs });
    const { starts, task } = recorder();
    await redis.stop();
    const lostAt = Date.now();
    await until(() => budgets.every((b) => b.mode === "island"));
    await sleep(Math.max(0, lostAt + windowMs + 100 - Date.now()));
    await Promise.allSettled(budgets.flatMap((budget, i) => Array.from({ length: 3 }, () => budget.run(task(i, "interactive", 5)))));
    expect(starts).toHaveLength(9);
    // The other two never come back (cut off for good): only the first instance writes what it spent.
    for (const link of links.slice(1)) await link.close();
    await redis.start();
    await until(() => budgets[0]!.mode === "shared");
    await Promise.allSettled(Array.from({ length: LIMIT }, () => budgets[0]!.run(task(0, "interactive", 5))));
    expect(mostInAnySpan(starts.map((s) => s.at), windowMs - JITTER_MS)).toBeLessThanOrEqual(LIMIT);
  });

  it("puts its calls back into the window when Redis restarts empty, so a restart never lets a second window's calls in", async () => {
    const windowMs = 4_000;
    const { budgets } = await instances(2, { windowMs });
    const { starts, task } = recorder();
    for (let i = 0; i < LIMIT / 2; i++) await Promise.all(budgets.map((budget, b) => budget.run(task(b, "interactive", 5))));
    await redis.stop();
    await redis.start();
    await until(() => budgets.every((b) => b.mode === "shared"));
    await Promise.allSettled(budgets.flatMap((budget, b) => Array.from({ length: 3 }, () => budget.run(task(b, "interactive", 5)))));
    expect(starts).toHaveLength(LIMIT + 6);
    expect(mostInAnySpan(starts.map((s) => s.at), windowMs - JITTER_MS)).toBeLessThanOrEqual(LIMIT);
  });

  it("puts a 429's pause back when Redis restarts empty, for every instance", async () => {
    const { budgets } = await instances(2);
    budgets[0]!.pause(2_500);
    const pausedAt = Date.now();
    await redis.stop();
    await redis.start();
    await until(() => budgets.every((b) => b.mode === "shared"));
    const { starts, task } = recorder();
    await budgets[1]!.run(task(1, "interactive", 5));
    expect(starts[0]!.at - pausedAt).toBeGreaterThanOrEqual(2_500 - JITTER_MS);
  });

  it("holds one person to their fair share across all instances, not to a share on each", async () => {
    const { budgets } = await instances(2, { perAsker: 4, windowMs: 3_000, maxQueuedInteractive: 20 });
    const { starts, task } = recorder();
    const alice = await Promise.allSettled(budgets.flatMap((budget, b) => Array.from({ length: 3 }, () => budget.run(task(b, "interactive", 5), "interactive", undefined, "alice"))));
    expect(alice.filter((r) => r.status === "fulfilled")).toHaveLength(4);
    expect(alice.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason)).toEqual([
      expect.objectContaining({ kind: "rate_limited", retryAfterMs: expect.any(Number) }),
      expect.objectContaining({ kind: "rate_limited", retryAfterMs: expect.any(Number) }),
    ]);
    // Someone else is not held back by her calls.
    const bob = await Promise.allSettled(budgets.flatMap((budget, b) => Array.from({ length: 2 }, () => budget.run(task(b, "interactive", 5), "interactive", undefined, "bob"))));
    expect(bob.every((r) => r.status === "fulfilled")).toBe(true);
    expect(starts).toHaveLength(8);
  });

  it("counts a call in the window from when it ended, so a call N-sight saw late never lets the next window in early", async () => {
    const windowMs = 1_500;
    const { budgets } = await instances(1, { windowMs, maxConcurrent: LIMIT });
    const runs: { start: number; end: number }[] = [];
    const slow = (ms: number) => async () => {
      const run = { start: Date.now(), end: 0 };
      runs.push(run);
      await sleep(ms);
      run.end = Date.now();
    };
    await Promise.all(Array.from({ length: LIMIT }, () => budgets[0]!.run(slow(700))));
    await budgets[0]!.run(slow(5));
    const first = runs[0]!;
    const next = runs[LIMIT]!;
    expect(next.start - first.end).toBeGreaterThanOrEqual(windowMs - JITTER_MS);
  });

  it("never hangs on a frozen Redis, and counts the calls made meanwhile when it thaws", async () => {
    const windowMs = 4_000;
    const { budgets } = await instances(3, { windowMs });
    const { starts, task } = recorder();
    redis.freeze();
    const frozenAt = Date.now();
    const settled = await Promise.allSettled(budgets.flatMap((budget, i) => Array.from({ length: 3 }, () => budget.run(task(i, "interactive", 5)))));
    // The link's command timeout (300 ms), then a refusal: nowhere near the freeze.
    expect(Date.now() - frozenAt).toBeLessThan(5_000);
    expect(settled.every((r) => r.status === "rejected" && (r.reason as { kind?: string }).kind === "busy")).toBe(true);
    expect(budgets.map((b) => b.mode)).toEqual(["island", "island", "island"]);
    redis.thaw();
    await until(() => budgets.every((b) => b.mode === "shared"));
    await Promise.all(budgets.flatMap((budget, i) => Array.from({ length: 3 }, () => budget.run(task(i, "interactive", 5)))));
    expect(starts).toHaveLength(9);
    expect(mostInAnySpan(starts.map((s) => s.at), windowMs - JITTER_MS)).toBeLessThanOrEqual(LIMIT);
  });
});
