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
  /** Devices with a quiet failure in their latest backups, whatever their state. */
  anomalous: number;
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

/** The server's whole picture for one scope, cached per fleet version: never sent as it is (see FleetAnswer). */
export interface FleetSnapshot {
  asOf: string;
  counts: FleetCounts;
  total: number;
  progress: FleetProgress;
  upstream: UpstreamHealth;
  knowledge: FleetKnowledge;
  /** In fleet order, unsorted: a page is selected from them (lib/fleet/fleet-answer.ts). */
  problems: FleetDevice[];
  /** Devices not among the problems whose latest backups show a quiet failure (lib/health/anomalies.ts), unsorted. */
  anomalous: FleetDevice[];
  /** Worst first, then by name. */
  clients: FleetClientRollup[];
  newestReadAt: string | null;
}

/** What a problem tile or row shows of a device, nothing more. */
export interface FleetTile {
  deviceId: string;
  name: string;
  clientId: string;
  clientName: string;
  siteId: string;
  siteName: string;
  state: DeviceHealthState;
  worstPlugin: string | null;
  /** The worst plugin's latest session status (a warning's words). */
  worstStatus: string | null;
  since: string | null;
  lastSuccessAt: string | null;
  failedInARow: number;
  anomalyCount: number;
  /** Each quiet failure in words, at most a few. */
  anomalyReasons: string[];
  readAt: string | null;
  readError: boolean;
  stateChangedAt: string | null;
}

export type ProblemState = "failed" | "overdue" | "warning";

export interface FleetPageInfo {
  page: number;
  pageSize: number;
  /** Items that match the filter, over all pages. */
  total: number;
  pages: number;
}

/** What /api/fleet, the fleet view and the NOC wall get: counts and one page of slim tiles, never the whole fleet. */
export interface FleetAnswer {
  asOf: string;
  counts: FleetCounts;
  total: number;
  progress: FleetProgress;
  upstream: UpstreamHealth;
  knowledge: FleetKnowledge;
  newestReadAt: string | null;
  /** One page of the problem devices that match the filter, worst first. */
  problems: FleetTile[];
  problemPage: FleetPageInfo & { filter: { state: ProblemState | null; client: string | null; text: string } };
  /** The worst few devices with a quiet failure among those not in problems. */
  anomalous: FleetTile[];
  anomalousTotal: number;
  /** One page of client rollups, worst first. */
  clients: FleetClientRollup[];
  clientPage: FleetPageInfo;
}

export const EMPTY_COUNTS = (): FleetCounts => ({ failed: 0, overdue: 0, warning: 0, unknown: 0, ok: 0, off: 0 });
