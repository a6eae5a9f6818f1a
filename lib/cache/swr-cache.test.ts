import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LoadCancelledError, SwrCache, type LoadOrigin } from "./swr-cache";

beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
afterEach(() => vi.useRealTimers());

const cacheWith = (overrides: Partial<ConstructorParameters<typeof SwrCache>[0]> = {}) =>
  new SwrCache({ maxWeight: 1_000, staleAfterMs: 2_000, ...overrides });

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("SwrCache", () => {
  it("makes one upstream load for 50 concurrent identical requests", async () => {
    const cache = cacheWith();
    const load = vi.fn(async () => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      return ["data"];
    });
    const hits = Promise.all(Array.from({ length: 50 }, () => cache.get("list_clients", { ttlMs: 90_000, load })));
    await vi.advanceTimersByTimeAsync(100);
    const results = await hits;
    expect(load).toHaveBeenCalledTimes(1);
    expect(results.every((r) => r.value[0] === "data" && !r.stale)).toBe(true);
    await cache.get("list_clients", { ttlMs: 90_000, load });
    expect(load).toHaveBeenCalledTimes(1);
  });

  it("loads again after the TTL", async () => {
    const cache = cacheWith();
    const load = vi.fn(async () => Date.now());
    const first = await cache.get("k", { ttlMs: 90_000, load });
    vi.advanceTimersByTime(90_001);
    const second = await cache.get("k", { ttlMs: 90_000, load });
    expect(load).toHaveBeenCalledTimes(2);
    expect(second.fetchedAt).toBeGreaterThan(first.fetchedAt);
  });

  it("serves the last good value, marked stale with its fetch time, when a refresh fails", async () => {
    const cache = cacheWith();
    await cache.get("k", { ttlMs: 90_000, load: async () => "good" });
    const fetchedAt = Date.now();
    vi.advanceTimersByTime(120_000);
    const boom = new Error("N-sight down");
    const hit = await cache.get("k", { ttlMs: 90_000, load: async () => Promise.reject(boom) });
    expect(hit).toEqual({ value: "good", fetchedAt, stale: true, refreshError: boom });
    vi.advanceTimersByTime(5_000);
    const fresh = await cache.get("k", { ttlMs: 90_000, load: async () => "better" });
    expect(fresh).toMatchObject({ value: "better", stale: false });
  });

  it("after a failed refresh, serves the stale value without asking again, for longer after each failure", async () => {
    const cache = cacheWith();
    await cache.get("k", { ttlMs: 90_000, load: async () => "good" });
    vi.advanceTimersByTime(90_000);
    const boom = new Error("N-sight down");
    const load = vi.fn(async () => Promise.reject<string>(boom));
    for (let tenths = 0; tenths < 6_000; tenths++) {
      const hit = await cache.get("k", { ttlMs: 90_000, load });
      expect(hit).toMatchObject({ value: "good", stale: true, refreshError: boom });
      vi.advanceTimersByTime(100);
    }
    // Tries at 0, 5, 15, 35, 75 and 155 s (holds of 5, 10, 20, 40 and 80 s), then once per
    // TTL (90 s): 245, 335, 425, 515. Without the hold: 6,000.
    expect(load).toHaveBeenCalledTimes(10);
    vi.advanceTimersByTime(90_000);
    expect(await cache.get("k", { ttlMs: 90_000, load: async () => "better" })).toMatchObject({ value: "better", stale: false });
    vi.advanceTimersByTime(90_000);
    await cache.get("k", { ttlMs: 90_000, load });
    vi.advanceTimersByTime(5_000);
    await cache.get("k", { ttlMs: 90_000, load });
    expect(load).toHaveBeenCalledTimes(12);
  });

  it("treats a refusal meant for the asker as no failure: no hold, and whoever joined the load loads for itself", async () => {
    const cache = cacheWith();
    const refusal = new Error("your share is spent");
    const refusedForAsker = (error: unknown) => error === refusal;
    await cache.get("k", { ttlMs: 90_000, load: async () => "good" });
    vi.advanceTimersByTime(90_000);
    // The stale value for the one refused; the next asker's load is sent at once.
    expect(await cache.get("k", { ttlMs: 90_000, load: async () => Promise.reject<string>(refusal), refusedForAsker })).toMatchObject({ value: "good", stale: true });
    expect(await cache.get("k", { ttlMs: 90_000, load: async () => "fresh", refusedForAsker })).toMatchObject({ value: "fresh", stale: false });

    const refused = cache.get("cold", { ttlMs: 90_000, load: async () => Promise.reject<string>(refusal), refusedForAsker });
    const joined = cache.get("cold", { ttlMs: 90_000, load: async () => "mine", refusedForAsker });
    await expect(refused).rejects.toBe(refusal);
    expect(await joined).toMatchObject({ value: "mine", stale: false });
  });

  it("holds nothing back when there is no value to show, or when a refresh is forced", async () => {
    const cache = cacheWith();
    const boom = new Error("N-sight down");
    const failing = vi.fn(async () => Promise.reject<string>(boom));
    await expect(cache.get("cold", { ttlMs: 90_000, load: failing })).rejects.toBe(boom);
    await expect(cache.get("cold", { ttlMs: 90_000, load: failing })).rejects.toBe(boom);
    expect(failing).toHaveBeenCalledTimes(2);
    await cache.get("k", { ttlMs: 90_000, load: async () => "good" });
    vi.advanceTimersByTime(90_000);
    await cache.get("k", { ttlMs: 90_000, load: failing });
    expect(await cache.get("k", { ttlMs: 90_000, load: async () => "forced", forceRefresh: true })).toMatchObject({ value: "forced", stale: false });
  });

  it("never caches a failure unless it is marked definitive", async () => {
    const cache = cacheWith();
    const load = vi.fn(async () => Promise.reject(new Error("transient")));
    await expect(cache.get("k", { ttlMs: 90_000, load })).rejects.toThrow("transient");
    await expect(cache.get("k", { ttlMs: 90_000, load })).rejects.toThrow("transient");
    expect(load).toHaveBeenCalledTimes(2);
    expect(cache.size).toBe(0);

    const unknownId = vi.fn(async () => Promise.reject(new Error("unknown id")));
    const cacheError = () => true;
    await expect(cache.get("u", { ttlMs: 90_000, load: unknownId, cacheError })).rejects.toThrow("unknown id");
    await expect(cache.get("u", { ttlMs: 90_000, load: unknownId, cacheError })).rejects.toThrow("unknown id");
    expect(unknownId).toHaveBeenCalledTimes(1);
  });

  it("hands out the stale value when a refresh is slow, and stores the refresh when it lands", async () => {
    const cache = cacheWith({ staleAfterMs: 2_000 });
    await cache.get("k", { ttlMs: 90_000, load: async () => "old" });
    vi.advanceTimersByTime(100_000);
    const slow = deferred<string>();
    const pending = cache.get("k", { ttlMs: 90_000, load: () => slow.promise });
    await vi.advanceTimersByTimeAsync(2_000);
    await expect(pending).resolves.toMatchObject({ value: "old", stale: true });
    slow.resolve("new");
    await vi.advanceTimersByTimeAsync(0);
    expect(cache.peek("k")).toMatchObject({ value: "new", stale: false });
  });

  it("evicts the least recently used entries beyond the weight bound", async () => {
    const cache = cacheWith({ maxWeight: 10 });
    const weigh = (v: number[]) => v.length;
    await cache.get("a", { ttlMs: 90_000, load: async () => [1, 2, 3, 4], weigh });
    await cache.get("b", { ttlMs: 90_000, load: async () => [1, 2, 3, 4], weigh });
    await cache.get("a", { ttlMs: 90_000, load: async () => [9], weigh }); // touch a
    await cache.get("c", { ttlMs: 90_000, load: async () => [1, 2, 3, 4], weigh });
    expect(cache.peek("a")).toBeDefined();
    expect(cache.peek("b")).toBeUndefined();
    expect(cache.peek("c")).toBeDefined();
    expect(cache.weight).toBe(8);
  });

  it("forces a refresh when asked, sharing it with concurrent readers", async () => {
    const cache = cacheWith();
    const load = vi.fn(async () => "v");
    await cache.get("k", { ttlMs: 90_000, load });
    await Promise.all([cache.get("k", { ttlMs: 90_000, load, forceRefresh: true }), cache.get("k", { ttlMs: 90_000, load, forceRefresh: true })]);
    expect(load).toHaveBeenCalledTimes(2);
  });

  describe("callers who go away", () => {
    function watchedLoad(value = "v") {
      const release = deferred<void>();
      const signals: AbortSignal[] = [];
      const load = vi.fn(async (signal: AbortSignal) => {
        signals.push(signal);
        await new Promise<void>((resolve, reject) => {
          release.promise.then(resolve, reject);
          signal.addEventListener("abort", () => reject(signal.reason), { once: true });
        });
        return value;
      });
      return { load, release, signals };
    }

    it("keeps a shared load going while one caller is still waiting, and cancels it when the last one leaves", async () => {
      const cache = cacheWith();
      const { load, release, signals } = watchedLoad();
      const a = new AbortController();
      const b = new AbortController();
      const first = cache.get("k", { ttlMs: 90_000, load, signal: a.signal });
      const second = cache.get("k", { ttlMs: 90_000, load, signal: b.signal });
      await vi.advanceTimersByTimeAsync(0);
      a.abort(new Error("tab closed"));
      await expect(first).rejects.toThrow("tab closed");
      expect(signals[0]!.aborted).toBe(false);
      b.abort(new Error("navigated away"));
      await expect(second).rejects.toThrow("navigated away");
      expect(signals[0]!.aborted).toBe(true);
      expect(signals[0]!.reason).toBeInstanceOf(LoadCancelledError);
      expect(load).toHaveBeenCalledTimes(1);

      // A cancelled load is not a failure: the next caller loads at once, with nothing held back.
      release.resolve();
      const next = watchedLoad("again");
      next.release.resolve();
      expect((await cache.get("k", { ttlMs: 90_000, load: next.load })).value).toBe("again");
    });

    it("never cancels a load that a caller without a signal waits for, and stores its answer", async () => {
      const cache = cacheWith();
      const { load, release, signals } = watchedLoad("kept");
      const gone = new AbortController();
      const abandoned = cache.get("k", { ttlMs: 90_000, load, signal: gone.signal });
      const page = cache.get("k", { ttlMs: 90_000, load });
      await vi.advanceTimersByTimeAsync(0);
      gone.abort(new Error("gone"));
      await expect(abandoned).rejects.toThrow("gone");
      expect(signals[0]!.aborted).toBe(false);
      release.resolve();
      expect((await page).value).toBe("kept");
      expect(cache.peek("k")?.value).toBe("kept");
    });

    it("keeps a refresh going for the cache after its caller was handed the stale value", async () => {
      const cache = cacheWith();
      await cache.get("k", { ttlMs: 90_000, load: async () => "old" });
      vi.advanceTimersByTime(90_001);
      const { load, release, signals } = watchedLoad("new");
      const leaving = new AbortController();
      const hit = cache.get("k", { ttlMs: 90_000, load, signal: leaving.signal });
      await vi.advanceTimersByTimeAsync(2_000);
      expect(await hit).toMatchObject({ value: "old", stale: true });
      leaving.abort(new Error("closed after reading"));
      expect(signals[0]!.aborted).toBe(false);
      release.resolve();
      await vi.advanceTimersByTimeAsync(0);
      expect(cache.peek("k")).toMatchObject({ value: "new", stale: false });
    });

    it("starts its own load when it joins one whose last caller has just left", async () => {
      const cache = cacheWith();
      const first = watchedLoad("first");
      const leaving = new AbortController();
      const abandoned = cache.get("k", { ttlMs: 90_000, load: first.load, signal: leaving.signal });
      await vi.advanceTimersByTimeAsync(0);
      leaving.abort(new Error("gone"));
      const second = watchedLoad("second");
      const late = cache.get("k", { ttlMs: 90_000, load: second.load, signal: new AbortController().signal });
      await expect(abandoned).rejects.toThrow("gone");
      second.release.resolve();
      expect((await late).value).toBe("second");
    });

    it("starts nothing for a caller who has already gone", async () => {
      const cache = cacheWith();
      const load = vi.fn(async () => "never");
      await expect(cache.get("k", { ttlMs: 90_000, load, signal: AbortSignal.abort(new Error("gone")) })).rejects.toThrow("gone");
      expect(load).not.toHaveBeenCalled();
    });
  });

  describe("keepWith", () => {
    const history = (n: number) => Array.from({ length: n }, (_, i) => i);

    it("keeps what is made from a value, weighed with it, until the value is refreshed", async () => {
      const cache = cacheWith();
      const first = (await cache.get("sessions", { ttlMs: 90_000, load: async () => history(100), weigh: (v) => v.length })).value;
      const make = vi.fn(() => "encoded");
      expect(cache.keepWith("sessions", first, "json:0-50", 50, make)).toBe("encoded");
      expect(cache.keepWith("sessions", first, "json:0-50", 50, make)).toBe("encoded");
      expect(make).toHaveBeenCalledTimes(1);
      expect(cache.weight).toBe(150);

      await vi.advanceTimersByTimeAsync(90_001);
      const second = (await cache.get("sessions", { ttlMs: 90_000, load: async () => history(100), weigh: (v) => v.length })).value;
      expect(cache.weight).toBe(100);
      cache.keepWith("sessions", second, "json:0-50", 50, make);
      expect(make).toHaveBeenCalledTimes(2);
    });

    it("makes but does not keep anything for a value no longer stored", async () => {
      const cache = cacheWith();
      await cache.get("sessions", { ttlMs: 90_000, load: async () => history(10), weigh: (v) => v.length });
      const make = vi.fn(() => "encoded");
      cache.keepWith("sessions", history(10), "json:all", 10, make);
      cache.keepWith("sessions", history(10), "json:all", 10, make);
      cache.keepWith("gone", history(10), "json:all", 10, make);
      expect(make).toHaveBeenCalledTimes(3);
      expect(cache.weight).toBe(10);
    });

    it("never takes the cache beyond its bound, however many distinct results are asked for", async () => {
      const cache = cacheWith({ maxWeight: 1_000 });
      await cache.get("other", { ttlMs: 90_000, load: async () => history(300), weigh: (v) => v.length });
      const sessions = (await cache.get("sessions", { ttlMs: 90_000, load: async () => history(300), weigh: (v) => v.length })).value;
      for (let i = 0; i < 10_000; i++) {
        cache.keepWith("sessions", sessions, `json:${i}`, 100, () => i);
        expect(cache.weight).toBeLessThanOrEqual(1_000);
      }
      expect(cache.peek("other")).toBeUndefined();
      expect(cache.peek("sessions")?.value).toBe(sessions);
      expect(cache.keepWith("sessions", sessions, "json:9999", 100, () => -1)).toBe(9_999);
      expect(cache.keepWith("sessions", sessions, "json:0", 100, () => -1)).toBe(-1);
    });
  });
});

