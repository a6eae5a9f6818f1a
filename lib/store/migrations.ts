import { sql, type Kysely, type Migration, type MigrationProvider } from "kysely";

// Never edit a shipped migration: add the next number. Portable types, so PostgreSQL can run them too.
const migrations: Record<string, Migration> = {
  "001_identity": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("users")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("email", "text", (c) => c.notNull().unique())
        .addColumn("name", "text")
        .addColumn("role", "text")
        .addColumn("client_ids", "text")
        .addColumn("disabled_at", "bigint")
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("identities")
        .addColumn("issuer", "text", (c) => c.notNull())
        .addColumn("subject", "text", (c) => c.notNull())
        .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("identities_pk", ["issuer", "subject"])
        .execute();
      await db.schema.createIndex("identities_user").on("identities").column("user_id").execute();
      await db.schema
        .createTable("password_credentials")
        .addColumn("user_id", "text", (c) => c.primaryKey().references("users.id").onDelete("cascade"))
        .addColumn("hash", "text", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("sessions")
        .addColumn("hash", "text", (c) => c.primaryKey())
        .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("last_seen_at", "bigint", (c) => c.notNull())
        .addColumn("idle_expires_at", "bigint", (c) => c.notNull())
        .addColumn("absolute_expires_at", "bigint", (c) => c.notNull())
        .addColumn("address", "text")
        .addColumn("user_agent", "text")
        .addColumn("revoked_at", "bigint")
        .execute();
      await db.schema.createIndex("sessions_user").on("sessions").column("user_id").execute();
      await db.schema
        .createTable("api_tokens")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("hash", "text", (c) => c.notNull().unique())
        .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("expires_at", "bigint")
        .addColumn("last_used_at", "bigint")
        .addColumn("revoked_at", "bigint")
        .execute();
      await db.schema.createIndex("api_tokens_user").on("api_tokens").column("user_id").execute();
      await db.schema
        .createTable("share_links")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("hash", "text", (c) => c.notNull().unique())
        .addColumn("device_id", "text", (c) => c.notNull())
        .addColumn("client_id", "text", (c) => c.notNull())
        .addColumn("view", "text", (c) => c.notNull())
        .addColumn("created_by", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("expires_at", "bigint", (c) => c.notNull())
        .addColumn("revoked_at", "bigint")
        .addColumn("views", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("last_viewed_at", "bigint")
        .execute();
      await db.schema.createIndex("share_links_creator").on("share_links").column("created_by").execute();
      await db.schema
        .createTable("displays")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("hash", "text", (c) => c.notNull().unique())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("client_ids", "text")
        .addColumn("created_by", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("expires_at", "bigint", (c) => c.notNull())
        .addColumn("last_seen_at", "bigint")
        .addColumn("last_address", "text")
        .addColumn("revoked_at", "bigint")
        .execute();
      await db.schema
        .createTable("pairing_codes")
        .addColumn("code_hash", "text", (c) => c.primaryKey())
        .addColumn("claim_hash", "text", (c) => c.notNull().unique())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("expires_at", "bigint", (c) => c.notNull())
        .addColumn("display_id", "text")
        .addColumn("address", "text")
        .execute();
      await db.schema
        .createTable("login_failures")
        .addColumn("key", "text", (c) => c.primaryKey())
        .addColumn("count", "integer", (c) => c.notNull())
        .addColumn("first_at", "bigint", (c) => c.notNull())
        .addColumn("locked_until", "bigint")
        .execute();
      await db.schema.createIndex("login_failures_first").on("login_failures").column("first_at").execute();
      await db.schema
        .createTable("audit_log")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("at", "bigint", (c) => c.notNull())
        .addColumn("actor", "text", (c) => c.notNull())
        .addColumn("action", "text", (c) => c.notNull())
        .addColumn("target", "text")
        .addColumn("detail", "text")
        .addColumn("address", "text")
        .execute();
      await db.schema.createIndex("audit_log_at").on("audit_log").columns(["at", "id"]).execute();
      await db.schema
        .createTable("settings")
        .addColumn("key", "text", (c) => c.primaryKey())
        .addColumn("value", "text", (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      for (const table of ["settings", "audit_log", "login_failures", "pairing_codes", "displays", "share_links", "api_tokens", "sessions", "password_credentials", "identities", "users"]) {
        await sql`drop table if exists ${sql.table(table)}`.execute(db);
      }
    },
  },
  // SQLite cannot drop NOT NULL in place, so the table is rebuilt (a share link made in open demo mode has no user).
  "003_share_links": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("share_links_003")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("hash", "text", (c) => c.notNull().unique())
        .addColumn("device_id", "text", (c) => c.notNull())
        .addColumn("client_id", "text", (c) => c.notNull())
        .addColumn("view", "text", (c) => c.notNull())
        .addColumn("created_by", "text", (c) => c.references("users.id").onDelete("cascade"))
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("expires_at", "bigint", (c) => c.notNull())
        .addColumn("revoked_at", "bigint")
        .addColumn("views", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("last_viewed_at", "bigint")
        .execute();
      await sql`insert into share_links_003 select id, hash, device_id, client_id, view, created_by, created_at, expires_at, revoked_at, views, last_viewed_at from share_links`.execute(db);
      await db.schema.dropTable("share_links").execute();
      await db.schema.alterTable("share_links_003").renameTo("share_links").execute();
      await db.schema.createIndex("share_links_creator").on("share_links").column("created_by").execute();
    },
  },
  "005_last_sign_in": {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable("users").addColumn("last_sign_in_at", "bigint").execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable("users").dropColumn("last_sign_in_at").execute();
    },
  },
  // Alerts (docs/alerts.md): incidents and every notification are rows, so a restart neither loses nor repeats one.
  "006_alerts": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("alert_channels")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("type", "text", (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("target", "text", (c) => c.notNull())
        .addColumn("secret", "text")
        .addColumn("client_ids", "text", (c) => c.notNull())
        .addColumn("states", "text", (c) => c.notNull())
        .addColumn("anomalies", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("enabled", "integer", (c) => c.notNull().defaultTo(1))
        .addColumn("created_by", "text")
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("incidents")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("device_id", "text", (c) => c.notNull())
        .addColumn("plugin", "text", (c) => c.notNull())
        .addColumn("client_id", "text", (c) => c.notNull())
        .addColumn("site_id", "text", (c) => c.notNull())
        .addColumn("device_name", "text", (c) => c.notNull())
        .addColumn("client_name", "text", (c) => c.notNull())
        .addColumn("site_name", "text", (c) => c.notNull())
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("reason", "text", (c) => c.notNull())
        .addColumn("opened_at", "bigint", (c) => c.notNull())
        .addColumn("changed_at", "bigint", (c) => c.notNull())
        .addColumn("flapping", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("successes_needed", "integer", (c) => c.notNull().defaultTo(1))
        .addColumn("last_session_at", "text")
        .addColumn("last_notified_at", "bigint")
        .addColumn("resolved_at", "bigint")
        .addColumn("resolution", "text")
        .execute();
      await sql`create unique index incidents_open on incidents (device_id, plugin, kind) where resolved_at is null`.execute(db);
      await db.schema.createIndex("incidents_client").on("incidents").columns(["client_id", "opened_at"]).execute();
      await db.schema.createIndex("incidents_resolved").on("incidents").column("resolved_at").execute();
      await db.schema
        .createTable("notifications")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("channel_id", "text", (c) => c.notNull().references("alert_channels.id").onDelete("cascade"))
        .addColumn("event", "text", (c) => c.notNull())
        .addColumn("dedupe_key", "text", (c) => c.notNull())
        .addColumn("incident_ids", "text", (c) => c.notNull())
        .addColumn("payload", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("next_attempt_at", "bigint", (c) => c.notNull())
        .addColumn("sent_at", "bigint")
        .addColumn("last_error", "text")
        .addUniqueConstraint("notifications_once", ["channel_id", "dedupe_key"])
        .execute();
      await db.schema.createIndex("notifications_due").on("notifications").columns(["status", "next_attempt_at"]).execute();
      await db.schema
        .createTable("delivery_attempts")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("notification_id", "text", (c) => c.notNull().references("notifications.id").onDelete("cascade"))
        .addColumn("channel_id", "text", (c) => c.notNull())
        .addColumn("at", "bigint", (c) => c.notNull())
        .addColumn("ok", "integer", (c) => c.notNull())
        .addColumn("status_code", "integer")
        .addColumn("error", "text")
        .addColumn("duration_ms", "integer", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("delivery_attempts_channel").on("delivery_attempts").columns(["channel_id", "at"]).execute();
      await db.schema
        .createTable("snoozes")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("scope", "text", (c) => c.notNull())
        .addColumn("target_id", "text", (c) => c.notNull())
        .addColumn("client_id", "text", (c) => c.notNull())
        .addColumn("until", "bigint", (c) => c.notNull())
        .addColumn("reason", "text", (c) => c.notNull())
        .addColumn("created_by", "text")
        .addColumn("created_by_name", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("ended_at", "bigint")
        .execute();
      await db.schema.createIndex("snoozes_target").on("snoozes").columns(["scope", "target_id"]).execute();
      await db.schema
        .createTable("maintenance_windows")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("client_id", "text", (c) => c.notNull())
        .addColumn("weekdays", "text", (c) => c.notNull())
        .addColumn("start_minute", "integer", (c) => c.notNull())
        .addColumn("duration_minutes", "integer", (c) => c.notNull())
        .addColumn("reason", "text", (c) => c.notNull())
        .addColumn("created_by", "text")
        .addColumn("created_by_name", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("maintenance_windows_client").on("maintenance_windows").column("client_id").execute();
    },
    async down(db: Kysely<unknown>) {
      for (const table of ["maintenance_windows", "snoozes", "delivery_attempts", "notifications", "incidents", "alert_channels"]) {
        await sql`drop table if exists ${sql.table(table)}`.execute(db);
      }
    },
  },
  // A share link opens one device, or one client's report for one month (report_month set, device_id null); rebuilt as in 003 to drop NOT NULL.
  "007_report_links": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("share_links_007")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("hash", "text", (c) => c.notNull().unique())
        .addColumn("device_id", "text")
        .addColumn("client_id", "text", (c) => c.notNull())
        .addColumn("report_month", "text")
        .addColumn("view", "text", (c) => c.notNull())
        .addColumn("created_by", "text", (c) => c.references("users.id").onDelete("cascade"))
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("expires_at", "bigint", (c) => c.notNull())
        .addColumn("revoked_at", "bigint")
        .addColumn("views", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("last_viewed_at", "bigint")
        .execute();
      await sql`insert into share_links_007 (id, hash, device_id, client_id, report_month, view, created_by, created_at, expires_at, revoked_at, views, last_viewed_at) select id, hash, device_id, client_id, null, view, created_by, created_at, expires_at, revoked_at, views, last_viewed_at from share_links`.execute(db);
      await db.schema.dropTable("share_links").execute();
      await db.schema.alterTable("share_links_007").renameTo("share_links").execute();
      await db.schema.createIndex("share_links_creator").on("share_links").column("created_by").execute();
    },
  },
  // The fleet refresher's state: one row per device, written as each is read; slot "set_aside" holds another account's last state.
  "008_fleet_state": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("fleet_devices")
        .addColumn("slot", "text", (c) => c.notNull())
        .addColumn("device_id", "text", (c) => c.notNull())
        .addColumn("client_id", "text", (c) => c.notNull())
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("body", "text", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("fleet_devices_pk", ["slot", "device_id"])
        .execute();
      await db.schema.createIndex("fleet_devices_client").on("fleet_devices").columns(["slot", "client_id"]).execute();
      await db.schema.createIndex("fleet_devices_state").on("fleet_devices").columns(["slot", "state"]).execute();
      await db.schema
        .createTable("fleet_meta")
        .addColumn("slot", "text", (c) => c.primaryKey())
        .addColumn("body", "text", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable("fleet_meta").ifExists().execute();
      await db.schema.dropTable("fleet_devices").ifExists().execute();
    },
  },
  // With several instances only the leader writes the fleet state; its fencing token here refuses a deposed leader's late writes.
  "009_leader_fences": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("leader_fences")
        .addColumn("resource", "text", (c) => c.primaryKey())
        .addColumn("fence", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable("leader_fences").ifExists().execute();
    },
  },
  // A device's plugins (most of its row) in a column of their own, so a restart can show the wall before reading them.
  // Rows written before keep them in the body (null here) and are read as they are until rewritten.
  "010_fleet_device_plugins": {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable("fleet_devices").addColumn("plugins", "text").execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable("fleet_devices").dropColumn("plugins").execute();
    },
  },
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
