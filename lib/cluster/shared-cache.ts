import "server-only";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import { brotliCompress, brotliDecompress, constants } from "node:zlib";
import type { LoadOptions, LoadOrigin, SwrCache } from "../cache/swr-cache";
import { isNsightError, NsightError, type NsightErrorKind } from "../nsight/errors";
import { RedisUnavailableError, type RedisLink } from "./redis-link";

/**
 * The second cache level when instances share Redis (docs/deployment.md § The shared cache): one N-sight call per
 * resource per TTL across instances, the failure hold shared, each answer stored brotli-compressed.
 */

const compress = promisify(brotliCompress);
const decompress = promisify(brotliDecompress);

export interface SharedLoadOptions<T> {
  ttlMs: number;
  /** A shared copy older than this is not fresh for this asker (LoadOptions.maxAgeMs). */
  maxAgeMs?: number;
  load: (signal: AbortSignal) => Promise<T>;
  signal: AbortSignal;
  /** Receives the time N-sight gave a copy read from Redis, so this instance's TTL counts from then. */
  origin: LoadOrigin;
  /** When this instance's own last copy was fetched: during a shared hold, a shared copy no newer is not worth reading. */
  localFetchedAt?: number;
  cacheError?: (error: unknown) => boolean;
  refusedForAsker?: (error: unknown) => boolean;
}

export interface SharedCacheOptions {
  /** A claim lasts this long unless its holder renews it while loading: a claimant that died frees it after this. */
  claimMs: number;
  /** Past its TTL, how long a copy stays to be served stale while N-sight fails. */
  keepStaleMs?: number;
  /** The first shared hold after a failure, doubling with each failure, at most the TTL. */
  failureHoldMs?: number;
  /** How often a waiting instance looks again in case a fill notice was missed. */
  pollMs?: number;
  /** At start, how long reads wait for the first connection to Redis rather than each calling N-sight alone. */
  connectGraceMs?: number;
  now?: () => number;
}

interface SharedError {
  kind: NsightErrorKind;
  message: string;
  service?: string;
  errorCode?: number;
  httpStatus?: number;
}

type SharedRecord = { at: number; value: unknown } | { at: number; error: SharedError };

interface Seen {
  record: SharedRecord | undefined;
  hold: SharedError | undefined;
  claimed: boolean;
}

const FILL_CHANNEL = "cache-fill";
const DEFAULT_KEEP_STALE_MS = 24 * 3_600_000;
const MAX_KEY_LENGTH = 200;
/** Only N-sight failing holds the others: a malformed request or our own full queue says nothing about the resource. */
const HELD_KINDS = new Set<NsightErrorKind>(["unavailable", "timeout", "throttled", "bad_response", "auth"]);
/** JSON has no negative zero, and a number formatter prints "-0": it travels as a marked string. */
const MARK = "\u0000";
const NEGATIVE_ZERO = `${MARK}-0`;
const ESCAPED_MARK = "\\u0000";

/** The copy's bytes when fresh, or when held and newer than the asker's own; with the hold and whether a claim is held. */
const LOOK = `local at = tonumber(redis.call("get", KEYS[2]) or "-1")
local hold = redis.call("get", KEYS[3])
local value = false
if at > tonumber(ARGV[1]) or (hold and at > tonumber(ARGV[2])) then value = redis.call("get", KEYS[1]) end
return {value, hold, redis.call("exists", KEYS[4])}`;
const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) end return 0`;
/** The hold doubles with each failure in a row (counted in Redis, so across instances), at most the TTL. */
const HOLD = `local n = redis.call("incr", KEYS[1])
redis.call("pexpire", KEYS[1], ARGV[3])
local ms = math.min(tonumber(ARGV[2]), tonumber(ARGV[1]) * 2 ^ math.min(n - 1, 20))
return redis.call("set", KEYS[2], ARGV[4], "PX", math.max(1, math.floor(ms)))`;
const RENEW = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) end return 0`;

export class SharedCache {
  private readonly waiters = new Map<string, Set<() => void>>();
  private unsubscribe: (() => void) | null = null;
  private readonly now: () => number;
  private readonly keepStaleMs: number;
  /** Resolves once Redis first answers, or when the grace after start is over. */
  private readonly connected: Promise<void>;