describe("SwrCache: what background loads keep", () => {
  const HISTORY = 90;
  const history = (id: number) => Array.from({ length: HISTORY }, (_, i) => `${id}:${i}`);
  const weigh = (list: string[]) => list.length;
  const sessions = (id: number) => `list_mob_sessions?deviceid=${id}`;

  it("a fleet larger than the bound, read in the background, leaves the history a viewer read cached", async () => {
    const cache = cacheWith({ maxWeight: 100 * HISTORY });
    const viewed = vi.fn(async () => history(1));
    await cache.get(sessions(1), { ttlMs: 90_000, load: viewed, weigh });
    for (let id = 2; id <= 1_000; id++) await cache.get(sessions(id), { ttlMs: 90_000, load: async () => history(id), weigh, background: true });
    expect(cache.weight).toBeLessThanOrEqual(100 * HISTORY);
    expect(cache.peek(sessions(1))).toBeDefined();
    await cache.get(sessions(1), { ttlMs: 90_000, load: viewed, weigh });
    expect(viewed).toHaveBeenCalledTimes(1);
    // The background's own reads are still cached, newest first, for a viewer who comes next.
    expect(cache.peek(sessions(1_000))).toBeDefined();
    expect(cache.peek(sessions(2))).toBeUndefined();
  });

  it("a viewer asking while the refresher reads the same device shares its call, and the value is then kept as the viewer's", async () => {
    const cache = cacheWith({ maxWeight: 100 * HISTORY });
    const call = deferred<string[]>();
    const load = vi.fn(() => call.promise);
    const background = cache.get(sessions(1), { ttlMs: 90_000, load, weigh, background: true });
    const viewer = cache.get(sessions(1), { ttlMs: 90_000, load, weigh });
    call.resolve(history(1));
    expect((await viewer).value).toEqual((await background).value);
    expect(load).toHaveBeenCalledTimes(1);
    for (let id = 2; id <= 1_000; id++) await cache.get(sessions(id), { ttlMs: 90_000, load: async () => history(id), weigh, background: true });
    expect(cache.peek(sessions(1))).toBeDefined();
  });

  it("a viewer reading what the refresher cached costs no call and keeps it from then on", async () => {
    const cache = cacheWith({ maxWeight: 100 * HISTORY });
    const load = vi.fn(async () => history(1));
    await cache.get(sessions(1), { ttlMs: 90_000, load, weigh, background: true });
    await cache.get(sessions(1), { ttlMs: 90_000, load, weigh });
    expect(load).toHaveBeenCalledTimes(1);
    for (let id = 2; id <= 1_000; id++) await cache.get(sessions(id), { ttlMs: 90_000, load: async () => history(id), weigh, background: true });
    expect(cache.peek(sessions(1))).toBeDefined();
  });

  it("the refresher renewing a history a viewer read keeps it the viewer's", async () => {
    const cache = cacheWith({ maxWeight: 100 * HISTORY });
    await cache.get(sessions(1), { ttlMs: 90_000, load: async () => history(1), weigh });
    vi.advanceTimersByTime(90_001);
    await cache.get(sessions(1), { ttlMs: 90_000, load: async () => history(1), weigh, background: true });
    for (let id = 2; id <= 1_000; id++) await cache.get(sessions(id), { ttlMs: 90_000, load: async () => history(id), weigh, background: true });
    expect(cache.peek(sessions(1))?.stale).toBe(false);
  });
});

