import "server-only";
/** One N-sight call per key per cache period, stale with its age on failure or slowness (docs/nsight-api.md §5). */
// Written here, not via lru-cache: stale-on-slowness, cached unknown ids and per-entry TTL are shorter to state than to configure.

export interface CacheHit<T> {
  value: T;
  fetchedAt: number;
  stale: boolean;
  refreshError?: unknown;
}

/** Set by a load that returns a copy fetched earlier (by another instance): its TTL counts from then, not from the copy. */
export interface LoadOrigin {
  fetchedAt?: number;
}

export interface LoadOptions<T> {
  ttlMs: number;
  load: (signal: AbortSignal, origin: LoadOrigin) => Promise<T>;
  signal?: AbortSignal;
  weigh?: (value: T) => number;
  cacheError?: (error: unknown) => boolean;
  /** A refusal meant for the one who started the load (its share of the budget was used): no failure hold, and those who joined load for themselves. */
  refusedForAsker?: (error: unknown) => boolean;
  forceRefresh?: boolean;
  /** This asker wants a copy fetched at most this long ago, however long the TTL: an older one is refreshed for everyone (the refresher's watch). */
  maxAgeMs?: number;
  /** Nobody waits for the value (the fleet refresher): it is cached to be evicted before anything people read, and reading it moves nothing. */
  background?: boolean;
}

export interface SwrCacheOptions {
  maxWeight: number;
  staleAfterMs: number;
  /** Doubling after each failed refresh, at most the TTL: N-sight down must not become a retry storm. */
  failureHoldMs?: number;
  now?: () => number;
}

interface RefreshFailures {
  count: number;
  retryAt: number;
  error: unknown;
}

type Derived = Map<string, { value: unknown; weight: number }>;

type Entry =
  | { kind: "value"; value: unknown; fetchedAt: number; expiresAt: number; weight: number; failures?: RefreshFailures; derived?: Derived }
  | { kind: "error"; error: unknown; fetchedAt: number; expiresAt: number; weight: number };

interface Flight {
  promise: Promise<Entry>;
  controller: AbortController;
  waiting: number;
  wanted: boolean;
  forPeople: boolean;
}

export class LoadCancelledError extends Error {
  constructor() {
    super("Nobody waits for this load any more");
    this.name = "LoadCancelledError";
  }
}

/** A remembered unknown id stays for its TTL: a device that is gone is not asked about sooner. */
const tooOld = (entry: Entry, maxAgeMs: number | undefined, now: number) => entry.kind === "value" && maxAgeMs !== undefined && entry.fetchedAt + maxAgeMs <= now;