  constructor(
    private readonly link: RedisLink,
    private readonly options: SharedCacheOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.keepStaleMs = options.keepStaleMs ?? DEFAULT_KEEP_STALE_MS;
    this.connected = link.up
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const timer = setTimeout(done, options.connectGraceMs ?? 1_000);
          timer.unref?.();
          const stop = link.onChange((up) => up && done());
          function done() {
            clearTimeout(timer);
            stop();
            resolve();
          }
        });
  }

  /** The value for `key`: a fresh shared copy, or this instance's load under a claim, or whoever holds the claim's answer. */
  async load<T>(key: string, options: SharedLoadOptions<T>): Promise<T> {
    // The fleet refresher reads the whole inventory as the process starts, before the link has connected.
    await this.connected;
    // Redis down: the shared level is skipped at once, and the process works alone as without it. A key
    // longer than any resource's names no N-sight resource: the client refuses it, and Redis never sees it.
    if (!this.link.up || key.length > MAX_KEY_LENGTH) return options.load(options.signal);
    // A live claimant renews its claim; past this, waiting longer would cost a person more than a second call costs N-sight.
    const giveUpAt = this.now() + 2 * this.options.claimMs;
    const freshForMs = Math.min(options.ttlMs, options.maxAgeMs ?? Infinity);
    for (;;) {
      options.signal.throwIfAborted();
      let seen: Seen;
      try {
        seen = await this.look(key, freshForMs, options.localFetchedAt);
      } catch (error) {
        if (error instanceof RedisUnavailableError) return options.load(options.signal);
        throw error;
      }
      const { record, hold } = seen;
      if (record && record.at + freshForMs > this.now()) return unpack(record, options.origin) as T;
      if (hold) {
        if (record && "value" in record && (options.localFetchedAt === undefined || record.at > options.localFetchedAt)) {
          return unpack(record, options.origin) as T;
        }
        throw toError(hold);
      }
      if (this.now() > giveUpAt) return options.load(options.signal);
      if (!seen.claimed) {
        const token = randomUUID();
        const won = await this.link
          .run((redis) => redis.set(this.link.key(`claim:${key}`), token, "PX", this.options.claimMs, "NX"))
          .then((answer) => answer === "OK")
          .catch(() => null);
        if (won === null) return options.load(options.signal);
        if (won) return this.loadAsClaimant(key, token, options);
      }
      await this.waitForFill(key, options.signal);
    }
  }

  /** `options` for `local.get(key, …)` whose load goes through this shared level first. */
  wrap<T>(local: SwrCache, key: string, options: LoadOptions<T>): LoadOptions<T> {
    return {
      ...options,
      load: (signal, origin) =>
        this.load(key, {
          ttlMs: options.ttlMs,
          maxAgeMs: options.maxAgeMs,
          load: (s) => options.load(s, origin),
          signal,
          origin,
          localFetchedAt: local.peek(key)?.fetchedAt,
          cacheError: options.cacheError,
          refusedForAsker: options.refusedForAsker,
        }),
    };
  }

  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** One round trip; the copy's bytes only when they will be used, not on every poll of a waiting instance. */
  private async look(key: string, freshForMs: number, localFetchedAt: number | undefined): Promise<Seen> {
    const keys = [`value:${key}`, `at:${key}`, `hold:${key}`, `claim:${key}`].map((name) => this.link.key(name));
    const answer = await this.link.run((redis) => redis.callBuffer("EVAL", LOOK, keys.length, ...keys, this.now() - freshForMs, localFetchedAt ?? -1));
    const [value, hold, claimed] = Array.isArray(answer) ? (answer as unknown[]) : [];
    return {
      record: value instanceof Buffer ? await decode(value) : undefined,
      hold: hold instanceof Buffer ? parseError(hold.toString()) : undefined,
      claimed: claimed === 1,
    };
  }

  private async loadAsClaimant<T>(key: string, token: string, options: SharedLoadOptions<T>): Promise<T> {
    const claim = this.link.key(`claim:${key}`);
    const renew = setInterval(() => {
      this.link.run((redis) => redis.eval(RENEW, 1, claim, token, this.options.claimMs)).catch(() => undefined);
    }, this.options.claimMs / 3);
    renew.unref?.();
    let value: T;
    try {
      value = await options.load(options.signal);
    } catch (error) {
      clearInterval(renew);
      const at = this.now();
      let record: SharedRecord | undefined;
      let holdWith: SharedError | undefined;
      if (!options.signal.aborted && isNsightError(error)) {
        if (options.cacheError?.(error)) record = { at, error: describe(error) };
        else if (!options.refusedForAsker?.(error) && HELD_KINDS.has(error.kind)) holdWith = describe(error);
      }
      await this.settle(key, token, { record, keepMs: options.ttlMs, holdWith, ttlMs: options.ttlMs });
      throw error;
    }
    clearInterval(renew);
    const at = this.now();
    options.origin.fetchedAt = at;
    // The asker need not wait for the copy to be compressed and written; the claim is released once it is.
    void this.settle(key, token, { record: { at, value }, keepMs: options.ttlMs + this.keepStaleMs, ttlMs: options.ttlMs });
    return value;
  }

  /** Writes the outcome, releases the claim and tells the waiting instances; Redis failing here only costs them a call. */
  private async settle(key: string, token: string, outcome: { record?: SharedRecord; keepMs: number; holdWith?: SharedError; ttlMs: number }): Promise<void> {
    try {
      const bytes = outcome.record ? await encode(outcome.record) : null;
      await this.link.run((redis) => {
        const batch = redis.multi();
        if (bytes && outcome.record) {
          const keepMs = Math.max(1, Math.round(outcome.keepMs));
          batch.set(this.link.key(`value:${key}`), bytes, "PX", keepMs).set(this.link.key(`at:${key}`), outcome.record.at, "PX", keepMs);
        }
        if (outcome.record && "value" in outcome.record) batch.del(this.link.key(`hold:${key}`), this.link.key(`failures:${key}`));
        if (outcome.holdWith) {
          const firstHoldMs = this.options.failureHoldMs ?? 5_000;
          const keys = [this.link.key(`failures:${key}`), this.link.key(`hold:${key}`)];
          batch.eval(HOLD, 2, ...keys, firstHoldMs, outcome.ttlMs, outcome.ttlMs + this.keepStaleMs, JSON.stringify(outcome.holdWith));
        }
        batch.eval(RELEASE, 1, this.link.key(`claim:${key}`), token);
        batch.publish(this.link.key(FILL_CHANNEL), key);
        return batch.exec();
      });
    } catch {
      // Nothing to do: the claim expires by itself and the others load.
    }
  }

  private waitForFill(key: string, signal: AbortSignal): Promise<void> {
    this.unsubscribe ??= this.link.subscribe(FILL_CHANNEL, (filled) => {
      for (const wake of this.waiters.get(filled) ?? []) wake();
    });
    return new Promise<void>((resolve, reject) => {
      let set = this.waiters.get(key);
      if (!set) {
        set = new Set();
        this.waiters.set(key, set);
      }
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", aborted);
        set.delete(done);
        if (set.size === 0 && this.waiters.get(key) === set) this.waiters.delete(key);
      };
      const wake = () => {
        done();
        resolve();
      };
      const aborted = () => {
        done();
        reject(signal.reason);
      };
      const timer = setTimeout(wake, this.options.pollMs ?? 250);
      set.add(wake);
      signal.addEventListener("abort", aborted, { once: true });
    });
  }
}

