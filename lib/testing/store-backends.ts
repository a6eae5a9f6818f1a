/**
 * The store's two backends for tests: `describe.each(storeBackends())` runs a suite on SQLite in a temporary
 * directory and on a fresh database of one real PostgreSQL per test file (started in beforeAll, ended in afterAll).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { openStore, type Store, type StoreLocation } from "../store/db";
import { postgresForThisFile } from "./postgres-for-file";

export interface StoreBackend {
  name: "SQLite" | "PostgreSQL";
  /** A new, empty place for a store. */
  fresh(): Promise<StoreLocation>;
  dispose(location: StoreLocation): void;
}

/** Call at the top level of a test file. */
export function storeBackends(): StoreBackend[] {
  const postgresServer = postgresForThisFile();
  return [
    {
      name: "SQLite",
      fresh: async () => ({ dir: mkdtempSync(join(tmpdir(), "store-")) }),
      dispose: (location) => {
        if ("dir" in location) rmSync(location.dir, { recursive: true, force: true });
      },
    },
    {
      name: "PostgreSQL",
      fresh: async () => ({ databaseUrl: await postgresServer().createDatabase() }),
      // The server's directory goes whole in afterAll.
      dispose: () => undefined,
    },
  ];
}

const STORE = Symbol.for("nsight-backup-dashboard.store");
type GlobalWithStore = typeof globalThis & { [STORE]?: Promise<Store> };

/** Inside a describe: getStore() answers a fresh store on this backend for the describe's tests, as DATA_DIR or DATABASE_URL would choose it. */
export function serveStoreFrom(backend: StoreBackend): void {
  const g = globalThis as GlobalWithStore;
  let location: StoreLocation | null = null;
  beforeAll(async () => {
    location = await backend.fresh();
    g[STORE] = openStore(location);
    await g[STORE];
  });
  afterAll(async () => {
    const store = g[STORE];
    delete g[STORE];
    await (await store)?.destroy();
    if (location) backend.dispose(location);
  });
}
