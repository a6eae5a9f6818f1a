import type { AppConfig } from "../config";
import type { DeviceHealth, HealthPolicy } from "../health/backup-health";
import { DEFAULT_HEALTH_POLICY } from "../health/backup-health";
import type { BackupSession } from "../types";
import type { StoredDevice } from "./fleet-store";

export interface RefresherPolicy {
  /** Never re-read a device sooner than this (N-able: no automated call more often than every 90 s). */
  minRereadMs: number;
  /** For this long after a backup is due, a device whose backup is not listed yet is re-read every watchStepMs: the 5 minutes N-sight may take to list it, and a run longer than the ones before. */
  fastWatchMs: number;
  /** From this long after a backup is due it is likely listed, if it ran: a read before then is a gamble, taken when no likelier read waits. */
  likelyListedMs: number;
  /** For this long after a backup became likely listed, a read that finds nothing is retried as likely: it is all but listed. */
  likelyForMs: number;
  /** Its reads ask for a copy this fresh (at least 90 s, N-able's floor, whatever the sessions cache period). */
  watchStepMs: number;
  /** After the fast watch: re-read after as long as the device has been watched, at least this. */
  dueRetryMs: number;
  /** After the fast watch, a due re-read waits behind the fast watch of other devices for at most this long. */
  lateWatchYieldMs: number;
  /** How long after a backup is due a device is watched for it. */
  dueWatchMs: number;
  rereadMs: number;
  inventoryMs: number;
  workers: number;
  callsPerMinute: number;
  saveEveryMs: number;
  health: HealthPolicy;
}

export const DEFAULT_REFRESHER_POLICY: RefresherPolicy = {
  minRereadMs: 15 * 60_000,
  fastWatchMs: 7.5 * 60_000,
  likelyListedMs: 170_000,
  likelyForMs: 140_000,
  watchStepMs: 90_000,
  dueRetryMs: 5 * 60_000,
  lateWatchYieldMs: 30 * 60_000,
  dueWatchMs: 2 * 60 * 60_000,
  rereadMs: 60 * 60_000,
  inventoryMs: 30 * 60_000,
  workers: 3,
  callsPerMinute: 60,
  saveEveryMs: 1_000,
  health: DEFAULT_HEALTH_POLICY,
};

/** The app's policy from its configuration (lib/server/fleet.ts); the fleet-50k bench measures this one. */
export function refresherPolicyFor(
  config: Pick<AppConfig, "fleetMinRereadMs" | "sessionsTtlMs" | "fleetRereadMs" | "inventoryTtlMs" | "maxConcurrent" | "callsPerMinute" | "healthMaxAgeMs">,
): Partial<RefresherPolicy> {
  return {
    // Re-reading sooner than the sessions cache expires would only re-read the cache; the watch asks for fresher copies.
    minRereadMs: Math.max(config.fleetMinRereadMs, config.sessionsTtlMs),
    rereadMs: config.fleetRereadMs,
    inventoryMs: config.inventoryTtlMs,
    // One slot of the budget's concurrency stays free for people looking at pages.
    workers: Math.max(1, config.maxConcurrent - 1),
    callsPerMinute: config.callsPerMinute,
    health: { ...DEFAULT_HEALTH_POLICY, maxAgeMs: config.healthMaxAgeMs },
  };
}

const DISCOVERY_BUDGET_SHARE = 0.1;

/** N-sight lists a session a few minutes after it ends (docs/nsight-api.md §7.5): never sooner than this. */
export const SOONEST_LISTED_MS = 60_000;

/** How many recent sessions of a plugin foretell its next end. */
const RECENT_RUNS = 5;

const MAX_SKIPPED_SLOTS = 2;

/**
 * When to start watching a device for its next backup: for the soonest plugin, the second earliest of its last few
 * sessions' ends (the earliest of one or two) carried forward by the rhythm of their starts, plus the soonest N-sight
 * lists a session. Early costs a read or two; late costs detection; the earliest alone follows one short run.
 * A slot whose watch ran out without a backup (skipped) moves on to the next slot of the rhythm; a plugin
 * that missed more than MAX_SKIPPED_SLOTS in a row is left out.
 */
