import "server-only";
/**
 * The cache between our users and N-sight: one upstream call per key per cache period,
 * however many people are watching.
 *
 * - Keys name an N-sight resource (service + parameters), never a caller.
 * - Identical loads in flight are made once (single flight).
 * - Only complete, parsed answers are stored; a failed load stores nothing, except
 *   definitive answers the caller marks as cacheable (an unknown id).
 * - When a refresh fails, or is slow, the last good value is served marked stale, with
 *   the time it was fetched, while the refresh carries on in the background.
 * - After a failed refresh the stale value is served without trying again for a while
 *   (doubling from `failureHoldMs`, at most the TTL): otherwise, with N-sight down, every
 *   request for a popular resource would start another refresh, and one page watched by
 *   many people would spend the whole call budget on a server that is not answering.
 * - Entries are evicted least-recently-used once their total weight passes a bound.
 * - A load whose every caller has gone (each gave an AbortSignal, and each fired) is
 *   cancelled: its load's signal fires, so a call still queued for N-sight is dropped. A
 *   caller without a signal, or one served the stale value, keeps the load wanted.
 * - What is computed from a value and kept for the next caller (its JSON for one range)
 *   is kept with it: it adds to the weight, and goes when the value is refreshed or evicted.
 *
 * Written here rather than taken from lru-cache because the semantics above (stale with
 * its age on failure *and* on slowness, cached negative answers, per-entry TTL) are the
 * core of this product and are shorter to state directly than to configure.
 */

export interface CacheHit<T> {
  value: T;
  /** Epoch ms when the value was loaded from upstream. */
  fetchedAt: number;
  /** True when the value is past its TTL because a refresh failed or is still running. */
  stale: boolean;
  /** Why the value is stale, when a refresh failed. */
  refreshError?: unknown;
}

export interface LoadOptions<T> {
  ttlMs: number;
  /** Loads the value; `signal` fires when nobody waits for this load any more. */
  load: (signal: AbortSignal) => Promise<T>;
  /** The caller's own signal (its request was abandoned): it stops waiting at once. */
  signal?: AbortSignal;
  /** Relative size, for the eviction bound (for example a record count). Default 1. */
  weigh?: (value: T) => number;
  /** Errors that are a definitive answer worth remembering for the TTL (an unknown id). */
  cacheError?: (error: unknown) => boolean;
  /** Ignore a fresh entry and load again (a refresher that knows the data is due). */
  forceRefresh?: boolean;
}

export interface SwrCacheOptions {
  /** Upper bound on the summed weight of all entries. */
  maxWeight: number;
  /**
   * How long a caller waits for a refresh before being handed the stale value instead.
   * Keeps pages fast while N-sight is slow; the refresh still completes in the background.
   */
  staleAfterMs: number;
  /** How long to serve a stale value after its first failed refresh (doubling after each further failure, at most the TTL). Default 5 s. */
  failureHoldMs?: number;
  now?: () => number;
}

/** A stored value's failed refreshes since it was loaded: when to try again, and why it is stale. */
interface RefreshFailures {
  count: number;
  retryAt: number;
  error: unknown;
}

/** Computed from a value and kept with it, by name. */
type Derived = Map<string, { value: unknown; weight: number }>;

type Entry =
  | { kind: "value"; value: unknown; fetchedAt: number; expiresAt: number; weight: number; failures?: RefreshFailures; derived?: Derived }
  | { kind: "error"; error: unknown; fetchedAt: number; expiresAt: number; weight: number };

/** One load in flight and who still waits for it. */
interface Flight {
  promise: Promise<Entry>;
  controller: AbortController;
  /** Callers with a signal that has not fired. */
  waiting: number;
  /** Someone who cannot abandon it wants it (no signal, or served stale meanwhile). */
  wanted: boolean;
}

/** Why a load was cancelled: every caller had gone. */
export class LoadCancelledError extends Error {
  constructor() {
    super("Nobody waits for this load any more");
    this.name = "LoadCancelledError";
  }
}