describe("SwrCache: a reader asking for a fresher copy", () => {
  it("refreshes a copy older than its max age within the TTL, once for concurrent askers, while plain readers keep the copy", async () => {
    const cache = cacheWith();
    const load = vi.fn(async () => Date.now());
    const first = await cache.get("k", { ttlMs: 300_000, load });
    vi.advanceTimersByTime(89_000);
    expect(await cache.get("k", { ttlMs: 300_000, maxAgeMs: 90_000, load })).toMatchObject({ value: first.value, stale: false });
    expect(load).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1_000);
    const watched = await Promise.all([1, 2, 3].map(() => cache.get("k", { ttlMs: 300_000, maxAgeMs: 90_000, load })));
    expect(load).toHaveBeenCalledTimes(2);
    expect(watched.every((hit) => hit.value === Date.now() && !hit.stale)).toBe(true);
    // The refreshed copy is everyone's, and its TTL counts from its own fetch.
    vi.advanceTimersByTime(250_000);
    expect(await cache.get("k", { ttlMs: 300_000, load })).toMatchObject({ value: watched[0]!.value, stale: false });
    expect(load).toHaveBeenCalledTimes(2);
  });

  it("keeps a remembered unknown id for its TTL whatever the max age", async () => {
    const cache = cacheWith();
    const gone = new Error("unknown id");
    const load = vi.fn(async (): Promise<string> => Promise.reject(gone));
    await expect(cache.get("gone", { ttlMs: 300_000, cacheError: () => true, load })).rejects.toBe(gone);
    vi.advanceTimersByTime(120_000);
    await expect(cache.get("gone", { ttlMs: 300_000, maxAgeMs: 90_000, cacheError: () => true, load })).rejects.toBe(gone);
    expect(load).toHaveBeenCalledTimes(1);
  });
});

