import "server-only";
import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { describeError } from "../log";
import {
  BACKGROUND_SHARE_WHEN_BUSY,
  BudgetClosedError,
  busyError,
  CallBudget,
  rateLimitedError,
  WINDOW_MS,
  type BudgetMode,
  type BudgetStats,
  type CallGate,
  type CallPriority,
} from "../nsight/budget";
import { NsightError } from "../nsight/errors";
import { FairShare } from "../nsight/fair-share";
import type { RedisLink } from "./redis-link";

/** One N-sight call budget for every instance, decided by one script on Redis's clock (docs/nsight-api.md §5.1). */

export interface SharedBudgetOptions {
  link: RedisLink;
  instanceId: string;
  perMinute: number;
  maxConcurrent: number;
  /** While Redis is unreachable each instance allows itself `perMinute / maxInstances`: never more than the whole between them. */
  maxInstances: number;
  /** The longest one task runs: a slot still held after this and a margin (a crashed instance's) is free again. */
  callTimeoutMs: number;
  /** Added to callTimeoutMs before a slot counts as abandoned. Default 5 s. */
  slotMarginMs?: number;
  maxQueuedInteractive?: number;
  perAsker?: number;
  windowMs?: number;
  /** The longest wait between two asks of Redis while a call waits; a finished call anywhere wakes waiters at once. */
  pollMs?: number;
  log?: (level: "info" | "warn" | "error", event: string, fields: Record<string, unknown>) => void;
  now?: () => number;
}

interface Waiter {
  priority: CallPriority;
  /** The asker counted against its share (interactive calls only). */
  counted: string | undefined;
  asker: string | undefined;
  signal: AbortSignal | undefined;
  task: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
  onAbort: () => void;
}

interface Verdict {
  started: boolean;
  /** Its asker has had its share of the window on all instances together: refused, not queued. */
  askerSpent: boolean;
  /** -1: wait for a call to finish somewhere (in-flight limit, or people waiting). */
  waitMs: number;
  windowCount: number;
  pausedMs: number;
}

type Command = (...args: (string | number)[]) => Promise<unknown>;
type ScriptedRedis = Redis & Record<"nsbdBudgetAcquire" | "nsbdBudgetRelease" | "nsbdBudgetPause" | "nsbdBudgetRecord" | "nsbdBudgetRemember", Command>;

// Replies are flat arrays of integers: RESP2 and RESP3 read them alike.
// KEYS: window, in flight, background in flight, pause, interactive waiting, last interactive start, last background start,
// the asker's starts (its fair share across instances; ARGV[12] = 0 when the call counts against no asker).
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interactive = ARGV[1] == 'i'
local limit = tonumber(ARGV[3])
local windowMs = tonumber(ARGV[4])
local ttl = tonumber(ARGV[7])
local waitTtl = tonumber(ARGV[8])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - windowMs)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now)
local count = redis.call('ZCARD', KEYS[1])
local paused = redis.call('PTTL', KEYS[4])
if paused < 0 then paused = 0 end
local function refuse(waitMs)
  if interactive then
    redis.call('ZADD', KEYS[5], now + waitTtl, ARGV[9])
    redis.call('PEXPIRE', KEYS[5], waitTtl)
  end
  return {0, waitMs, count, paused, 0}
end
if paused > 0 then return refuse(paused) end
local perAsker = tonumber(ARGV[12])
if interactive and perAsker > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[8], '-inf', now - windowMs)
  if redis.call('ZCARD', KEYS[8]) >= perAsker then
    local oldest = redis.call('ZRANGE', KEYS[8], 0, 0, 'WITHSCORES')
    return {0, tonumber(oldest[2]) + windowMs - now + 1, count, paused, 1}
  end
end
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[5]) then return refuse(-1) end
if interactive then
  if count >= limit then
    local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
    return refuse(tonumber(oldest[2]) + windowMs - now + 1)
  end
else
  if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[6]) then return refuse(-1) end
  if redis.call('ZCARD', KEYS[5]) > 0 then return refuse(-1) end
  local wait = 0
  local last = redis.call('GET', KEYS[7])
  if last then wait = tonumber(last) + math.floor(windowMs / limit) - now end
  local cap = limit
  if redis.call('EXISTS', KEYS[6]) == 1 then cap = tonumber(ARGV[11]) end
  if count >= cap then
    local edge = redis.call('ZRANGE', KEYS[1], count - cap, count - cap, 'WITHSCORES')
    wait = math.max(wait, tonumber(edge[2]) + windowMs - now + 1)
  end
  if wait > 0 then return refuse(wait) end
