import "server-only";
/** Delivers the outbox (docs/alerts.md): due messages to their channels, retried with back-off, each attempt logged. */
import { listChannels } from "../store/alert-channels";
import type { Store } from "../store/db";
import { abandonNotification, dueNotifications, recordAttempt, type NotificationRow } from "../store/notifications";
import { GIVE_UP_AFTER_MS, MIN_INTERVAL_MS, type AlertChannel, type ChannelSender, type DeliveryResult } from "./types";

export type AlertLog = (level: "info" | "warn" | "error", event: string, fields?: Record<string, unknown>) => void;

/** Waits after the 1st, 2nd, … failed attempt; the last one repeats (hourly) until the day is up. */
export const RETRY_DELAYS_MS = [30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000] as const;

export function retryDelayMs(failedAttempts: number): number {
  return RETRY_DELAYS_MS[Math.min(Math.max(failedAttempts, 1), RETRY_DELAYS_MS.length) - 1]!;
}

export interface DispatcherOptions {
  db: Store;
  sender: ChannelSender;
  now?: () => number;
  log?: AlertLog;
  /** Channels served at once; one channel's messages always go one after another. */
  concurrency?: number;
  timeoutMs?: number;
  batch?: number;
}

export class Dispatcher {
  private readonly now: () => number;
  private readonly log: AlertLog;
  private readonly lastAttemptAt = new Map<string, number>();
  private readonly heldUntil = new Map<string, number>();
  private running: Promise<number> | null = null;

  constructor(private readonly options: DispatcherOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => undefined);
  }

  /** One pass at a time; answers how many messages were delivered. */
  dispatchDue(): Promise<number> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<number> {
    const { db } = this.options;
    const due = await dueNotifications(db, this.now(), this.options.batch ?? 50);
    if (due.length === 0) return 0;
    const channels = new Map((await listChannels(db)).map((c) => [c.id, c]));
    for (const id of [...this.lastAttemptAt.keys()]) if (!channels.has(id)) this.lastAttemptAt.delete(id);
    for (const id of [...this.heldUntil.keys()]) if (!channels.has(id)) this.heldUntil.delete(id);
    const byChannel = new Map<string, NotificationRow[]>();
    for (const row of due) {
      const list = byChannel.get(row.channelId);
      if (list) list.push(row);
      else byChannel.set(row.channelId, [row]);
    }
    const queue = [...byChannel.entries()];
    let delivered = 0;
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) delivered += await this.serveChannel(channels.get(next[0]), next[1]);
    };
    await Promise.all(Array.from({ length: Math.max(1, this.options.concurrency ?? 4) }, worker));
    return delivered;
  }

  private async serveChannel(channel: AlertChannel | undefined, rows: NotificationRow[]): Promise<number> {
    const { db } = this.options;
    // A deleted channel's rows went with it (cascade); one read just before may still list them.
    if (!channel) return 0;
    let delivered = 0;
    for (const row of rows) {
      if (!channel.enabled) {
        await abandonNotification(db, row.id, "The channel is disabled.");
        continue;
      }
      const now = this.now();
      if (now - row.createdAt >= GIVE_UP_AFTER_MS) {
        await abandonNotification(db, row.id, "Not delivered within a day of being queued.");
        continue;
      }
      // Slack and Teams throttle per webhook: the rest waits for a later pass.
      if ((this.heldUntil.get(channel.id) ?? 0) > now) break;
      const last = this.lastAttemptAt.get(channel.id);
      if (last !== undefined && now - last < MIN_INTERVAL_MS[channel.type]) break;
      if (await this.attempt(channel, row)) delivered++;
    }
    return delivered;
  }

  private async attempt(channel: AlertChannel, row: NotificationRow): Promise<boolean> {
    const started = this.now();
    let result: DeliveryResult;
    try {
      result = await this.options.sender.deliver(channel, row.message, AbortSignal.timeout(this.options.timeoutMs ?? 10_000));
    } catch (error) {
      result = { ok: false, statusCode: null, error: error instanceof Error ? error.message : String(error) };
    }
    const finished = this.now();
    this.lastAttemptAt.set(channel.id, finished);
    let retryAt: number | null = null;
    if (!result.ok && !result.permanent) {
      const wait = Math.max(retryDelayMs(row.attempts + 1), result.retryAfterMs ?? 0);
      if (result.retryAfterMs) this.heldUntil.set(channel.id, finished + result.retryAfterMs);
      retryAt = finished + wait - row.createdAt > GIVE_UP_AFTER_MS ? null : finished + wait;
    }
    await recordAttempt(this.options.db, row, { result, at: finished, durationMs: finished - started, retryAt });
    if (!result.ok) {
      this.log("warn", "alerts.delivery_failed", { channelId: channel.id, notificationId: row.id, attempt: row.attempts + 1, error: result.error.slice(0, 200), giveUp: retryAt === null });
    }
    return result.ok;
  }
}
