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
  device_id: string;
  client_id: string;
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