end
redis.call('ZADD', KEYS[1], now, ARGV[2])
redis.call('PEXPIRE', KEYS[1], windowMs)
redis.call('ZADD', KEYS[2], now + ttl, ARGV[2])
redis.call('PEXPIRE', KEYS[2], ttl)
if interactive then
  redis.call('SET', KEYS[6], now, 'PX', windowMs)
  if perAsker > 0 then
    redis.call('ZADD', KEYS[8], now, ARGV[2])
    redis.call('PEXPIRE', KEYS[8], windowMs)
  end
  if tonumber(ARGV[10]) > 0 then
    redis.call('ZADD', KEYS[5], now + waitTtl, ARGV[9])
    redis.call('PEXPIRE', KEYS[5], waitTtl)
  else
    redis.call('ZREM', KEYS[5], ARGV[9])
  end
else
  redis.call('ZADD', KEYS[3], now + ttl, ARGV[2])
  redis.call('PEXPIRE', KEYS[3], ttl)
  redis.call('SET', KEYS[7], now, 'PX', windowMs)
end
return {1, 0, count + 1, 0, 0}
`;

// KEYS: in flight, background in flight, window. ARGV: member, wake-up channel, window.
// The call counts in the window from when it ended: N-sight saw it no later than that, however late it arrived there.
const RELEASE = `
local t = redis.call('TIME')
redis.call('ZADD', KEYS[3], 'XX', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), ARGV[1])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('PUBLISH', ARGV[2], 'free')
return 1
`;

// KEYS: pause. ARGV: ms. A shorter pause never cuts a longer one short.
const PAUSE = `
local ms = tonumber(ARGV[1])
if redis.call('PTTL', KEYS[1]) < ms then redis.call('SET', KEYS[1], '1', 'PX', ms) end
return redis.call('PTTL', KEYS[1])
`;

// KEYS: window. ARGV: window, member prefix, then how long ago each start was (this instance's elapsed time, never its clock).
const RECORD = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local windowMs = tonumber(ARGV[1])
for i = 3, #ARGV do
  local age = tonumber(ARGV[i])
  if age < windowMs then redis.call('ZADD', KEYS[1], now - age, ARGV[2] .. i) end
end
redis.call('PEXPIRE', KEYS[1], windowMs)
return redis.call('ZCARD', KEYS[1])
`;

// KEYS: window. ARGV: window, then member and age pairs: this instance's own shared starts, put back after a Redis that came back
// empty (restarted); NX leaves those a Redis that kept its data still holds as they are.
const REMEMBER = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local windowMs = tonumber(ARGV[1])
for i = 2, #ARGV - 1, 2 do
  local age = tonumber(ARGV[i + 1])
  if age < windowMs then redis.call('ZADD', KEYS[1], 'NX', now - age, ARGV[i]) end
