import type { DeviceHealth, HealthPolicy } from "../health/backup-health";
import { DEFAULT_HEALTH_POLICY } from "../health/backup-health";
import type { StoredDevice } from "./fleet-store";

export interface RefresherPolicy {
  /** Never re-read a device sooner than this (N-able: no automated call more often than every 90 s). */
  minRereadMs: number;
  rereadMs: number;
  inventoryMs: number;
  workers: number;
  callsPerMinute: number;
  saveEveryMs: number;
  health: HealthPolicy;
}

export const DEFAULT_REFRESHER_POLICY: RefresherPolicy = {
  minRereadMs: 15 * 60_000,
  rereadMs: 60 * 60_000,
  inventoryMs: 30 * 60_000,
  workers: 3,
  callsPerMinute: 60,
  saveEveryMs: 1_000,
  health: DEFAULT_HEALTH_POLICY,
};

const DISCOVERY_BUDGET_SHARE = 0.1;
/** N-sight records a session a few minutes after it ends. */
const RECORDING_GRACE_MS = 10 * 60_000;

export function nextBackupDue(health: DeviceHealth): number | null {
  let soonest: number | null = null;
  for (const p of health.plugins) {
    if (!p.lastStart) continue;
    const start = Date.parse(p.lastStart);
    const duration = p.lastEnd ? Math.max(0, Date.parse(p.lastEnd) - start) : 0;
    const due = start + p.intervalMs + duration + RECORDING_GRACE_MS;
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

/** Lower first, null when not due: never read (0), never read and failed (0.5), next backup recorded since (1), a problem (2), stale (3). */
export function readRank(d: StoredDevice, now: number, lastAttemptAt: number | undefined, policy: RefresherPolicy): number | null {
  // A device whose read just failed waits like any other: no hammering a broken one.
  if (lastAttemptAt !== undefined && now - lastAttemptAt < policy.minRereadMs) return null;
  if (!d.readAt) return d.readError ? 0.5 : 0;
  const readAt = Date.parse(d.readAt);
  const age = now - readAt;
  if (age < policy.minRereadMs) return null;
  if (d.nextBackupDueAt) {
    const due = Date.parse(d.nextBackupDueAt);
    if (due <= now && readAt < due) return 1;
  }
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
