import type { Anomaly } from "../health/anomalies";
import type { DeviceHealthState, HealthState } from "../health/backup-health";
import type { DeviceType } from "../types";

export interface FleetPlugin {
  plugin: string;
  state: HealthState;
  lastStatus: string;
  lastEnd: string | null;
  lastSuccessAt: string | null;
  failedInARow: number;
  /** When it turns overdue without a new success (absent in state saved before it was kept). */
  dueBy?: string | null;
  /** The plugin's latest backup sessions, oldest first: enough for the alert engine's hysteresis. */
  recent: { start: string | null; status: string }[];
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
  worstPlugin: string | null;
  since: string | null;
  lastSuccessAt: string | null;
  failedInARow: number;
  sentence: string | null;
  plugins: FleetPlugin[];
  /** Quiet failures in each plugin's latest sessions (lib/health/anomalies.ts). */
  anomalies: Anomaly[];
  readAt: string | null;
  readError: string | null;
  stateChangedAt: string | null;
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
  backupDevices: number;
  read: number;
  fullPictureAt: string | null;
  estimatedFullPictureAt: string | null;
  inventoryReadAt: string | null;
  restoredAt: string | null;
}

export type UpstreamProblem = "auth" | "unreachable" | "throttled";

export interface UpstreamHealth {
  status: "ok" | "failing" | "unknown";
  lastOkAt: string | null;
  failingSince: string | null;
  lastProblem: string | null;
  /** A refused key wins over any other failure since the last success. */
  problem: UpstreamProblem | null;
}

/** Anything but "current": the counts are not the whole truth, so pages say so first and never show the all-clear. */
export type FleetKnowledgeKind = "current" | "reading" | "auth_refused" | "unreachable" | "throttled";

export interface FleetKnowledge {
  kind: FleetKnowledgeKind;
  since: string | null;
  read: number;
  total: number;
  discovering: boolean;
  lastAnswerAt: string | null;
  estimatedDoneAt: string | null;
}

export interface FleetSnapshot {
  asOf: string;
  counts: FleetCounts;
  total: number;
  progress: FleetProgress;
  upstream: UpstreamHealth;
  knowledge: FleetKnowledge;
  problems: FleetDevice[];
  clients: FleetClientRollup[];
  newestReadAt: string | null;
}

export const EMPTY_COUNTS = (): FleetCounts => ({ failed: 0, overdue: 0, warning: 0, unknown: 0, ok: 0, off: 0 });
