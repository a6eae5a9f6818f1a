import type { DeviceHealth, HealthPolicy } from "../health/backup-health";
import { DEFAULT_HEALTH_POLICY } from "../health/backup-health";
import type { StoredDevice } from "./fleet-store";

export interface RefresherPolicy {
  /** Never re-read a device sooner than this (N-able: no automated call more often than every 90 s). */
  minRereadMs: number;
  /** After a backup is due: first re-read when nothing new was listed yet, each later one waiting as long as the device has been watched. */
  dueRetryMs: number;
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
  dueRetryMs: 5 * 60_000,
  dueWatchMs: 2 * 60 * 60_000,
  rereadMs: 60 * 60_000,
  inventoryMs: 30 * 60_000,
  workers: 3,
  callsPerMinute: 60,
  saveEveryMs: 1_000,
  health: DEFAULT_HEALTH_POLICY,
};

const DISCOVERY_BUDGET_SHARE = 0.1;

/** N-sight lists a session a few minutes after it ends. */
export const RECORDING_DELAY_MS = 3 * 60_000;

const MAX_SKIPPED_SLOTS = 2;

/**
 * When to read a device for its next backup: the soonest plugin's last start + rhythm + last duration + the recording
 * delay. A slot whose watch ran out without a backup (skipped) moves on to the next slot of the rhythm; a plugin
 * that missed more than MAX_SKIPPED_SLOTS in a row is left out.
 */
export function nextBackupDue(health: DeviceHealth, recordingDelayMs: number, now: number, dueWatchMs: number): number | null {
  let soonest: number | null = null;
  for (const p of health.plugins) {
    if (!p.lastStart) continue;
    const start = Date.parse(p.lastStart);
    const duration = p.lastEnd ? Math.max(0, Date.parse(p.lastEnd) - start) : 0;
    let due = start + p.intervalMs + duration + recordingDelayMs;
    if (p.intervalMs > 0 && due + dueWatchMs <= now) {
      const missed = Math.ceil((now - dueWatchMs - due + 1) / p.intervalMs);
      // Silent for more slots than a weekend skips: stopped, not skipped; it no longer decides when the device is read.
      if (missed > MAX_SKIPPED_SLOTS) continue;
      due += missed * p.intervalMs;
    }
    if (Number.isNaN(due)) continue;
    if (soonest === null || due < soonest) soonest = due;
  }
  return soonest;
}

export function overdueAt(health: DeviceHealth): number | null {
  let soonest: number | null = null;
  for (const p of health.plugins) {
    const due = Date.parse(p.dueBy);
    if (!Number.isNaN(due) && (soonest === null || due < soonest)) soonest = due;
  }
  return soonest;
}

/**
 * Lower first, null when not due: never read (0), never read and failed (0.5), next backup due and not read since,
 * still awaited or its watch just ran out (1), a problem (2), stale (3).
 */
export function readRank(d: StoredDevice, now: number, lastAttemptAt: number | undefined, policy: RefresherPolicy): number | null {
  const readAt = d.readAt ? Date.parse(d.readAt) : null;
  const due = readAt !== null && d.nextBackupDueAt ? Date.parse(d.nextBackupDueAt) : null;
  const watching = readAt !== null && due !== null && due <= now && now < due + policy.dueWatchMs;
  // Backing off while watching: a backup that was skipped costs a handful of reads, not one every few minutes.
  const gap = watching ? Math.min(policy.minRereadMs, Math.max(policy.dueRetryMs, readAt - due)) : policy.minRereadMs;
  // A device whose read just failed waits like any other: no hammering a broken one.
  if (lastAttemptAt !== undefined && now - lastAttemptAt < gap) return null;
  if (readAt === null) return d.readError ? 0.5 : 0;
  const age = now - readAt;
  if (age < gap) return null;
  // A watch that ran out gets one closing read, which moves the device on to its next slot.
  if (watching || (due !== null && due <= now && readAt < due + policy.dueWatchMs)) return 1;
  if (d.state === "failed" || d.state === "warning" || d.state === "overdue" || d.readError) return 2;
  if (age >= policy.rereadMs) return 3;
  return null;
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
  for (const d of devices) {
    if (!d.backupEnabled || busy(d.deviceId)) continue;
    const rank = readRank(d, now, lastAttemptAt(d.deviceId), policy);
    if (rank === null) continue;
    if (rank < bestRank || (rank === bestRank && (d.readAt ?? "") < (best?.readAt ?? ""))) {
      best = d;
      bestRank = rank;
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
