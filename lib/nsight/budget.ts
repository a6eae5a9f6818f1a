import "server-only";
/** One budget for every N-sight call: 60 starts a minute, bounded concurrency, people first, background paced (docs/nsight-api.md §5). */
import { NsightError } from "./errors";
import { FairShare } from "./fair-share";

export type CallPriority = "interactive" | "background";

export interface BudgetOptions {
  perMinute: number;
  maxConcurrent: number;
  /** Interactive calls that may wait at once; more are refused. Default: `perMinute`. */
  maxQueuedInteractive?: number;
  /** Interactive calls one asker may have started in the window and waiting. Default: a third of `perMinute`. */
  perAsker?: number;
  /** The sliding window the starts are counted in. Default 61 s; tests compress it. */
  windowMs?: number;
  now?: () => number;
}

export interface BudgetStats {
  inFlight: number;
  queued: number;
  startedLastMinute: number;
  pausedForMs: number;
}

/** local: this process alone; shared: every instance through Redis; island: Redis unreachable, this instance's share only. */
export type BudgetMode = "local" | "shared" | "island";

/** What the client and the runtime need of a budget: the one of this process, or the one shared by every instance. */
export interface CallGate {
  readonly mode: BudgetMode;
  readonly maxQueuedInteractive: number;
  /** This process's interactive calls per asker (fair shares are kept in each process). */
  readonly askers: FairShare;
  run<T>(task: () => Promise<T>, priority?: CallPriority, signal?: AbortSignal, asker?: string): Promise<T>;
  /** Holds every call back for `ms` (N-sight answered 429). */
  pause(ms: number): void;
  /** `pausedForMs`: how long background calls are held back (a 429 pause, or a shared budget cut off from Redis). */
  stats(): BudgetStats;
  close(): void;
}

interface Waiter {
  asker: string | undefined;
  start: () => void;
  cancel: (reason: unknown) => void;
}

/** 61 s: the extra second absorbs network jitter, so N-sight never counts more than perMinute in a minute of its own. */
export const WINDOW_MS = 61_000;
export const BACKGROUND_SHARE_WHEN_BUSY = 0.8;

/** Too many interactive calls wait already: when the queue will have gone out. */
export function busyError(queued: number, windowMs: number, perMinute: number): NsightError {
  return new NsightError("busy", "Too many requests are waiting for N-sight right now. Try again in a minute.", {
    retryAfterMs: Math.max(1_000, Math.ceil((queued * windowMs) / perMinute)),
  });
}

export function rateLimitedError(waitMs: number): NsightError {
  return new NsightError("rate_limited", "You have used your share of this minute's N-sight calls. What was read already still opens; try again shortly.", {
    retryAfterMs: Math.max(1_000, waitMs),
  });
}

export class BudgetClosedError extends Error {
  constructor() {
    super("The N-sight call budget was closed");
    this.name = "BudgetClosedError";
  }
}

export class CallBudget implements CallGate {
  readonly mode = "local";
  readonly perMinute: number;
  readonly windowMs: number;
  readonly maxConcurrent: number;
  readonly maxQueuedInteractive: number;
  readonly askers: FairShare;
  private readonly now: () => number;
  private starts: number[] = [];
  private inFlight = 0;
  private backgroundInFlight = 0;
  private lastBackgroundStart = -Infinity;
  private lastInteractiveStart = -Infinity;
  private pausedUntil = 0;
  private readonly queues: Record<CallPriority, Waiter[]> = { interactive: [], background: [] };
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(options: BudgetOptions) {
    if (!(options.perMinute >= 1) || !(options.maxConcurrent >= 1)) {
      throw new RangeError("A call budget needs at least one call a minute and one at a time");
    }
    this.perMinute = Math.floor(options.perMinute);
    this.maxConcurrent = Math.floor(options.maxConcurrent);
    this.maxQueuedInteractive = Math.max(1, Math.floor(options.maxQueuedInteractive ?? options.perMinute));
    this.now = options.now ?? Date.now;
    this.windowMs = options.windowMs ?? WINDOW_MS;
    const perAsker = Math.max(1, Math.floor(options.perAsker ?? this.perMinute / 3));
    // Every asker tracked has a call in the window or in the queue: the map cannot outgrow both.
    this.askers = new FairShare(perAsker, this.windowMs, this.perMinute + this.maxQueuedInteractive);
  }

