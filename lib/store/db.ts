import "server-only";
import { mkdirSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import Sqlite from "better-sqlite3";
import { Kysely, Migrator, SqliteDialect } from "kysely";
import { getAuthConfig } from "../config";
import { migrationProvider } from "./migrations";
import type { Database } from "./schema";

// The only module that writes SQL; through Kysely so the same queries can run on PostgreSQL the day there are several instances.
export type Store = Kysely<Database>;

export const STORE_FILE = "dashboard.sqlite";

export async function openStore(dir: string): Promise<Store> {
  mkdirSync(dir, { recursive: true });
  const sqlite = new Sqlite(join(dir, STORE_FILE));
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  // Another process (the users CLI) may hold the write lock for a moment.
  sqlite.pragma("busy_timeout = 5000");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  const { error, results } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
  if (error) {
    await db.destroy();
    const failed = results?.find((r) => r.status === "Error")?.migrationName;
    throw new Error(`The store in ${dir} could not be migrated${failed ? ` (${failed})` : ""}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return db;
}

export function dataDirectory(dataDir = getAuthConfig().dataDir): string {
  // A runtime path, not a build input: without the hint Turbopack traces the whole project.
  return isAbsolute(dataDir) ? dataDir : join(/* turbopackIgnore: true */ process.cwd(), dataDir);
}

const STORE = Symbol.for("nsight-backup-dashboard.store");
type GlobalWithStore = typeof globalThis & { [STORE]?: Promise<Store> };

// On globalThis: Next may load this module once per route bundle, and there must be one connection and one migration run per process.
export function getStore(): Promise<Store> {
  const g = globalThis as GlobalWithStore;
  g[STORE] ??= openStore(dataDirectory()).catch((error: unknown) => {
    g[STORE] = undefined;
    throw error;
  });
  return g[STORE];
}
