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
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
