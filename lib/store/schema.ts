import type { Generated } from "kysely";

// Portable types (TEXT ids, epoch ms, JSON as TEXT) for PostgreSQL; a credential column holds SHA-256 of it, never the credential.
export interface Database {
  users: UsersTable;
  identities: IdentitiesTable;
  password_credentials: PasswordCredentialsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  share_links: ShareLinksTable;
  displays: DisplaysTable;
  pairing_codes: PairingCodesTable;
  login_failures: LoginFailuresTable;
  audit_log: AuditLogTable;
  settings: SettingsTable;
  alert_channels: AlertChannelsTable;
  incidents: IncidentsTable;
  notifications: NotificationsTable;
  delivery_attempts: DeliveryAttemptsTable;
  snoozes: SnoozesTable;
  maintenance_windows: MaintenanceWindowsTable;
  fleet_devices: FleetDevicesTable;
  fleet_meta: FleetMetaTable;
  leader_fences: LeaderFencesTable;
}

export interface UsersTable {
  id: string;
  /** Lower-case. */
  email: string;
  name: string | null;
  /** null: signed in but no access. */
  role: string | null;
  client_ids: string | null;
  disabled_at: number | null;
  created_at: number;
  updated_at: number;
  last_sign_in_at: number | null;
}

export interface IdentitiesTable {
  issuer: string;
  subject: string;
  user_id: string;
  created_at: number;
}

export interface PasswordCredentialsTable {
  user_id: string;
  hash: string;
  updated_at: number;
}

export interface SessionsTable {
  hash: string;
  user_id: string;
  created_at: number;
  last_seen_at: number;
  idle_expires_at: number;
  absolute_expires_at: number;
  address: string | null;
  user_agent: string | null;
  revoked_at: number | null;
}

export interface ApiTokensTable {
  id: string;
  hash: string;
  user_id: string;
  name: string;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface ShareLinksTable {
  id: string;
  hash: string;
  /** null: a report link. */
  device_id: string | null;
  client_id: string;
  /** YYYY-MM: the link opens this client's report for that month, and nothing else. */
  report_month: string | null;
  view: string;
  created_by: string | null;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  views: Generated<number>;
  last_viewed_at: number | null;
}

export interface DisplaysTable {
  id: string;
  hash: string;
  name: string;
  client_ids: string | null;
  created_by: string;
  created_at: number;
  expires_at: number;
  last_seen_at: number | null;
  last_address: string | null;
  revoked_at: number | null;
}

export interface PairingCodesTable {
  code_hash: string;
  /** The wall's own secret while it waits: only the browser that showed the code may claim the display. */
  claim_hash: string;
  created_at: number;
  expires_at: number;
  display_id: string | null;
  address: string | null;
}

export interface LoginFailuresTable {
  /** "account:<email>" or "address:<ip>". */
  key: string;
  count: number;
  first_at: number;
  locked_until: number | null;
}

export interface AuditLogTable {
  id: string;
  at: number;
  /** Who did it: "user:<id>", "display:<id>", "share:<id>", "demo", "cli", "system", or an e-mail tried. */
  actor: string;
  action: string;
  target: string | null;
  detail: string | null;
  address: string | null;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface AlertChannelsTable {
  id: string;
  /** webhook | email | teams | slack */
  type: string;
  name: string;
  /** The URL, or comma-separated e-mail addresses. */
  target: string;
  /** The webhook's HMAC secret (it must sign, so it is kept, and never shown again). */
  secret: string | null;
  /** JSON array; empty: every client. */
  client_ids: string;
  /** JSON array of failed | overdue | warning. */
  states: string;
  anomalies: number;
  enabled: number;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

export interface IncidentsTable {
  id: string;
  /** health | anomaly */
  kind: string;
  device_id: string;
  plugin: string;
  client_id: string;
  site_id: string;
  device_name: string;
  client_name: string;
  site_name: string;
  /** failed | overdue | warning for health; the rule's name for an anomaly. */
  state: string;
  reason: string;
  opened_at: number;
  changed_at: number;
  flapping: number;
  successes_needed: number;
  /** The start of the newest session the engine has judged, so one success is never counted twice. */
  last_session_at: string | null;
  last_notified_at: number | null;
  resolved_at: number | null;
  resolution: string | null;
}

export interface NotificationsTable {
  id: string;
  channel_id: string;
  /** incident.opened | incident.resolved | incident.reminder | nsight.unreachable | nsight.recovered | test */
  event: string;
  /** Unique per channel: the same event for the same incidents is never queued twice. */
  dedupe_key: string;
  incident_ids: string;
  /** The message as JSON, built when queued, so a retry after a restart sends the same thing. */
  payload: string;
  created_at: number;
  /** pending | sent | given_up */
  status: string;
  attempts: number;
  next_attempt_at: number;
  sent_at: number | null;
  last_error: string | null;
}

export interface DeliveryAttemptsTable {
  id: string;
  notification_id: string;
  channel_id: string;
  at: number;
  ok: number;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

export interface SnoozesTable {
  id: string;
  /** device | client */
  scope: string;
  target_id: string;
  client_id: string;
  until: number;
  reason: string;
  created_by: string | null;
  created_by_name: string;
  created_at: number;
  ended_at: number | null;
}

export interface MaintenanceWindowsTable {
  id: string;
  client_id: string;
  /** JSON array of ISO weekdays, 1 (Monday) to 7. */
  weekdays: string;
  /** Minutes after local midnight in the client's zone. */
  start_minute: number;
  duration_minutes: number;
  reason: string;
  created_by: string | null;
  created_by_name: string;
  created_at: number;
}

export interface FleetDevicesTable {
  /** "current", or "set_aside" for the last state of another N-sight account. */
  slot: string;
  device_id: string;
  client_id: string;
  /** The device's health state, for paging and counting without reading the body. */
  state: string;
  /** JSON of the device as the refresher keeps it (lib/fleet/fleet-store.ts), without its plugins when `plugins` holds them. */
  body: string;
  /** JSON of the device's plugins, apart so a restart can read every row's rest first; null in rows written before migration 010. */
  plugins: string | null;
  updated_at: number;
}

export interface FleetMetaTable {
  slot: string;
  /** JSON: the account the state was read from, its clients and the fleet's own times. */
  body: string;
  updated_at: number;
}

/** The newest leader fencing token each resource has seen: a write carrying an older one is refused. */
export interface LeaderFencesTable {
  resource: string;
  fence: number;
  updated_at: number;
}
