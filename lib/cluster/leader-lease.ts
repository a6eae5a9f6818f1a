import "server-only";
import { performance } from "node:perf_hooks";
import type { RedisLink } from "./redis-link";

/**
 * Which instance does the once-per-fleet work (docs/deployment.md § One refresher: the leader).
 * A lease in Redis with a fencing token; the holder steps down on its own monotonic deadline,
 * before the lease can expire in Redis, so two leaders never overlap while clocks run at the same rate.
 */

export type LeaseRole = "leader" | "follower";
export type DemotionReason = "lost" | "deadline" | "stopped" | "fenced";

export interface LeaderLeaseOptions {
  link: RedisLink;
  instanceId: string;
  /** The lease's life in Redis. */
  ttlMs?: number;
  renewEveryMs?: number;
  /** How often a follower tries to take the lease (and at once on a "released" notice). */
  tryEveryMs?: number;
  /** The holder steps down this long before the lease could expire in Redis. */
  marginMs?: number;
  name?: string;
}

export interface LeaseListeners {
  elected?: (fence: number) => void | Promise<void>;
  demoted?: (reason: DemotionReason) => void | Promise<void>;
}

export const DEFAULT_LEASE_TTL_MS = 15_000;
export const DEFAULT_LEASE_TRY_MS = 3_000;
const RELEASED_CHANNEL = "leader:released";

// The token and the holder are set together: whoever holds the key holds the fence written beside it.
const ACQUIRE = `
local current = redis.call('GET', KEYS[1])
if current and string.match(current, '^%d+|(.*)$') ~= ARGV[1] then return false end
local fence = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], fence .. '|' .. ARGV[1], 'PX', ARGV[2])
return fence`;

const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

const RAISE_FENCE = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end
return 1`;

// Deletes only its own lease, and tells the followers in the same command: a process about to exit may not get a second one out.
const RELEASE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
if ARGV[2] ~= '' then redis.call('PUBLISH', ARGV[2], ARGV[3]) end
return 1`;

export class LeaderLease {
  readonly ttlMs: number;
  readonly renewEveryMs: number;
  readonly tryEveryMs: number;
  readonly marginMs: number;
  private readonly leaseKey: string;
  private readonly fenceKey: string;
  private readonly listeners: LeaseListeners[] = [];
  private currentRole: LeaseRole = "follower";
  private fence: number | null = null;
  private sinceMs = Date.now();
  /** performance.now() past which this instance no longer counts itself the leader. */
  private deadline = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private deadlineTimer: ReturnType<typeof setTimeout> | null = null;
  private busy = false;
  private running = false;
  private unsubscribe: (() => void) | null = null;
  private unwatch: (() => void) | null = null;

  constructor(private readonly options: LeaderLeaseOptions) {
    this.ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
    this.renewEveryMs = options.renewEveryMs ?? Math.floor(this.ttlMs / 3);
    this.tryEveryMs = options.tryEveryMs ?? DEFAULT_LEASE_TRY_MS;
    this.marginMs = options.marginMs ?? Math.floor(this.ttlMs / 5);
    const name = options.name ?? "fleet";
    this.leaseKey = options.link.key(`leader:${name}`);
    this.fenceKey = options.link.key(`leader:${name}:fence`);
  }

  on(listeners: LeaseListeners): void {
    this.listeners.push(listeners);
  }

  /** True only while the lease is held and its local deadline has not passed, even if the deadline timer is late. */
  get isLeader(): boolean {
    return this.currentRole === "leader" && performance.now() < this.deadline;
  }

  get role(): LeaseRole {
    return this.isLeader ? "leader" : "follower";
  }

  status(): { role: LeaseRole; fence: number | null; since: number } {
    return { role: this.role, fence: this.fence, since: this.sinceMs };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.options.link.subscribe(RELEASED_CHANNEL, () => {
      if (this.currentRole === "follower") this.schedule(0);
    });
    this.unwatch = this.options.link.onChange((up) => {
      if (up && this.currentRole === "follower") this.schedule(0);
    });
    this.schedule(0);
  }