function unpack(record: SharedRecord, origin: LoadOrigin): unknown {
  origin.fetchedAt = record.at;
  if ("error" in record) throw toError(record.error);
  return record.value;
}

function describe(error: NsightError): SharedError {
  return { kind: error.kind, message: error.message, service: error.service, errorCode: error.errorCode, httpStatus: error.httpStatus };
}

function toError(shared: SharedError): NsightError {
  return new NsightError(shared.kind, shared.message, { service: shared.service, errorCode: shared.errorCode, httpStatus: shared.httpStatus });
}

function parseError(text: string): SharedError | undefined {
  try {
    const parsed = JSON.parse(text) as Partial<SharedError>;
    return typeof parsed.kind === "string" && typeof parsed.message === "string" ? (parsed as SharedError) : undefined;
  } catch {
    return undefined;
  }
}

/** Exact for what N-sight answers are made of: strings, finite numbers (negative zero too), booleans, null, arrays, plain objects. */
export async function encode(record: SharedRecord): Promise<Buffer> {
  const json = Buffer.from(JSON.stringify(record, markNegativeZero));
  // Quality 1 already stores a history in a ninth of its JSON, in a tenth of quality 5's time (npm run bench -- shared-cache).
  return compress(json, { params: { [constants.BROTLI_PARAM_QUALITY]: 1, [constants.BROTLI_PARAM_SIZE_HINT]: json.length } });
}

/** A copy that cannot be read counts as absent: it is loaded again. */
export async function decode(bytes: Buffer): Promise<SharedRecord | undefined> {
  try {
    const text = (await decompress(bytes)).toString();
    // The reviver costs a call per value: only for the rare answer that needs it.
    const record = (text.includes(ESCAPED_MARK) ? JSON.parse(text, unmarkNegativeZero) : JSON.parse(text)) as SharedRecord;
    return typeof record === "object" && record !== null && typeof record.at === "number" ? record : undefined;
  } catch {
    return undefined;
  }
}

function markNegativeZero(_key: string, value: unknown): unknown {
  if (value === 0) return Object.is(value, -0) ? NEGATIVE_ZERO : value;
  // A string that starts with the mark gets one more, so none is mistaken for negative zero.
  if (typeof value === "string" && value.startsWith(MARK)) return MARK + value;
  return value;
}

function unmarkNegativeZero(_key: string, value: unknown): unknown {
  if (typeof value !== "string" || !value.startsWith(MARK)) return value;
  return value === NEGATIVE_ZERO ? -0 : value.slice(MARK.length);
}