export class SwrCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Flight>();
  /** Keys only background loads have asked for, oldest first: evicted before any other. */
  private readonly backgroundOnly = new Set<string>();
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

  peek<T>(key: string): CacheHit<T> | undefined {
    const entry = this.entries.get(key);
    if (!entry || entry.kind !== "value") return undefined;
    return { value: entry.value as T, fetchedAt: entry.fetchedAt, stale: entry.expiresAt <= this.now() };
  }

  async get<T>(key: string, options: LoadOptions<T>): Promise<CacheHit<T>> {
    const entry = this.entries.get(key);
    const now = this.now();
    if (entry && entry.expiresAt > now && !options.forceRefresh && !tooOld(entry, options.maxAgeMs, now)) {
      if (!options.background) this.touch(key, entry);
      if (entry.kind === "error") throw entry.error;
      return { value: entry.value as T, fetchedAt: entry.fetchedAt, stale: false };
    }

    const previous = entry?.kind === "value" ? entry : undefined;
    if (previous?.failures && previous.failures.retryAt > now && !options.forceRefresh && !this.inFlight.has(key)) {
      if (!options.background) this.touch(key, previous);
      return { value: previous.value as T, fetchedAt: previous.fetchedAt, stale: true, refreshError: previous.failures.error };
    }
    options.signal?.throwIfAborted();
    const refresh = this.load(key, options);
    if (!previous) {
      const loaded = await refresh;
      if (loaded.kind === "error") throw loaded.error;
      return { value: loaded.value as T, fetchedAt: loaded.fetchedAt, stale: loaded.expiresAt <= this.now() };
    }

    let timer: ReturnType<typeof setTimeout> | undefined;
    const slow = new Promise<"slow">((resolve) => {
      timer = setTimeout(() => resolve("slow"), this.options.staleAfterMs);
    });
    try {
      const outcome = await Promise.race([refresh.then((e) => ({ e }), (error: unknown) => ({ error })), slow]);
      if (outcome === "slow") {
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
      return { value: outcome.e.value as T, fetchedAt: outcome.e.fetchedAt, stale: outcome.e.expiresAt <= this.now() };
    } finally {
      clearTimeout(timer);
    }
  }

  /** When `source` was refreshed meanwhile, the result is made for this caller only. */
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

  clear(): void {
    this.entries.clear();
    this.backgroundOnly.clear();
    this.totalWeight = 0;
  }

  private async load<T>(key: string, options: LoadOptions<T>): Promise<Entry> {
    for (;;) {
      const joined = this.inFlight.get(key);
      // A person joining the refresher's call shares it, and its value is then kept as theirs.
      if (joined && !options.background) joined.forPeople = true;
      const flight = joined ?? this.start(key, options);
      try {
        return await this.waitFor(flight, options.signal);
      } catch (error) {
        if (error instanceof LoadCancelledError && !options.signal?.aborted) continue;
        if (joined && options.refusedForAsker?.(error) && !options.signal?.aborted) continue;
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
    const origin: LoadOrigin = {};
    const fetchedAtOf = () => Math.min(origin.fetchedAt ?? Infinity, this.now());
    const promise = Promise.resolve().then(async (): Promise<Entry> => {
      try {
        const value = await options.load(controller.signal, origin);
        const fetchedAt = fetchedAtOf();
        const weight = Math.max(1, options.weigh?.(value) ?? 1);
        const entry: Entry = { kind: "value", value, fetchedAt, expiresAt: fetchedAt + options.ttlMs, weight };
        this.store(key, entry, flight.forPeople);
        return entry;
      } catch (error) {
        if (error instanceof LoadCancelledError) throw error;
        if (options.cacheError?.(error)) {
          const fetchedAt = fetchedAtOf();
          const entry: Entry = { kind: "error", error, fetchedAt, expiresAt: fetchedAt + options.ttlMs, weight: 1 };
          this.store(key, entry, flight.forPeople);
          return entry;
        }
        if (!options.refusedForAsker?.(error)) this.holdAfterFailure(key, error, options.ttlMs);
        throw error;
      } finally {
        if (this.inFlight.get(key) === flight) this.inFlight.delete(key);
      }
    });
    const flight: Flight = { promise, controller, waiting: 0, wanted: false, forPeople: !options.background };
    this.inFlight.set(key, flight);
    // The caller may have gone (served stale); never leave a rejection unhandled.
    promise.catch(() => undefined);
    return flight;
  }

  private holdAfterFailure(key: string, error: unknown, ttlMs: number): void {
    const entry = this.entries.get(key);
    if (entry?.kind !== "value") return;
    const count = (entry.failures?.count ?? 0) + 1;
    const holdMs = Math.min(ttlMs, (this.options.failureHoldMs ?? 5_000) * 2 ** Math.min(count - 1, 20));
    entry.failures = { count, retryAt: this.now() + holdMs, error };
  }

  private store(key: string, entry: Entry, forPeople: boolean): void {
    const old = this.entries.get(key);
    // A value people read stays theirs when the refresher renews it.
    const backgroundOnly = !forPeople && (!old || this.backgroundOnly.has(key));
    if (old) {
      this.totalWeight -= old.weight;
      this.entries.delete(key);
    }
    this.entries.set(key, entry);
    this.totalWeight += entry.weight;
    this.backgroundOnly.delete(key);
    if (backgroundOnly) this.backgroundOnly.add(key);
    this.evictBeyondBound(key);
  }

  private evictBeyondBound(keep: string): void {
    for (const oldKey of this.backgroundOnly) {
      if (this.totalWeight <= this.options.maxWeight) return;
      if (oldKey !== keep) this.evict(oldKey);
    }
    for (const oldKey of this.entries.keys()) {
      if (this.totalWeight <= this.options.maxWeight || oldKey === keep) break;
      this.evict(oldKey);
    }
  }

  private evict(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.backgroundOnly.delete(key);
    this.totalWeight -= entry.weight;
  }

  private touch(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.backgroundOnly.delete(key);
  }
}
