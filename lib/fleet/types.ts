/**
 * Fleet backup health as pages and the NOC see it: one record per device, the counts, the
 * clients' rollups, how far the refresher has got, and whether N-sight is answering.
 * Shared by server and browser.
 */
import type { DeviceHealthState, HealthState } from "../health/backup-health";
import type { DeviceType } from "../types";

export interface FleetPlugin {
  plugin: string;
  state: HealthState;
  lastStatus: string;
  lastEnd: string | null;
  lastSuccessAt: string | null;
  failedInARow: number;
}

export interface FleetDevice {
  deviceId: string;
  name: string;
  type: DeviceType;
  clientId: string;
  clientName: string;
  siteId: string;
  siteName: string;
  backupEnabled: boolean;
  state: DeviceHealthState;
  /** The plugin that decides the state. */
  worstPlugin: string | null;
  /** Since when the current problem lasts (first failure of a streak, a late backup's due time). */
  since: string | null;
  lastSuccessAt: string | null;
  failedInARow: number;
  sentence: string | null;
  plugins: FleetPlugin[];
  /** When this device's sessions were last read from N-sight: its state is this old. */
  readAt: string | null;
  /** Why the last read failed, if it did (the state shown is then older). */
  readError: string | null;
  /** When the state last changed (to highlight a device that just failed). */
  stateChangedAt: string | null;
  /** When the next backup should have finished, learned from its rhythm. */
  nextBackupDueAt: string | null;
}

export type FleetCounts = Record<DeviceHealthState, number>;

export interface FleetClientRollup {
  clientId: string;
  name: string;
  timezone: string | null;
  worst: DeviceHealthState | null;
  counts: FleetCounts;
  devices: number;
}

export interface FleetProgress {
  /** Devices with Backup & Recovery on. */
  backupDevices: number;
  /** Of those, how many have been read at least once. */
  read: number;
  /** When every B&R device had been read once (null until then). */
  fullPictureAt: string | null;
  /** Estimate of when the first full picture will be there, from the call budget. */
  estimatedFullPictureAt: string | null;
  /** Whether the inventory (clients and devices) has been read. */
  inventoryReadAt: string | null;
  /** The state was restored from disk at start and is being refreshed. */
  restoredAt: string | null;
}

/** Why N-sight is failing us: it refuses the key, cannot be reached (or does not answer), or throttles us. */
export type UpstreamProblem = "auth" | "unreachable" | "throttled";

export interface UpstreamHealth {
  /** "ok" after a successful call, "failing" after outage-like failures since the last success. */
  status: "ok" | "failing" | "unknown";
  lastOkAt: string | null;
  failingSince: string | null;
  lastProblem: string | null;
  /** While failing: a refused key wins over any other failure since the last success, else the latest. */
  problem: UpstreamProblem | null;
}

/**
 * How much of the fleet this server knows now. Anything but "current" means the counts and
 * the devices that need attention are not the whole truth: pages say so first, and never
 * that all is well.
 */
export type FleetKnowledgeKind = "current" | "reading" | "auth_refused" | "unreachable" | "throttled";

export interface FleetKnowledge {
  kind: FleetKnowledgeKind;
  /** Since when N-sight fails us this way; null while current or reading. */
  since: string | null;
  /** Devices with Backup & Recovery on read at least once. */
  read: number;
  /** Devices with Backup & Recovery on found so far. */
  total: number;
  /** Clients and devices are still being discovered: `total` may grow. */
  discovering: boolean;
  /** When N-sight last answered any call: nothing shown is newer. */
  lastAnswerAt: string | null;
  /** While reading: when every device should have been read once, from the call budget. */
  estimatedDoneAt: string | null;
}

export interface FleetSnapshot {
  /** When the server produced this answer. */
  asOf: string;
  counts: FleetCounts;
  total: number;
  progress: FleetProgress;
  upstream: UpstreamHealth;
  /** Whether what follows is the current fleet, and if not, why not. */
  knowledge: FleetKnowledge;
  /** Failed, overdue and warning devices, worst first. */
  problems: FleetDevice[];
  clients: FleetClientRollup[];
  /** When the newest device state was read. */
  newestReadAt: string | null;
}

export const EMPTY_COUNTS = (): FleetCounts => ({ failed: 0, overdue: 0, warning: 0, unknown: 0, ok: 0, off: 0 });