export function nextBackupDue(health: DeviceHealth, sessions: readonly BackupSession[], now: number, dueWatchMs: number): number | null {
  const runs = recentRuns(sessions, new Set(health.plugins.map((p) => p.plugin)));
  let soonest: number | null = null;
  for (const p of health.plugins) {
    if (!p.lastStart) continue;
    const lastStart = Date.parse(p.lastStart);
    const recent = runs.get(p.plugin) ?? [{ start: lastStart, end: p.lastEnd ? Date.parse(p.lastEnd) : lastStart }];
    const intervalMs = rhythmOf(recent, p.intervalMs);
    const ends = recent
      .map((run) => run.end + ((intervalMs > 0 ? Math.round((lastStart - run.start) / intervalMs) : 0) + 1) * intervalMs)
      .sort((a, b) => a - b);
    let due = ends[ends.length >= 3 ? 1 : 0]! + SOONEST_LISTED_MS;
    if (intervalMs > 0 && due + dueWatchMs <= now) {
      const missed = Math.ceil((now - dueWatchMs - due + 1) / intervalMs);
      // Silent for more slots than a weekend skips: stopped, not skipped; it no longer decides when the device is read.
      if (missed > MAX_SKIPPED_SLOTS) continue;
      due += missed * intervalMs;
    }
    if (Number.isNaN(due)) continue;
    if (soonest === null || due < soonest) soonest = due;
  }
  return soonest;
}

/**
 * The plugin's rhythm over its recent runs (newest first): the span of their starts by the slots between them. The
 * median gap the health check learns carries the start jitter of two runs; over four gaps it is a quarter of that.
 */
function rhythmOf(recent: readonly { start: number }[], learnedMs: number): number {
  const span = recent[0]!.start - recent[recent.length - 1]!.start;
  const slots = learnedMs > 0 ? Math.round(span / learnedMs) : 0;
  return slots > 0 ? span / slots : learnedMs;
}

/** The last RECENT_RUNS backups of each plugin with a start, newest first; a session without an end counts as ending as it starts. */
function recentRuns(sessions: readonly BackupSession[], plugins: ReadonlySet<string>): Map<string, { start: number; end: number }[]> {
  const out = new Map<string, { start: number; end: number }[]>();
  let full = 0;
  for (let i = sessions.length - 1; i >= 0 && full < plugins.size; i--) {
    const s = sessions[i]!;
    if (s.type !== "BACKUP" || !s.start || !plugins.has(s.plugin)) continue;
    const start = Date.parse(s.start);
    const end = s.end ? Date.parse(s.end) : start;
    if (Number.isNaN(start) || Number.isNaN(end)) continue;
    let list = out.get(s.plugin);
    if (!list) out.set(s.plugin, (list = []));
    if (list.length >= RECENT_RUNS) continue;
    list.push({ start, end: Math.max(start, end) });
    if (list.length === RECENT_RUNS) full++;
  }
  return out;
}

export function overdueAt(health: DeviceHealth): number | null {
  let soonest: number | null = null;
  for (const p of health.plugins) {
    const due = Date.parse(p.dueBy);
    if (!Number.isNaN(due) && (soonest === null || due < soonest)) soonest = due;
  }
  return soonest;
}

/** Whether the device is being watched for a backup now: due, and its watch not yet over. */
function watchedSince(d: StoredDevice, now: number, policy: RefresherPolicy): { readAt: number; due: number } | null {
  if (!d.readAt || !d.nextBackupDueAt) return null;
  const readAt = Date.parse(d.readAt);
  const due = Date.parse(d.nextBackupDueAt);
  return due <= now && now < due + policy.dueWatchMs ? { readAt, due } : null;
}

/**
 * The least time between two reads of a device watched since `due`, last read at `readAt`: every watchStepMs during the
 * fast watch, then backing off (a backup that was skipped costs a bounded handful of reads, not one every 90 s for hours).
 */
export function watchGapMs(readAt: number, due: number, policy: RefresherPolicy): number {
  const watched = readAt - due;
  if (watched < policy.fastWatchMs) return Math.min(policy.minRereadMs, policy.watchStepMs);
  return Math.max(policy.dueRetryMs, watched);
}

/** How fresh a copy the next read of this device must get: no older than the gap the schedule waited. */
export function rereadGapMs(d: StoredDevice, now: number, policy: RefresherPolicy): number {
  const watched = watchedSince(d, now, policy);
  return watched ? watchGapMs(watched.readAt, watched.due, policy) : policy.minRereadMs;
}

/**
 * The watch's ranks, likeliest to find a new backup first. When the budget is short (the evening peak), the reads
 * that seldom find anything wait: every read that finds nothing delays all the others.
 */
export const RANK = {
  /** Due, and likely listed for less than likelyForMs: its next read is the likeliest to find it soon enough to matter. */
  likely: 1,
  /** Likely listed for longer and not found yet (skipped, running long, listed late, or read late); or a late watch read whose yield is over. */
  missed: 1.1,
  /** Due, but not likely listed yet. */
  early: 1.2,
  /** Past the fast watch, for up to lateWatchYieldMs. */
  lateWatch: 1.5,
} as const;
const WATCH_RANKS: ReadonlySet<number> = new Set(Object.values(RANK));

