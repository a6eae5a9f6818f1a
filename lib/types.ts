/** Shared by server and browser; ids stay strings as N-sight sent them, times are ISO 8601 in UTC. */

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
  timezone: string | null;
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
  connectionOk: boolean | null;
  createdOn: string | null;
  primaryRouter: string | null;
  secondaryRouter: string | null;
}

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
  /** list_servers does not say, so null unless enriched from list_devices_at_client. */
  backupEnabled: boolean | null;
}

export interface ClientDevice {
  deviceId: string;
  clientId: string;
  siteId: string;
  siteName: string;
  type: DeviceType;
  name: string;
  description: string | null;
  username: string | null;
  status: string | null;
  backupEnabled: boolean;
}

export interface BackupSession {
  sessionId: string;
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
  unknownValues?: ("type" | "plugin" | "status")[];
}

export interface ApiMeta {
  fetchedAt: string;
  stale: boolean;
  demo: boolean;
}

export interface ApiSuccess<T> {
  data: T;
  meta: ApiMeta;
}

export type ApiErrorCode =
  | "bad_request"
  | "unauthenticated"
  /** A wall's display credential was revoked, or expired: the wall offers a new pairing code. */
  | "display_revoked"
  | "display_expired"
  | "forbidden"
  | "not_found"
  | "bad_upstream"
  | "upstream_auth"
  | "unavailable"
  | "throttled"
  | "timeout"
  | "busy"
  | "rate_limited"
  /** The dashboard's own database (SQLite busy, PostgreSQL down or slow): nothing to do with N-sight. */
  | "store_unavailable"
  | "internal";

export interface ApiFailure {
  error: { code: ApiErrorCode; message: string };
}