end
redis.call('PEXPIRE', KEYS[1], windowMs)
return redis.call('ZCARD', KEYS[1])
`;

/** A slot outlives its call's timeout by this much before another instance may take it. */
const IN_FLIGHT_MARGIN_MS = 5_000;
const DEFAULT_POLL_MS = 1_000;

export class SharedBudget implements CallGate {
  readonly perMinute: number;
  readonly maxConcurrent: number;
  readonly maxQueuedInteractive: number;
  readonly windowMs: number;
  readonly askers: FairShare;
  /** This instance's own budget while Redis is unreachable. */
  readonly island: CallBudget;
  private currentMode: BudgetMode;
  private readonly queues: Record<CallPriority, Waiter[]> = { interactive: [], background: [] };
  private readonly maxBackground: number;
  private readonly pollMs: number;
  private readonly now: () => number;
  private inFlight = 0;
  private backgroundInFlight = 0;
  private sequence = 0;
  private islands = 0;
  private islandStarts: number[] = [];
  /** This instance's calls in the shared window (member → start, then end), to put back if Redis restarts empty. */
  private readonly sharedStarts = new Map<string, number>();
  private windowCount = 0;
  private pausedUntil = 0;
  private pumping = false;
  private again = false;
  private rejoining = false;
  private closed = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private rejoinTimer: ReturnType<typeof setInterval> | null = null;
  private readonly unsubscribe: () => void;
  private readonly unwatch: () => void;

  constructor(private readonly options: SharedBudgetOptions) {
    if (!(options.perMinute >= 1) || !(options.maxConcurrent >= 1) || !(options.maxInstances >= 1)) {
      throw new RangeError("A shared call budget needs at least one call a minute, one at a time and one instance");
    }
    this.perMinute = Math.floor(options.perMinute);
    this.maxConcurrent = Math.floor(options.maxConcurrent);
    this.maxQueuedInteractive = Math.max(1, Math.floor(options.maxQueuedInteractive ?? this.perMinute));
    this.windowMs = options.windowMs ?? WINDOW_MS;
    this.maxBackground = Math.max(1, this.maxConcurrent - 1);
    this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
    this.now = options.now ?? Date.now;
    const perAsker = Math.max(1, Math.floor(options.perAsker ?? this.perMinute / 3));
    this.askers = new FairShare(perAsker, this.windowMs, this.perMinute + this.maxQueuedInteractive);
    const share = Math.max(1, Math.floor(this.perMinute / options.maxInstances));
    this.island = new CallBudget({
      perMinute: share,
      maxConcurrent: Math.max(1, Math.floor(this.maxConcurrent / options.maxInstances)),
      perAsker: Math.max(1, Math.floor((perAsker * share) / this.perMinute)),
      windowMs: this.windowMs,
      now: this.now,
    });
    this.currentMode = options.link.up ? "shared" : "island";
    if (this.currentMode === "island") {
      this.island.assumeStarted(this.island.perMinute);
      this.startRejoining();
    }
    this.unsubscribe = options.link.subscribe("budget:wake", () => void this.pump());
    this.unwatch = options.link.onChange((up) => {
      if (up) void this.rejoin();
      else this.enterIsland(new Error("Redis went away"));
    });
  }

  get mode(): BudgetMode {
    return this.currentMode;
  }

  run<T>(task: () => Promise<T>, priority: CallPriority = "interactive", signal?: AbortSignal, asker?: string): Promise<T> {
    if (this.closed) return Promise.reject(new BudgetClosedError());
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.currentMode === "island") return this.runInIsland(task, priority, signal, asker);
    return new Promise<T>((resolve, reject) => {
      const counted = priority === "interactive" ? asker : undefined;
      if (counted !== undefined) {
        const waitMs = this.askers.waitMs(counted, this.now());
        if (waitMs > 0) {
          reject(rateLimitedError(waitMs));
          return;
        }
      }
      const queue = this.queues[priority];
      if (priority === "interactive" && queue.length >= this.maxQueuedInteractive) {
        reject(busyError(queue.length, this.windowMs, this.perMinute));
        return;
      }
      const waiter: Waiter = {
        priority,
        counted,
        asker,
        signal,
        task,
        resolve: resolve as (value: unknown) => void,
        reject,
        onAbort: () => {
          if (!this.dequeue(waiter)) return;
          if (counted !== undefined) this.askers.release(counted, this.now());
          reject(signal?.reason);
        },
      };
      signal?.addEventListener("abort", waiter.onAbort, { once: true });
      if (counted !== undefined) this.askers.reserve(counted);
      queue.push(waiter);
      void this.pump();
    });
  }

  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
    // Held here whatever Redis does; the shared key holds every other instance.
    this.island.pause(ms);
    const { link } = this.options;
    link
      .run(async (redis) => this.scripted(redis).nsbdBudgetPause(link.key("budget:pause"), Math.max(1, Math.ceil(ms))))
      .catch((error: unknown) => this.enterIsland(error));
  }

  stats(): BudgetStats {
    const island = this.island.stats();
    const pausedForMs = Math.max(0, this.pausedUntil - this.now());
    if (this.currentMode === "island") {
      // Background calls are refused until Redis is back: the refresher waits instead of failing device after device.
      return { ...island, inFlight: island.inFlight + this.inFlight, pausedForMs: Math.max(pausedForMs, island.pausedForMs, this.pollMs) };
    }
    return {
      inFlight: this.inFlight + island.inFlight,
      queued: this.queues.interactive.length + this.queues.background.length + island.queued,
      startedLastMinute: this.windowCount,
      pausedForMs,
    };
  }

  close(): void {
    this.closed = true;
    for (const queue of Object.values(this.queues)) {
      for (const waiter of queue.splice(0)) {
        waiter.signal?.removeEventListener("abort", waiter.onAbort);
        if (waiter.counted !== undefined) this.askers.release(waiter.counted, this.now());
        waiter.reject(new BudgetClosedError());
      }
    }
    this.clearTimer();
    this.stopRejoining();
    this.unsubscribe();
    this.unwatch();
    this.island.close();
  }

  private runInIsland<T>(task: () => Promise<T>, priority: CallPriority, signal: AbortSignal | undefined, asker: string | undefined): Promise<T> {
    if (priority === "background") return Promise.reject(this.backgroundRefused());
    const island = this.island.stats();
    // Refused at once rather than queued for up to a window: the page then shows what was read already, stale, without a wait.
    if (island.startedLastMinute + island.queued >= this.island.perMinute) return Promise.reject(this.islandSpent());
    return this.island.run(() => {
      this.noteIslandStart();
      return task();
    }, "interactive", signal, asker);
  }

  private islandSpent(): NsightError {
    return new NsightError("busy", "This server cannot reach Redis and has used its share of N-sight calls for now. What was read already still opens; try again shortly.", {
      retryAfterMs: Math.max(1_000, Math.ceil(this.windowMs / this.island.perMinute)),
    });
  }

  private backgroundRefused(): NsightError {
    return new NsightError("busy", "Background reading waits while this server cannot reach Redis.", { retryAfterMs: Math.max(1_000, this.pollMs) });
  }

  private noteIslandStart(): void {
    const now = this.now();
    if (this.currentMode === "island") {
      this.islandStarts = this.islandStarts.filter((at) => at > now - this.windowMs);
      this.islandStarts.push(now);
      return;
    }
    // Queued while cut off, started after Redis came back: it still counts in the shared window.
    void this.record([0]).catch(() => undefined);
  }

  private dequeue(waiter: Waiter): boolean {
    const queue = this.queues[waiter.priority];
    const index = queue.indexOf(waiter);
    if (index === -1) return false;
    queue.splice(index, 1);
    return true;
  }

  /** The call to ask Redis for: this instance's people first, the asker with the fewest calls in the window first among them. */
  private head(): Waiter | undefined {
    const now = this.now();
    let best: Waiter | undefined;
    let fewest = Infinity;
    for (const waiter of this.queues.interactive) {
      const started = waiter.counted === undefined ? 0 : this.askers.started(waiter.counted, now);
      if (started < fewest) {
        fewest = started;
        best = waiter;
        if (fewest === 0) break;
      }
    }
    if (best) return best;
    return this.backgroundInFlight < this.maxBackground ? this.queues.background[0] : undefined;
  }

  private async pump(): Promise<void> {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      for (;;) {
        this.again = false;
        this.clearTimer();
        if (this.closed) return;
        if (this.currentMode === "island") {
          this.moveQueuedToIsland();
          return;
        }
        if (this.inFlight >= this.maxConcurrent) return;
        const waiter = this.head();
        if (!waiter) return;
        const member = `${this.options.instanceId}:${++this.sequence}`;
        let verdict: Verdict;
        try {
          verdict = await this.acquire(waiter.priority, member, waiter.counted);
        } catch (error) {
          // A frozen Redis still runs the timed-out script when it thaws: the release queued behind it frees that slot.
          void this.release(member);
          this.enterIsland(error);
          continue;
        }
        this.windowCount = verdict.windowCount;
        if (verdict.pausedMs > 0) this.pausedUntil = Math.max(this.pausedUntil, this.now() + verdict.pausedMs);
        if (verdict.started) {
          this.start(waiter, member);
          continue;
        }
        if (verdict.askerSpent) {
          this.refuseAsker(waiter, verdict.waitMs);
          continue;
        }
        if (this.again) continue;
        // People waiting re-register before their mark in Redis expires; background sleeps the whole wait.
        let waitMs = verdict.waitMs < 0 ? this.pollMs : verdict.waitMs;
        if (waiter.priority === "interactive") waitMs = Math.min(waitMs, this.pollMs);
        this.timer = setTimeout(() => {
          this.timer = null;
          void this.pump();
        }, Math.max(1, waitMs));
        this.timer.unref?.();
        return;
      }
    } finally {
      this.pumping = false;
    }
  }

  private start(waiter: Waiter, member: string): void {
    if (!this.dequeue(waiter)) {
      // Its caller left while Redis was deciding: the slot goes back, the start stays counted.
      void this.release(member);
      return;
    }
    waiter.signal?.removeEventListener("abort", waiter.onAbort);
    const background = waiter.priority === "background";
    this.inFlight++;
    if (background) this.backgroundInFlight++;
    if (waiter.counted !== undefined) this.askers.start(waiter.counted, this.now());
    this.noteShared(member);
    let settled: Promise<unknown>;
    try {
      settled = waiter.task();
    } catch (error) {
      settled = Promise.reject(error);
    }
    settled.then(waiter.resolve, waiter.reject).finally(() => {
      this.inFlight--;
      if (background) this.backgroundInFlight--;
      if (this.sharedStarts.has(member)) this.sharedStarts.set(member, this.now());
      void this.release(member);
      void this.pump();
    });
  }

  private refuseAsker(waiter: Waiter, waitMs: number): void {
    if (!this.dequeue(waiter)) return;
    waiter.signal?.removeEventListener("abort", waiter.onAbort);
    if (waiter.counted !== undefined) this.askers.release(waiter.counted, this.now());
    waiter.reject(rateLimitedError(waitMs));
  }

  private async acquire(priority: CallPriority, member: string, asker: string | undefined): Promise<Verdict> {
    const { link } = this.options;
    const interactive = priority === "interactive";
    // Still waiting here after this one starts: other instances' background holds back for them.
    const waitingAfter = this.queues.interactive.length - (interactive ? 1 : 0);
    const reply = await link.run(async (redis) =>
      this.scripted(redis).nsbdBudgetAcquire(
        link.key("budget:window"),
        link.key("budget:inflight"),
        link.key("budget:inflight-background"),
        link.key("budget:pause"),
        link.key("budget:people-waiting"),
        link.key("budget:last-interactive"),
        link.key("budget:last-background"),
        // Hashed: an asker's name never shapes a key, and every key is as short.
        link.key(`budget:asker:${asker === undefined ? "-" : createHash("sha256").update(asker).digest("base64url").slice(0, 22)}`),
        interactive ? "i" : "b",
        member,
        this.perMinute,
        this.windowMs,
        this.maxConcurrent,
        this.maxBackground,
        this.options.callTimeoutMs + (this.options.slotMarginMs ?? IN_FLIGHT_MARGIN_MS),
        3 * this.pollMs,
        this.options.instanceId,
        waitingAfter,
        Math.max(1, Math.floor(this.perMinute * BACKGROUND_SHARE_WHEN_BUSY)),
        asker === undefined ? 0 : this.askers.limit,
      ),
    );
    if (!Array.isArray(reply) || reply.length !== 5) throw new Error("Unexpected answer from the budget script");
    const [started, waitMs, windowCount, pausedMs, askerSpent] = reply.map(Number) as [number, number, number, number, number];
    return { started: started === 1, askerSpent: askerSpent === 1, waitMs, windowCount, pausedMs };
  }

  private async release(member: string): Promise<void> {
    const { link } = this.options;
    try {
      await link.run(async (redis) =>
        this.scripted(redis).nsbdBudgetRelease(link.key("budget:inflight"), link.key("budget:inflight-background"), link.key("budget:window"), member, link.key("budget:wake"), this.windowMs),
      );
    } catch {
      // The slot expires by itself (callTimeoutMs and a margin).
    }
  }

  private record(ages: number[], prefix = `${this.options.instanceId}:island:${++this.islands}:`): Promise<unknown> {
    const { link } = this.options;
    return link.run(async (redis) => this.scripted(redis).nsbdBudgetRecord(link.key("budget:window"), this.windowMs, prefix, ...ages));
  }

  private noteShared(member: string): void {
    const now = this.now();
    // In start order, ends only later: the oldest first, so pruning stops at the first one still in the window.
    for (const [old, at] of this.sharedStarts) {
      if (at > now - this.windowMs) break;
      this.sharedStarts.delete(old);
    }
    this.sharedStarts.set(member, now);
  }

  private async remember(now: number): Promise<void> {
    const pairs = [...this.sharedStarts].filter(([, at]) => at > now - this.windowMs).flatMap(([member, at]) => [member, now - at]);
    if (pairs.length === 0) return;
    const { link } = this.options;
    await link.run(async (redis) => this.scripted(redis).nsbdBudgetRemember(link.key("budget:window"), this.windowMs, ...pairs));
  }

  private enterIsland(error: unknown): void {
    if (this.closed) return;
    if (this.currentMode !== "island") {
      this.currentMode = "island";
      // The shared window may have filled since this instance last looked (a third of it was not enough: 67 calls in a minute
      // end to end): an island starts only once a whole window has passed since Redis went away.
      this.island.assumeStarted(this.island.perMinute);
      this.options.log?.("warn", "budget.island", { instance: this.options.instanceId, error: describeError(error) });
    }
    this.moveQueuedToIsland();
    this.startRejoining();
  }

  private moveQueuedToIsland(): void {
    for (const waiter of this.queues.interactive.splice(0)) {
      waiter.signal?.removeEventListener("abort", waiter.onAbort);
      if (waiter.counted !== undefined) this.askers.release(waiter.counted, this.now());
      this.runInIsland(waiter.task, "interactive", waiter.signal, waiter.asker).then(waiter.resolve, waiter.reject);
    }
    for (const waiter of this.queues.background.splice(0)) {
      waiter.signal?.removeEventListener("abort", waiter.onAbort);
      waiter.reject(this.backgroundRefused());
    }
  }

  /** Back to the shared budget, first writing this instance's island starts into the shared window, so they still count. */
  private async rejoin(): Promise<void> {
    if (this.currentMode !== "island" || this.rejoining || this.closed || !this.options.link.up) return;
    this.rejoining = true;
    try {
      const now = this.now();
      const recent = this.islandStarts.filter((at) => at > now - this.windowMs);
      const ages = recent.map((at) => now - at);
      await this.record(ages);
      await this.remember(now);
      // A 429's pause is held here too: a Redis that restarted empty gets it back.
      const pausedForMs = this.pausedUntil - now;
      if (pausedForMs > 0) await this.options.link.run(async (redis) => this.scripted(redis).nsbdBudgetPause(this.options.link.key("budget:pause"), Math.ceil(pausedForMs)));
      // The other islands spent as this one did, and may write their starts only after this one has admitted calls (61 in a
      // minute end to end): stand-ins for them, named alike on every instance so that each rejoiner replaces, not adds, them.
      for (let other = 1; other < this.options.maxInstances; other++) await this.record(ages, `island-stand-in:${other}:`);
      this.islandStarts = [];
      this.currentMode = "shared";
      this.stopRejoining();
      this.options.log?.("info", "budget.shared", { instance: this.options.instanceId, islandStarts: recent.length });
      void this.pump();
    } catch {
      // Still cut off: the next tick or the link coming back tries again.
    } finally {
      this.rejoining = false;
    }
  }

  private startRejoining(): void {
    if (this.rejoinTimer || this.closed) return;
    this.rejoinTimer = setInterval(() => void this.rejoin(), this.pollMs);
    this.rejoinTimer.unref?.();
  }

  private stopRejoining(): void {
    if (this.rejoinTimer) clearInterval(this.rejoinTimer);
    this.rejoinTimer = null;
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private scripted(redis: Redis): ScriptedRedis {
    const scripted = redis as ScriptedRedis;
    // defineCommand sends EVALSHA and falls back to EVAL when Redis has not seen the script (after a restart).
    if (typeof scripted.nsbdBudgetAcquire !== "function") {
      redis.defineCommand("nsbdBudgetAcquire", { numberOfKeys: 8, lua: ACQUIRE });
      redis.defineCommand("nsbdBudgetRelease", { numberOfKeys: 3, lua: RELEASE });
      redis.defineCommand("nsbdBudgetPause", { numberOfKeys: 1, lua: PAUSE });
      redis.defineCommand("nsbdBudgetRecord", { numberOfKeys: 1, lua: RECORD });
      redis.defineCommand("nsbdBudgetRemember", { numberOfKeys: 1, lua: REMEMBER });
    }
    return scripted;
  }
}
