/**
 * The data shapes the dashboard works with, shared by the server and the browser.
 * N-sight's raw XML names (`session_id`) are mapped to these once, in lib/nsight/.
 * Ids stay strings exactly as N-sight sent them; times are ISO 8601 in UTC (`…Z`).
 */

export const SESSION_TYPES = ["BACKUP", "RESTORE"] as const;
export type SessionType = (typeof SESSION_TYPES)[number];

export const BACKUP_PLUGINS = [
  "FILE_SYSTEM",
  "SYSTEM_STATE",
  "EXCHANGE",
  "NETWORK_SHARES",
  "VMWARE",
  "MSSQL",
  "SHAREPOINT",
  "ORACLE",
] as const;
export type BackupPlugin = (typeof BACKUP_PLUGINS)[number];

export const SESSION_STATUSES = [
  "COMPLETED",
  "COMPLETED_WITH_ERRORS",
  "INTERRUPTED",
  "FAILED",
  "NOT_STARTED",
  "CANCELED",
] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export type DeviceType = "server" | "workstation";

export interface Client {
  clientId: string;
  name: string;
  /** IANA zone such as "Europe/London"; null when N-sight has none. */
  timezone: string | null;
  /** YYYY-MM-DD */
  createdOn: string | null;
  serverCount: number;
  workstationCount: number;
  mobileDeviceCount: number;
  deviceCount: number;
  viewDashboard: boolean;
  viewWorkstationAssets: boolean;
}

export interface Site {
  siteId: string;
  clientId: string;
  name: string;
  /** Whether the site answers a ping when its servers go quiet; null if not reported. */
  connectionOk: boolean | null;
  createdOn: string | null;
  primaryRouter: string | null;
  secondaryRouter: string | null;
}

/** A device as list_servers / list_workstations describe it (richer inventory per site). */
export interface SiteDevice {
  deviceId: string;
  siteId: string;
  type: DeviceType;
  name: string;
  description: string | null;
  os: string | null;
  online: boolean | null;
  user: string | null;
  domain: string | null;
  ip: string | null;
  externalIp: string | null;
  manufacturer: string | null;
  model: string | null;
  agentVersion: string | null;
  installedOn: string | null;
  lastBootTime: string | null;
  lastScanTime: string | null;
  /** Whether Backup & Recovery is on; list_servers does not say, so null unless enriched. */
  backupEnabled: boolean | null;
}

/** A device as list_devices_at_client describes it: the cheap way to the B&R flag. */
export interface ClientDevice {
  deviceId: string;
  clientId: string;
  siteId: string;
  siteName: string;
  type: DeviceType;
  name: string;
  description: string | null;
  username: string | null;
  /** N-sight's overall device status text, such as "Ok". */
  status: string | null;
  /** The `mob` flag: Backup & Recovery (Managed Online Backup) is enabled. */
  backupEnabled: boolean;
}

export interface BackupSession {
  sessionId: string;
  /** BACKUP or RESTORE; an unknown value is kept as sent and listed in `unknownValues`. */
  type: SessionType | string;
  storageAccountId: string | null;
  plugin: BackupPlugin | string;
  start: string | null;
  end: string | null;
  durationSeconds: number | null;
  selectionSize: number | null;
  selectionItemCount: number | null;
  /** Absolute difference to the previous selection of this plugin; N-sight gives no sign. */
  sizeChange: number | null;
  itemCountChange: number | null;
  removedItemCount: number | null;
  processedSize: number | null;
  processedItemCount: number | null;
  transferredSize: number | null;
  errorCount: number | null;
  status: SessionStatus | string;
  /** Present when `type`, `plugin` or `status` held a value this dashboard does not know. */
  unknownValues?: ("type" | "plugin" | "status")[];
}

/** Every JSON answer of our API carries where its data came from and how old it is. */
export interface ApiMeta {
  /** When the data was read from N-sight (the oldest part, if several were combined). */
  fetchedAt: string;
  /** True when N-sight could not be refreshed and this is the last good answer. */
  stale: boolean;
  /** True when the data comes from the built-in simulator, not a real N-sight account. */
  demo: boolean;
}

export interface ApiSuccess<T> {
  data: T;
  meta: ApiMeta;
}

export type ApiErrorCode =
  | "bad_request"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "bad_upstream"
  | "upstream_auth"
  | "unavailable"
  | "throttled"
  | "timeout"
  | "busy"
  | "internal";

export interface ApiFailure {
  error: { code: ApiErrorCode; message: string };
}
