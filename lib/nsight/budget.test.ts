import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CallBudget } from "./budget";

beforeEach(() => vi.useFakeTimers({ now: 0 }));
afterEach(() => vi.useRealTimers());

function timedTask(starts: number[], ms = 10) {
  return () => {
    starts.push(Date.now());
    return new Promise<void>((resolve) => setTimeout(resolve, ms));
  };
}

describe("CallBudget", () => {
  it("never starts more than perMinute calls in any 60 s window (with a second to spare)", async () => {
    const budget = new CallBudget({ perMinute: 60, maxConcurrent: 4, maxQueuedInteractive: 200 });
    const starts: number[] = [];
    const all = Array.from({ length: 200 }, () => budget.run(timedTask(starts)));
    await vi.advanceTimersByTimeAsync(4 * 60_000);
    await Promise.all(all);
    expect(starts).toHaveLength(200);
    for (let i = 60; i < starts.length; i++) {
      // The call 60 places earlier must have started at least a minute and a second before.
      expect(starts[i]! - starts[i - 60]!).toBeGreaterThanOrEqual(61_000);
    }
  });

  it("holds no more than maxConcurrent calls in flight", async () => {
    const budget = new CallBudget({ perMinute: 60, maxConcurrent: 3 });
    let inFlight = 0;
    let peak = 0;
    const task = async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 500));
      inFlight--;
    };
    const all = Array.from({ length: 12 }, () => budget.run(task));
    await vi.advanceTimersByTimeAsync(5_000);
    await Promise.all(all);
    expect(peak).toBe(3);
  });

  it("serves waiting interactive calls before background ones, each in arrival order", async () => {
    const budget = new CallBudget({ perMinute: 60, maxConcurrent: 1 });
    const order: string[] = [];
    const task = (name: string) => async () => {
      order.push(name);
      await new Promise((resolve) => setTimeout(resolve, 10));
    };
    const all = [
      budget.run(task("b1"), "background"),
      budget.run(task("b2"), "background"),
      budget.run(task("i1"), "interactive"),
      budget.run(task("i2"), "interactive"),
    ];
    await vi.advanceTimersByTimeAsync(5_000);
    await Promise.all(all);
    expect(order).toEqual(["b1", "i1", "i2", "b2"]);
  });

  it("keeps one slot free for interactive calls however many background calls wait", async () => {
    const budget = new CallBudget({ perMinute: 60, maxConcurrent: 3 });
    let background = 0;
    let peakBackground = 0;
    const slow = async () => {
      background++;
      peakBackground = Math.max(peakBackground, background);
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      background--;
    };
    const queued = Array.from({ length: 6 }, () => budget.run(slow, "background"));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(peakBackground).toBe(2);
    const started: number[] = [];
    const page = budget.run(async () => started.push(Date.now()), "interactive");
    await vi.advanceTimersByTimeAsync(1);
    await page;
    expect(started[0]).toBeLessThan(6_000);
    await vi.advanceTimersByTimeAsync(40_000);
    await Promise.all(queued);
  });

  it("paces background calls evenly over the minute instead of sending them in a burst", async () => {
    const budget = new CallBudget({ perMinute: 60, maxConcurrent: 4 });
    const starts: number[] = [];
    const all = Array.from({ length: 30 }, () => budget.run(timedTask(starts), "background"));
    await vi.advanceTimersByTimeAsync(40_000);
    await Promise.all(all);
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(1_000);
  });

  it("leaves a fifth of the minute to people while they are using the dashboard", async () => {
    const budget = new CallBudget({ perMinute: 60, maxConcurrent: 4 });
    await budget.run(() => Promise.resolve(), "interactive");
    const starts: number[] = [];
    const background = Array.from({ length: 70 }, () => budget.run(timedTask(starts), "background"));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(starts.length).toBeLessThanOrEqual(48);
    const page: number[] = [];
    await Promise.all([budget.run(timedTask(page), "interactive"), vi.advanceTimersByTimeAsync(100)]);
    expect(page).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(120_000);
    await Promise.all(background);
  });

  it("pauses everyone when asked (a 429), then resumes", async () => {
    const budget = new CallBudget({ perMinute: 60, maxConcurrent: 2 });
    const starts: number[] = [];
    budget.pause(30_000);
    const call = budget.run(timedTask(starts));
    await vi.advanceTimersByTimeAsync(29_000);
    expect(starts).toEqual([]);
    await vi.advanceTimersByTimeAsync(2_000);
    await call;
    expect(starts[0]).toBeGreaterThanOrEqual(30_000);
  });

  it("passes a task's failure through and keeps going", async () => {
    const budget = new CallBudget({ perMinute: 60, maxConcurrent: 1 });
    await expect(budget.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(budget.run(() => Promise.resolve(7))).resolves.toBe(7);
    expect(budget.stats()).toMatchObject({ inFlight: 0, queued: 0, startedLastMinute: 2 });
  });

  it("removes a waiting call whose caller gave up", async () => {
    const budget = new CallBudget({ perMinute: 1, maxConcurrent: 1 });
    await budget.run(() => Promise.resolve());
    const controller = new AbortController();
    const waiting = budget.run(() => Promise.resolve("late"), "interactive", controller.signal);
    controller.abort(new Error("gone"));
    await expect(waiting).rejects.toThrow("gone");
    expect(budget.stats().queued).toBe(0);
  });

  it("refuses interactive calls beyond the queue's bound at once, with when to come back", async () => {
    const budget = new CallBudget({ perMinute: 60, maxConcurrent: 1, maxQueuedInteractive: 3 });
    const blocker = budget.run(() => new Promise((resolve) => setTimeout(resolve, 10_000)));
    const leaving = new AbortController();
    const waiting = [budget.run(() => Promise.resolve("served")), budget.run(() => Promise.resolve("served"))];
    const gaveUp = budget.run(() => Promise.resolve("never"), "interactive", leaving.signal);
    const background = Array.from({ length: 5 }, () => budget.run(() => Promise.resolve("background"), "background"));
    const refused = budget.run(() => Promise.resolve("never"));
    // Three calls wait ahead; at 60 calls in 61 s they have gone out after 3 × 1,016.7 ms.
    await expect(refused).rejects.toMatchObject({
      kind: "busy",
      message: "Too many requests are waiting for N-sight right now. Try again in a minute.",
      retryAfterMs: 3_050,
    });
    expect(budget.stats().queued).toBe(8);

    leaving.abort(new Error("gone"));
    await expect(gaveUp).rejects.toThrow("gone");
    const admitted = budget.run(() => Promise.resolve("admitted"));
    await vi.advanceTimersByTimeAsync(20_000);
    await blocker;
    expect(await Promise.all([...waiting, admitted])).toEqual(["served", "served", "admitted"]);
    expect(await Promise.all(background)).toHaveLength(5);
  });

  it("bounds the interactive queue at a minute's worth of calls by default", async () => {
    const budget = new CallBudget({ perMinute: 30, maxConcurrent: 1 });
    expect(budget.maxQueuedInteractive).toBe(30);
  });
});