  /**
   * Rejects if aborted while queued (a started task runs on), "busy" when the interactive
   * queue is full, or "rate_limited" when an interactive call's `asker` has used its share.
   */
  run<T>(task: () => Promise<T>, priority: CallPriority = "interactive", signal?: AbortSignal, asker?: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const queue = this.queues[priority];
      const counted = priority === "interactive" ? asker : undefined;
      if (counted !== undefined) {
        const waitMs = this.askers.waitMs(counted, this.now());
        if (waitMs > 0) {
          reject(this.rateLimitedError(waitMs));
          return;
        }
      }
      if (priority === "interactive" && queue.length >= this.maxQueuedInteractive) {
        reject(this.busyError(queue.length));
        return;
      }
      const onAbort = () => {
        const index = queue.indexOf(waiter);
        if (index !== -1) {
          queue.splice(index, 1);
          if (counted !== undefined) this.askers.release(counted, this.now());
          reject(signal?.reason);
        }
      };
      const waiter: Waiter = {
        asker: counted,
        start: () => {
          signal?.removeEventListener("abort", onAbort);
          this.inFlight++;
          const startedAt = this.now();
          if (priority === "background") {
            this.backgroundInFlight++;
            this.lastBackgroundStart = startedAt;
          } else {
            this.lastInteractiveStart = startedAt;
          }
          if (counted !== undefined) this.askers.start(counted, startedAt);
          this.starts.push(startedAt);
          let settled: Promise<T>;
          try {
            settled = task();
          } catch (error) {
            settled = Promise.reject(error);
          }
          settled.then(resolve, reject).finally(() => {
            this.inFlight--;
            if (priority === "background") this.backgroundInFlight--;
            this.pump();
          });
        },
        cancel: (reason) => {
          if (counted !== undefined) this.askers.release(counted, this.now());
          reject(reason);
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      if (counted !== undefined) this.askers.reserve(counted);
      queue.push(waiter);
      this.pump();
    });
  }

  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
    this.pump();
  }

  /** Counts `count` starts made elsewhere as made just now (a budget taking over from another one). */
  assumeStarted(count: number): void {
    const now = this.now();
    this.dropExpired(now);
    for (let i = 0; i < Math.min(count, this.perMinute); i++) this.starts.push(now);
  }

  stats(): BudgetStats {
    this.dropExpired(this.now());
    return {
      inFlight: this.inFlight,
      queued: this.queues.interactive.length + this.queues.background.length,
      startedLastMinute: this.starts.length,
      pausedForMs: Math.max(0, this.pausedUntil - this.now()),
    };
  }

  close(): void {
    for (const queue of Object.values(this.queues)) {
      for (const waiter of queue.splice(0)) waiter.cancel(new BudgetClosedError());
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private busyError(queued: number): NsightError {
    return busyError(queued, this.windowMs, this.perMinute);
  }

  private rateLimitedError(waitMs: number): NsightError {
    return rateLimitedError(waitMs);
  }

  /** The interactive call to send next: the first of the asker with the fewest calls in the window, so one asker's backlog never delays another's page. */
  private nextInteractive(now: number): Waiter | undefined {
    const queue = this.queues.interactive;
    let best = -1;
    let fewest = Infinity;
    for (let i = 0; i < queue.length && fewest > 0; i++) {
      const asker = queue[i]!.asker;
      const started = asker === undefined ? 0 : this.askers.started(asker, now);
      if (started < fewest) {
        fewest = started;
        best = i;
      }
    }
    return best === -1 ? undefined : queue.splice(best, 1)[0];
  }

  private hasWaiters(): boolean {
    return this.queues.interactive.length > 0 || this.queues.background.length > 0;
  }

  private dropExpired(now: number): void {
    let drop = 0;
    while (drop < this.starts.length && this.starts[drop]! <= now - this.windowMs) drop++;
    if (drop > 0) this.starts.splice(0, drop);
  }

  private backgroundWaitMs(now: number): number | null {
    // Every slot but one (when there is more than one): a page never waits behind it.
    if (this.backgroundInFlight >= Math.max(1, this.maxConcurrent - 1)) return null;
    const spacing = this.windowMs / this.perMinute;
    let wait = this.lastBackgroundStart + spacing - now;
    const busy = now - this.lastInteractiveStart < this.windowMs;
    const cap = busy ? Math.max(1, Math.floor(this.perMinute * BACKGROUND_SHARE_WHEN_BUSY)) : this.perMinute;
    if (this.starts.length >= cap) wait = Math.max(wait, this.starts[this.starts.length - cap]! + this.windowMs - now + 1);
    return Math.max(0, wait);
  }

  private pump(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.inFlight < this.maxConcurrent) {
      const now = this.now();
      this.dropExpired(now);
      let waitMs: number | null;
      let waiter: Waiter | undefined;
      if (now < this.pausedUntil) {
        waitMs = this.hasWaiters() ? this.pausedUntil - now : null;
      } else if (this.queues.interactive.length > 0) {
        waitMs = this.starts.length >= this.perMinute ? this.starts[0]! + this.windowMs - now + 1 : 0;
        if (waitMs === 0) waiter = this.nextInteractive(now);
      } else if (this.queues.background.length > 0) {
        waitMs = this.backgroundWaitMs(now);
        if (waitMs === 0) waiter = this.queues.background.shift();
      } else {
        waitMs = null;
      }
      if (waiter) {
        waiter.start();
        continue;
      }
      if (waitMs !== null && waitMs > 0) {
        this.timer = setTimeout(() => {
          this.timer = null;
          this.pump();
        }, waitMs);
        // A queued call should not keep a finished process (a test, a script) alive.
        this.timer.unref?.();
      }
      return;
    }
  }
}