  /**
   * Stops trying; a holder stops counting itself leader and hands the lease over at once, while its listeners
   * stop the work: the process may exit any moment, and the store's fence refuses a write that lands after the next leader's.
   */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.clearTimers();
    this.unsubscribe?.();
    this.unwatch?.();
    if (this.currentRole !== "leader") return;
    const token = this.token();
    const demoted = this.demote("stopped");
    await Promise.all([demoted, this.release(token, true)]);
  }

  private async release(token: string, announce: boolean): Promise<void> {
    const channel = announce ? this.options.link.key(RELEASED_CHANNEL) : "";
    // Redis away: the lease runs out by itself.
    await this.options.link.run((redis) => redis.eval(RELEASE, 1, this.leaseKey, token, channel, this.options.instanceId)).catch(() => undefined);
  }

  /** The store refused this holder's write (a newer fence wrote): it steps down and lets go of the lease if it still has it. */
  async resign(): Promise<void> {
    if (this.currentRole !== "leader") return;
    const token = this.token();
    await this.demote("fenced");
    await this.release(token, false);
  }

  /** The next fence handed out is above `fence`: after Redis lost its data (restarted empty) the store may have seen higher ones. */
  async raiseFenceAbove(fence: number): Promise<void> {
    await this.options.link.run((redis) => redis.eval(RAISE_FENCE, 1, this.fenceKey, String(fence)));
  }

  /** Stops without releasing, as a process that dies would: for tests of takeover. */
  abandon(): void {
    this.running = false;
    this.clearTimers();
    this.unsubscribe?.();
    this.unwatch?.();
    this.currentRole = "follower";
  }

  private token(): string {
    return `${this.fence}|${this.options.instanceId}`;
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.step();
    }, delayMs);
    this.timer.unref?.();
  }

  private async step(): Promise<void> {
    if (!this.running) return;
    if (this.busy) {
      this.schedule(50);
      return;
    }
    this.busy = true;
    try {
      if (this.currentRole === "leader") await this.renew();
      else await this.tryAcquire();
    } finally {
      this.busy = false;
    }
  }

  private async tryAcquire(): Promise<void> {
    const sentAt = performance.now();
    let fence: number | null = null;
    try {
      fence = await this.options.link.run((redis) => redis.eval(ACQUIRE, 2, this.leaseKey, this.fenceKey, this.options.instanceId, String(this.ttlMs)) as Promise<number | null>);
    } catch {
      fence = null;
    }
    if (!this.running) {
      // Stopped while asking: a lease taken meanwhile is handed back rather than left to expire.
      if (fence !== null) await this.release(`${fence}|${this.options.instanceId}`, true);
      return;
    }
    // Spread over ±20 %: followers that started together do not keep asking in step.
    const next = this.tryEveryMs * (0.8 + Math.random() * 0.4);
    if (fence === null) {
      this.schedule(next);
      return;
    }
    this.currentRole = "leader";
    this.fence = Number(fence);
    this.sinceMs = Date.now();
    this.extendDeadline(sentAt);
    this.schedule(this.renewEveryMs);
    // Not awaited: renewals go on while the listeners warm up (their own transitions are serialised).
    void this.emit((l) => l.elected?.(this.fence!));
  }

  private async renew(): Promise<void> {
    const sentAt = performance.now();
    let renewed: boolean | null;
    try {
      renewed = (await this.options.link.run((redis) => redis.eval(RENEW, 1, this.leaseKey, this.token(), String(this.ttlMs)))) === 1;
    } catch {
      renewed = null;
    }
    if (!this.running || this.currentRole !== "leader") return;
    if (renewed === false) {
      void this.demote("lost");
      return;
    }
    if (renewed) this.extendDeadline(sentAt);
    // A failed renewal is tried again soon, until the local deadline says stop.
    this.schedule(renewed ? this.renewEveryMs : Math.min(this.renewEveryMs, 500));
  }

  /** Counted from before the command went out: Redis started the lease's time no earlier. */
  private extendDeadline(sentAt: number): void {
    this.deadline = sentAt + this.ttlMs - this.marginMs;
    this.armDeadline();
  }

  private armDeadline(): void {
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = setTimeout(() => {
      this.deadlineTimer = null;
      if (this.currentRole !== "leader") return;
      // Timers run on a coarser clock and may fire a little early.
      if (performance.now() >= this.deadline) void this.demote("deadline");
      else this.armDeadline();
    }, Math.max(0, this.deadline - performance.now()) + 1);
    this.deadlineTimer.unref?.();
  }

  private async demote(reason: DemotionReason): Promise<void> {
    if (this.currentRole !== "leader") return;
    this.currentRole = "follower";
    this.deadline = 0;
    this.sinceMs = Date.now();
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = null;
    if (reason !== "stopped") this.schedule(this.tryEveryMs);
    await this.emit((l) => l.demoted?.(reason));
  }

  private async emit(call: (listeners: LeaseListeners) => void | Promise<void>): Promise<void> {
    for (const listeners of this.listeners) {
      try {
        await call(listeners);
      } catch {
        // A listener's failure is its own to report; the lease keeps its state.
      }
    }
  }

  private clearTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.timer = null;
    this.deadlineTimer = null;
  }
}