describe("SwrCache: copies fetched earlier", () => {
  it("keeps the fetch time a load reports for a copy fetched earlier: the TTL counts from then, and a copy past it is served stale", async () => {
    const cache = cacheWith();
    const fetchedElsewhere = Date.now() - 60_000;
    const copy = await cache.get("k", { ttlMs: 90_000, load: async (_signal, origin) => ((origin.fetchedAt = fetchedElsewhere), "copy") });
    expect(copy).toEqual({ value: "copy", fetchedAt: fetchedElsewhere, stale: false });
    const load = vi.fn(async () => "fresh");
    vi.advanceTimersByTime(29_000);
    expect(await cache.get("k", { ttlMs: 90_000, load })).toMatchObject({ fetchedAt: fetchedElsewhere, stale: false });
    vi.advanceTimersByTime(1_000);
    expect(await cache.get("k", { ttlMs: 90_000, load })).toMatchObject({ value: "fresh", fetchedAt: Date.now(), stale: false });
    expect(load).toHaveBeenCalledTimes(1);

    const old = Date.now() - 100_000;
    expect(await cache.get("cold", { ttlMs: 90_000, load: async (_signal, origin) => ((origin.fetchedAt = old), "old") })).toEqual({ value: "old", fetchedAt: old, stale: true });
    const gone = new Error("unknown id");
    const unknownSinceLongAgo = async (_signal: AbortSignal, origin: LoadOrigin): Promise<string> => {
      origin.fetchedAt = Date.now() - 89_000;
      throw gone;
    };
    const cached = cache.get("gone", { ttlMs: 90_000, cacheError: () => true, load: unknownSinceLongAgo });
    await expect(cached).rejects.toBe(gone);
    vi.advanceTimersByTime(1_000);
    expect(await cache.get("gone", { ttlMs: 90_000, cacheError: () => true, load })).toMatchObject({ value: "fresh" });
  });
});