/**
 * Lower first, null when not due: never read (0), never read and failed (0.5), the watch for a due backup (RANK,
 * 1 to 1.5), a problem (2), stale (3).
 */
export function readRank(d: StoredDevice, now: number, lastAttemptAt: number | undefined, policy: RefresherPolicy): number | null {
  const readAt = d.readAt ? Date.parse(d.readAt) : null;
  const due = readAt !== null && d.nextBackupDueAt ? Date.parse(d.nextBackupDueAt) : null;
  const watching = watchedSince(d, now, policy) !== null;
  const gap = rereadGapMs(d, now, policy);
  // A device whose read just failed waits like any other: no hammering a broken one.
  if (lastAttemptAt !== undefined && now - lastAttemptAt < gap) return null;
  if (readAt === null) return d.readError ? 0.5 : 0;
  const age = now - readAt;
  if (age < gap) return null;
  // A watch that ran out gets one closing read, which moves the device on to its next slot.
  if (watching || (due !== null && due <= now && readAt < due + policy.dueWatchMs)) {
    const likelyAt = due! + policy.likelyListedMs;
    if (readAt - due! < policy.fastWatchMs) {
      // Before the backup is likely listed a read is a gamble; soon after, the best bet there is; later, a detection
      // already late: under a short budget it waits, so that fresh backups are still seen within minutes.
      if (now < likelyAt) return RANK.early;
      return now < likelyAt + policy.likelyForMs ? RANK.likely : RANK.missed;
    }
    // Past the fast watch a read seldom finds anything: it yields to the others' fast watch, for a while.
    return now < readAt + gap + policy.lateWatchYieldMs ? RANK.lateWatch : RANK.missed;
  }
  if (d.state === "failed" || d.state === "warning" || d.state === "overdue" || d.readError) return 2;
  if (age >= policy.rereadMs) return 3;
  return null;
}

/**
 * Within a rank, which device first: for a watched one, the one that became readable first (the longer a backup has
 * been awaited, the likelier it is listed now); for the others, the least recently read.
 */
export function readOrder(d: StoredDevice, rank: number, lastAttemptAt: number | undefined, policy: RefresherPolicy): string {
  if (!WATCH_RANKS.has(rank) || !d.readAt || !d.nextBackupDueAt) return d.readAt ?? "";
  const readAt = Date.parse(d.readAt);
  const due = Date.parse(d.nextBackupDueAt);
  const gap = watchGapMs(readAt, due, policy);
  let readable = Math.max(due, readAt + gap, lastAttemptAt === undefined ? -Infinity : lastAttemptAt + gap);
  // A late watch read that waited out its yield queues from then, not ahead of everything that became readable meanwhile.
  if (rank === RANK.missed && readAt - due >= policy.fastWatchMs) readable += policy.lateWatchYieldMs;
  // A likely read queues from when its backup became likely listed, behind those that became likely before.
  else if (rank === RANK.likely) readable = Math.max(readable, due + policy.likelyListedMs);
  return Number.isFinite(readable) ? new Date(readable).toISOString() : d.readAt;
}

export function pickNextDevice(
  devices: Iterable<StoredDevice>,
  now: number,
  policy: RefresherPolicy,
  lastAttemptAt: (deviceId: string) => number | undefined,
  busy: (deviceId: string) => boolean,
): StoredDevice | null {
  let best: StoredDevice | null = null;
  let bestRank = Infinity;
  let bestOrder = "";
  for (const d of devices) {
    if (!d.backupEnabled || busy(d.deviceId)) continue;
    const attempt = lastAttemptAt(d.deviceId);
    const rank = readRank(d, now, attempt, policy);
    if (rank === null) continue;
    const order = readOrder(d, rank, attempt, policy);
    if (rank < bestRank || (rank === bestRank && order < bestOrder)) {
      best = d;
      bestRank = rank;
      bestOrder = order;
    }
  }
  return best;
}

export function rediscoveryIntervalMs(clientCount: number, policy: RefresherPolicy): number {
  const discoveryCalls = 1 + 2 * clientCount;
  return Math.max(policy.inventoryMs, (discoveryCalls / (DISCOVERY_BUDGET_SHARE * policy.callsPerMinute)) * 60_000);
}

/** Null until the first full picture: ~500 discovery calls of a 5,000-device fleet again would only delay it. */
export function nextDiscoveryAt(inventoryReadAt: number | null, fullPictureAt: number | null, now: number, intervalMs: number): number | null {
  if (inventoryReadAt === null) return now;
  if (fullPictureAt === null) return null;
  return inventoryReadAt + intervalMs;
}