export class SwrCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Flight>();
  private totalWeight = 0;
  private readonly now: () => number;

  constructor(private readonly options: SwrCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  get weight(): number {
    return this.totalWeight;
  }

  /** The stored value for `key` without loading or touching recency; undefined if none. */
  peek<T>(key: string): CacheHit<T> | undefined {
    const entry = this.entries.get(key);
    if (!entry || entry.kind !== "value") return undefined;
    return { value: entry.value as T, fetchedAt: entry.fetchedAt, stale: entry.expiresAt <= this.now() };
  }

  async get<T>(key: string, options: LoadOptions<T>): Promise<CacheHit<T>> {
    const entry = this.entries.get(key);
    const now = this.now();
    if (entry && entry.expiresAt > now && !options.forceRefresh) {
      this.touch(key, entry);
      if (entry.kind === "error") throw entry.error;
      return { value: entry.value as T, fetchedAt: entry.fetchedAt, stale: false };
    }

    const previous = entry?.kind === "value" ? entry : undefined;
    // Refreshing failed a moment ago: the last good value, without asking N-sight again yet.
    if (previous?.failures && previous.failures.retryAt > now && !options.forceRefresh && !this.inFlight.has(key)) {
      this.touch(key, previous);
      return { value: previous.value as T, fetchedAt: previous.fetchedAt, stale: true, refreshError: previous.failures.error };
    }
    options.signal?.throwIfAborted();
    const refresh = this.load(key, options);
    if (!previous) {
      const loaded = await refresh;
      if (loaded.kind === "error") throw loaded.error;
      return { value: loaded.value as T, fetchedAt: loaded.fetchedAt, stale: false };
    }

    // We have an older value: wait a little for the refresh, then fall back to it.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const slow = new Promise<"slow">((resolve) => {
      timer = setTimeout(() => resolve("slow"), this.options.staleAfterMs);
    });
    try {
      const outcome = await Promise.race([refresh.then((e) => ({ e }), (error: unknown) => ({ error })), slow]);
      if (outcome === "slow") {
        // The caller leaves with the stale value; the refresh is still wanted for the cache.
        const running = this.inFlight.get(key);
        if (running) running.wanted = true;
        return { value: previous.value as T, fetchedAt: previous.fetchedAt, stale: true };
      }
      if ("error" in outcome && options.signal?.aborted) throw outcome.error;
      if ("error" in outcome || outcome.e.kind === "error") {
        const refreshError = "error" in outcome ? outcome.error : (outcome.e as { error: unknown }).error;
        // A definitive "unknown id" after we once knew it: the thing is gone; say so.
        if (!("error" in outcome) && options.cacheError?.(refreshError)) throw refreshError;
        return { value: previous.value as T, fetchedAt: previous.fetchedAt, stale: true, refreshError };
      }
      return { value: outcome.e.value as T, fetchedAt: outcome.e.fetchedAt, stale: false };
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * What `compute` makes from `source`, the value now stored under `key`, kept with it under
   * `name` and weighing `weight` toward the bound. When `source` is no longer the stored
   * value (refreshed meanwhile), the result is made for this caller only.
   */
  keepWith<T>(key: string, source: unknown, name: string, weight: number, compute: () => T): T {
    const entry = this.entries.get(key);
    if (entry?.kind !== "value" || entry.value !== source) return compute();
    this.touch(key, entry);
    const kept = entry.derived?.get(name);
    if (kept) return kept.value as T;
    const value = compute();
    const derivedWeight = Math.max(1, weight);
    entry.derived ??= new Map();
    entry.derived.set(name, { value, weight: derivedWeight });
    entry.weight += derivedWeight;
    this.totalWeight += derivedWeight;
    this.evictBeyondBound(key);
    // Still beyond the bound with only this entry left: its own oldest derived values go first.
    for (const [oldName, old] of entry.derived) {
      if (this.totalWeight <= this.options.maxWeight) break;
      entry.derived.delete(oldName);
      entry.weight -= old.weight;
      this.totalWeight -= old.weight;
    }
    return value;
  }

  /** Drops every entry (tests, or a configuration change). */
  clear(): void {
    this.entries.clear();
    this.totalWeight = 0;
  }

  /**
   * Joins (or starts) the load for `key` and waits for it, or until the caller's signal
   * fires. Resolves with the stored entry, a cacheable error entry, or rejects with a
   * failure that was not stored.
   */
  private async load<T>(key: string, options: LoadOptions<T>): Promise<Entry> {
    for (;;) {
      const flight = this.inFlight.get(key) ?? this.start(key, options);
      try {
        return await this.waitFor(flight, options.signal);
      } catch (error) {
        // Joined a load just as its last caller left: start one of our own.
        if (error instanceof LoadCancelledError && !options.signal?.aborted) continue;
        throw error;
      }
    }
  }

  private waitFor(flight: Flight, signal: AbortSignal | undefined): Promise<Entry> {
    if (!signal) {
      flight.wanted = true;
      return flight.promise;
    }
    flight.waiting++;
    return new Promise<Entry>((resolve, reject) => {
      const leave = () => {
        reject(signal.reason);
        flight.waiting--;
        if (flight.waiting === 0 && !flight.wanted) flight.controller.abort(new LoadCancelledError());
      };
      signal.addEventListener("abort", leave, { once: true });
      flight.promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", leave));
    });
  }

  private start<T>(key: string, options: LoadOptions<T>): Flight {
    const controller = new AbortController();
    // Runs after the flight is registered below, even if `load` throws at once.
    const promise = Promise.resolve().then(async (): Promise<Entry> => {
      try {
        const value = await options.load(controller.signal);
        const fetchedAt = this.now();
        const weight = Math.max(1, options.weigh?.(value) ?? 1);
        const entry: Entry = { kind: "value", value, fetchedAt, expiresAt: fetchedAt + options.ttlMs, weight };
        this.store(key, entry);
        return entry;
      } catch (error) {
        if (error instanceof LoadCancelledError) throw error;
        if (options.cacheError?.(error)) {
          const fetchedAt = this.now();
          const entry: Entry = { kind: "error", error, fetchedAt, expiresAt: fetchedAt + options.ttlMs, weight: 1 };
          this.store(key, entry);
          return entry;
        }
        this.holdAfterFailure(key, error, options.ttlMs);
        throw error;
      } finally {
        if (this.inFlight.get(key) === flight) this.inFlight.delete(key);
      }
    });
    const flight: Flight = { promise, controller, waiting: 0, wanted: false };
    this.inFlight.set(key, flight);
    // The caller may have gone (served stale); never leave a rejection unhandled.
    promise.catch(() => undefined);
    return flight;
  }

  /** Marks the stale value under `key` (if any) as not worth refreshing again until later. */
  private holdAfterFailure(key: string, error: unknown, ttlMs: number): void {
    const entry = this.entries.get(key);
    if (entry?.kind !== "value") return;
    const count = (entry.failures?.count ?? 0) + 1;
    const holdMs = Math.min(ttlMs, (this.options.failureHoldMs ?? 5_000) * 2 ** Math.min(count - 1, 20));
    entry.failures = { count, retryAt: this.now() + holdMs, error };
  }

  private store(key: string, entry: Entry): void {
    const old = this.entries.get(key);
    if (old) {
      this.totalWeight -= old.weight;
      this.entries.delete(key);
    }
    this.entries.set(key, entry);
    this.totalWeight += entry.weight;
    this.evictBeyondBound(key);
  }

  /** Evicts least recently used entries while beyond the bound, but never `keep` (the most recent). */
  private evictBeyondBound(keep: string): void {
    for (const [oldKey, oldEntry] of this.entries) {
      if (this.totalWeight <= this.options.maxWeight || oldKey === keep) break;
      this.entries.delete(oldKey);
      this.totalWeight -= oldEntry.weight;
    }
  }

  private touch(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
  }
}
