import "server-only";
import type { RedisLink } from "./redis-link";

/**
 * The leader's word that it wrote fleet state, so every follower's fleet view, home page and NOC wall
 * show the same (docs/deployment.md § One refresher: the leader). The store holds the state; a notice only says where to look.
 */

export const FLEET_CHANGED_CHANNEL = "fleet:changed";
/** More ids than this in one write (a discovery, an account change): followers reload whole instead. */
const MAX_IDS_PER_NOTICE = 2_000;
const MAX_NOTICE_CHARS = 256_000;
const MAX_ID_CHARS = 64;
export const CHECK_EVERY_MS = 60_000;

export interface FleetChangeNotice {
  /** The leader's fencing token: a new one means a new leader, whose earlier notices this follower never saw. */
  fence: number;
  /** Counts this leader's writes: a gap means a notice was missed. */
  generation: number;
  /** null: too many to list, reload whole. */
  ids: string[] | null;
}

export function parseNotice(text: string): FleetChangeNotice | null {
  if (text.length > MAX_NOTICE_CHARS) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const { fence, generation, ids } = value as Record<string, unknown>;
  if (!Number.isSafeInteger(fence) || !Number.isSafeInteger(generation)) return null;
  if (ids !== null && !(Array.isArray(ids) && ids.length <= MAX_IDS_PER_NOTICE && ids.every((id) => typeof id === "string" && id.length > 0 && id.length <= MAX_ID_CHARS))) return null;
  return { fence: fence as number, generation: generation as number, ids: ids as string[] | null };
}

/** The leader's side: one notice per store write, numbered. */
export class FleetChangePublisher {
  private generation = 0;

  constructor(
    private readonly link: RedisLink,
    private readonly fence: number,
  ) {}

  /** Never throws: a notice lost while Redis is away shows as a gap in the numbers, and followers reload. */
  async publish(deviceIds: readonly string[]): Promise<void> {
    this.generation++;
    const notice: FleetChangeNotice = { fence: this.fence, generation: this.generation, ids: deviceIds.length <= MAX_IDS_PER_NOTICE ? [...deviceIds] : null };
    await this.link.publish(FLEET_CHANGED_CHANNEL, JSON.stringify(notice)).catch(() => undefined);
  }
}

export interface FollowTarget {
  applyStoredChanges(deviceIds: readonly string[]): Promise<void>;
  reload(): Promise<void>;
  /** Reloads only when the store holds a write the copy lacks. */
  catchUp(): Promise<void>;
}

/** A follower's side: applies what a notice names; reloads whole after a gap, a new leader or a reconnect; checks every minute that it missed no last notice. */
export class FleetFollower {
  private last: { fence: number; generation: number } | null = null;
  private unsubscribe: (() => void) | null = null;
  private unwatch: (() => void) | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  /** What followed the notices so far: applied, reloads. */
  readonly counts = { applied: 0, reloads: 0 };

  constructor(
    private readonly link: RedisLink,
    private readonly target: FollowTarget,
    private readonly options: { checkEveryMs?: number; onError?: (error: unknown) => void } = {},
  ) {}

  start(): void {
    if (this.unsubscribe) return;
    this.last = null;
    this.unsubscribe = this.link.subscribe(FLEET_CHANGED_CHANNEL, (message) => void this.handle(message));
    this.unwatch = this.link.onChange((up) => {
      // Notices sent while this instance could not hear them are lost: the store still has them.
      if (up) void this.reload();
    });
    this.timer = setInterval(() => void this.target.catchUp().catch((error: unknown) => this.options.onError?.(error)), this.options.checkEveryMs ?? CHECK_EVERY_MS);
    this.timer.unref?.();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unwatch?.();
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe = this.unwatch = this.timer = null;
  }

  async handle(message: string): Promise<void> {
    const notice = parseNotice(message);
    if (!notice) return;
    const last = this.last;
    // A deposed leader's late word: its write was refused or is already superseded.
    if (last !== null && notice.fence < last.fence) return;
    this.last = { fence: notice.fence, generation: notice.generation };
    const inSequence = last !== null && last.fence === notice.fence && notice.generation === last.generation + 1;
    if (inSequence && notice.ids !== null) {
      this.counts.applied++;
      await this.target.applyStoredChanges(notice.ids).catch((error: unknown) => this.options.onError?.(error));
    } else {
      await this.reload();
    }
  }

  private async reload(): Promise<void> {
    this.counts.reloads++;
    await this.target.reload().catch((error: unknown) => this.options.onError?.(error));
  }
}
