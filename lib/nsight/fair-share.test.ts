import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CallBudget } from "./budget";
import { isNsightError } from "./errors";
import { FairShare } from "./fair-share";

describe("FairShare", () => {
  it("lets an asker start `limit` calls in 61 s, counting those waiting, and frees one as each start leaves the window", () => {
    const share = new FairShare(3, 61_000, 10);
    for (const at of [0, 1_000, 2_000]) {
      expect(share.waitMs("a", at)).toBe(0);
      share.reserve("a");
      share.start("a", at);
    }
    expect(share.used("a", 2_000)).toBe(3);
    // The oldest start (0) leaves the window at 61 s.
    expect(share.waitMs("a", 30_000)).toBe(31_000);
    expect(share.waitMs("a", 60_999)).toBe(1);
    expect(share.waitMs("a", 61_000)).toBe(0);
    expect(share.used("a", 61_000)).toBe(2);
    // Another asker is counted apart.
    expect(share.waitMs("b", 30_000)).toBe(0);
  });

  it("counts waiting calls, gives back one that never started, and asks a full window when only waiting calls fill the share", () => {
    const share = new FairShare(2, 61_000, 10);
    share.reserve("a");
    share.reserve("a");
    expect(share.waitMs("a", 0)).toBe(61_000);
    share.release("a", 0);
    expect(share.waitMs("a", 0)).toBe(0);
    share.start("a", 5);
    expect(share.used("a", 5)).toBe(1);
    expect(share.started("a", 5)).toBe(1);
  });

  it("forgets askers whose calls have all left the window, and never tracks more than its bound", () => {
    const share = new FairShare(1, 61_000, 5);
    for (let i = 0; i < 5; i++) {
      share.reserve(`asker-${i}`);
      share.start(`asker-${i}`, 0);
    }
    expect(share.size).toBe(5);
    // A sixth asker within the window would outgrow the bound: refused for a window.
    expect(share.waitMs("asker-new", 1_000)).toBe(61_000);
    expect(share.waitMs("asker-new", 61_000)).toBe(0);
    expect(share.size).toBe(0);
  });
});

describe("CallBudget's fair shares", () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  const slowTask = (order: string[], name: string) => async () => {
    order.push(name);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  };

  it("refuses an asker's interactive calls beyond a third of the minute with rate_limited and when to come back", async () => {
    const budget = new CallBudget({ perMinute: 60, maxConcurrent: 4 });
    const order: string[] = [];
    const asked = Array.from({ length: 25 }, (_, i) => budget.run(slowTask(order, `a${i}`), "interactive", undefined, "user:a").then(() => "ok", (e: unknown) => e));
    await vi.advanceTimersByTimeAsync(30_000);
    const outcomes = await Promise.all(asked);
    expect(outcomes.filter((o) => o === "ok")).toHaveLength(20);
    const refused = outcomes.filter((o) => o !== "ok");
    expect(refused).toHaveLength(5);
    for (const error of refused) {
      expect(isNsightError(error) && error.kind).toBe("rate_limited");
      // The first of the asker's calls started at 0 and leaves the window at 61 s.
      expect(isNsightError(error) && error.retryAfterMs).toBe(61_000);
    }
    // Background calls and calls for nobody in particular are not counted against it.
    await expect(budget.run(async () => "bg", "background", undefined, "user:a")).resolves.toBe("bg");
    await expect(budget.run(async () => "other", "interactive", undefined, "user:b")).resolves.toBe("other");
    await vi.advanceTimersByTimeAsync(31_000);
    await expect(budget.run(async () => "again", "interactive", undefined, "user:a")).resolves.toBe("again");
  });

  it("sends another asker's call before the rest of one asker's backlog", async () => {
    const budget = new CallBudget({ perMinute: 60, maxConcurrent: 2 });
    const order: string[] = [];
    const all = Array.from({ length: 10 }, (_, i) => budget.run(slowTask(order, `a${i}`), "interactive", undefined, "user:a"));
    all.push(budget.run(slowTask(order, "b"), "interactive", undefined, "user:b"));
    await vi.advanceTimersByTimeAsync(20_000);
    await Promise.all(all);
    expect(order.indexOf("b")).toBe(2);
  });

  it("gives back the share of a call abandoned while it waited", async () => {
    const budget = new CallBudget({ perMinute: 6, maxConcurrent: 1 });
    const leaving = new AbortController();
    const first = budget.run(slowTask([], "a0"), "interactive", undefined, "user:a");
    const waiting = budget.run(slowTask([], "a1"), "interactive", leaving.signal, "user:a").catch((e: unknown) => e);
    expect(budget.askers.used("user:a", Date.now())).toBe(1 + 1);
    leaving.abort(new Error("gone"));
    await waiting;
    expect(budget.askers.used("user:a", Date.now())).toBe(1);
    await vi.advanceTimersByTimeAsync(2_000);
    await first;
  });
});
