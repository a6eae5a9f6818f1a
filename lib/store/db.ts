import "server-only";
import { mkdirSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import Sqlite from "better-sqlite3";
import { Kysely, Migrator, PostgresAdapter, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import { getAuthConfig, getClusterConfig } from "../config";
import { describeError, log } from "../log";
import { migrationProvider } from "./migrations";
import type { Database } from "./schema";

// The only module that writes SQL; through Kysely so the same queries run on SQLite (one instance) and PostgreSQL (several, docs/storage.md).
export type Store = Kysely<Database>;

export const STORE_FILE = "dashboard.sqlite";

/** SQLite in a directory (the embedded default), or one PostgreSQL database shared by every instance. */
export type StoreLocation = { dir: string } | { databaseUrl: string; timeoutsMs?: Partial<PostgresTimeouts> };

export interface PostgresTimeouts {
  connect: number;
  statement: number;
  /** Client side as well: a frozen server or a dead network answers nothing, not even the server's own timeout. */
  query: number;
}

const POSTGRES_TIMEOUTS_MS: PostgresTimeouts = { connect: 5_000, statement: 15_000, query: 20_000 };

/** Bounded so that a few instances stay well under PostgreSQL's default 100 connections. */
export const POSTGRES_POOL_SIZE = 10;

const INT8_OID = 20;

// Pool-local, not pg.types.setTypeParser: bigint columns (times in ms, counts) come back as numbers, as SQLite gives them.
const postgresTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === INT8_OID && format !== "binary" ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig["getTypeParser"],
};

/** Opens and migrates the store; a plain string is a directory (SQLite). */
export async function openStore(location: StoreLocation | string): Promise<Store> {
  const where = typeof location === "string" ? { dir: location } : location;
  const db = connectStore(where);
  const { error, results } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
  if (error) {
    await db.destroy();
    const failed = results?.find((r) => r.status === "Error")?.migrationName;
    throw new Error(`The store ${describeLocation(where)} could not be migrated${failed ? ` (${failed})` : ""}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return db;
}

/** A connection without migrating: openStore's first half, for tests of the migrations themselves. */
export function connectStore(location: StoreLocation): Store {
  return "databaseUrl" in location ? openPostgres(location.databaseUrl, { ...POSTGRES_TIMEOUTS_MS, ...location.timeoutsMs }) : openSqlite(location.dir);
}

function openSqlite(dir: string): Store {
  mkdirSync(dir, { recursive: true });
  const sqlite = new Sqlite(join(dir, STORE_FILE));
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  // Another process (the users CLI) may hold the write lock for a moment.
  sqlite.pragma("busy_timeout = 5000");
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}

function openPostgres(databaseUrl: string, timeouts: PostgresTimeouts): Store {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: POSTGRES_POOL_SIZE,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: timeouts.connect,
    statement_timeout: timeouts.statement,
    query_timeout: timeouts.query,
    idle_in_transaction_session_timeout: timeouts.statement,
    keepAlive: true,
    application_name: "nsight-backup-dashboard",
    types: postgresTypes,
  });
  // An idle connection the server drops (restart, failover) is reported here; unheard, it would end the process.
  pool.on("error", (error) => log("warn", "store.connection_lost", { error: describeError(error) }));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** Where the store is, for messages: never the password of a database URL. */
function describeLocation(where: StoreLocation): string {
  if ("dir" in where) return `in ${where.dir}`;
  try {
    const url = new URL(where.databaseUrl);
    return `in PostgreSQL database ${url.pathname.slice(1) || "(default)"} on ${url.host}`;
  } catch {
    return "in PostgreSQL";
  }
}

/** Store code that needs a different statement on PostgreSQL (a lock SQLite's single writer makes unnecessary) asks this. */
export function isPostgres(db: Kysely<unknown> | Store): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export function dataDirectory(dataDir = getAuthConfig().dataDir): string {
  // A runtime path, not a build input: without the hint Turbopack traces the whole project.
  return isAbsolute(dataDir) ? dataDir : join(/* turbopackIgnore: true */ process.cwd(), dataDir);
}

/** DATABASE_URL set: PostgreSQL; otherwise SQLite in DATA_DIR. */
export function storeLocation(): StoreLocation {
  const { databaseUrl } = getClusterConfig();
  return databaseUrl ? { databaseUrl } : { dir: dataDirectory() };
}

const STORE = Symbol.for("nsight-backup-dashboard.store");
type GlobalWithStore = typeof globalThis & { [STORE]?: Promise<Store> };

// On globalThis: Next may load this module once per route bundle, and there must be one pool and one migration run per process.
export function getStore(): Promise<Store> {
  const g = globalThis as GlobalWithStore;
  g[STORE] ??= openStore(storeLocation()).catch((error: unknown) => {
    g[STORE] = undefined;
    throw error;
  });
  return g[STORE];
}
