import "server-only";
import type { UpstreamHealth } from "../fleet/types";
import type { RedisLink } from "./redis-link";

/**
 * What every instance last saw of N-sight, so that a follower's wall (which reads nothing from N-sight for the fleet) says what the
 * leader sees, not what its own few calls saw (docs/deployment.md § One refresher: the leader). One hash field per instance.
 */

const UPSTREAM_KEY = "upstream";
export const SYNC_EVERY_MS = 2_000;
/** Another instance's view older than this is not believed (it stopped, or Redis is away). */
const BELIEVED_FOR_MS = 30_000;
/** Fields of instances gone this long are removed; the key itself goes when no instance writes. */
const FORGOTTEN_AFTER_MS = 5 * 60_000;
const MAX_FIELD_CHARS = 2_000;

interface Published {
  at: number;
  health: UpstreamHealth;
}

const time = (iso: string | null) => (iso === null ? -Infinity : Date.parse(iso));

/**
 * One view from several: the newest success anywhere; failing when some instance's failure began after it (one instance's
 * success after another's failure means N-sight answers again), the earliest such failure first; unknown only when all are.
 */
export function mergeUpstream(views: readonly UpstreamHealth[]): UpstreamHealth {
  const lastOk = views.reduce((latest, v) => Math.max(latest, time(v.lastOkAt)), -Infinity);
  const lastOkAt = Number.isFinite(lastOk) ? new Date(lastOk).toISOString() : null;
  const failing = views.filter((v) => v.status === "failing" && time(v.failingSince) > lastOk).sort((a, b) => time(a.failingSince) - time(b.failingSince));
  const refused = failing.find((v) => v.problem === "auth");
  const first = failing[0];
  if (first) return { ...(refused ?? first), failingSince: first.failingSince, lastOkAt };
  return { status: lastOkAt !== null ? "ok" : "unknown", lastOkAt, failingSince: null, lastProblem: null, problem: null };
}

function parsePublished(text: string): Published | null {
  if (text.length > MAX_FIELD_CHARS) return null;
  try {
    const value = JSON.parse(text) as Published;
    const h = value?.health;
    const isTime = (t: unknown) => t === null || (typeof t === "string" && !Number.isNaN(Date.parse(t)));
    if (!Number.isFinite(value.at) || !h || !["ok", "failing", "unknown"].includes(h.status) || !isTime(h.lastOkAt) || !isTime(h.failingSince)) return null;
    if (h.status === "failing" && (h.failingSince === null || typeof h.lastProblem !== "string" || !["unreachable", "auth", "throttled"].includes(h.problem ?? ""))) return null;
    return { at: value.at, health: { status: h.status, lastOkAt: h.lastOkAt, failingSince: h.failingSince, lastProblem: h.lastProblem, problem: h.problem } };
  } catch {
    return null;
  }
}

export class SharedUpstream {
  private others: Published[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  private syncing = false;

  constructor(
    private readonly link: RedisLink,
    private readonly instanceId: string,
    private readonly own: () => UpstreamHealth,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    if (this.timer) return;
    void this.sync();
    this.timer = setInterval(() => void this.sync(), SYNC_EVERY_MS);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** This instance's view merged with the others' last believed ones: synchronous, from what the last sync brought. */
  snapshot(): UpstreamHealth {
    const now = this.now();
    const believed = this.others.filter((p) => now - p.at <= BELIEVED_FOR_MS).map((p) => p.health);
    return believed.length === 0 ? this.own() : mergeUpstream([this.own(), ...believed]);
  }

  /** Publishes this instance's view and reads the others'; while Redis is away the others' views age out and only its own is shown. */
  async sync(): Promise<void> {
    if (this.syncing) return;
    this.syncing = true;
    try {
      const now = this.now();
      const key = this.link.key(UPSTREAM_KEY);
      const fields = await this.link.run(async (redis) => {
        const [, , all] = (await redis
          .multi()
          .hset(key, this.instanceId, JSON.stringify({ at: now, health: this.own() } satisfies Published))
          .pexpire(key, FORGOTTEN_AFTER_MS)
          .hgetall(key)
          .exec()) as [unknown, unknown, [Error | null, Record<string, string>]];
        return all[1] ?? {};
      });
      const others: Published[] = [];
      const gone: string[] = [];
      for (const [instance, text] of Object.entries(fields)) {
        if (instance === this.instanceId) continue;
        const published = parsePublished(text);
        if (!published || now - published.at > FORGOTTEN_AFTER_MS) gone.push(instance);
        else others.push(published);
      }
      this.others = others;
      if (gone.length > 0) await this.link.run((redis) => redis.hdel(key, ...gone)).catch(() => undefined);
    } catch {
      // Redis away: what the others said ages out in snapshot().
    } finally {
      this.syncing = false;
    }
  }
}
