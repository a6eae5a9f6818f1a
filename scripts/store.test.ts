import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../lib/store/db";
import { createUser, findUserByEmail } from "../lib/store/users";
import { freePort } from "../lib/testing/free-port";
import { postgresForThisFile } from "../lib/testing/postgres-for-file";

const postgresServer = postgresForThisFile();
const dirs: string[] = [];

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "store-cli-"));
  dirs.push(dir);
  return dir;
}

function store(args: string[], env: Record<string, string | undefined>) {
  return spawnSync(join("node_modules", ".bin", "tsx"), ["--conditions=react-server", "scripts/store.ts", ...args], {
    env: { ...process.env, DATABASE_URL: undefined, DATA_DIR: undefined, ...env },
    encoding: "utf8",
  });
}

describe("npm run store -- copy-to-postgres", () => {
  it("copies DATA_DIR's store into an empty PostgreSQL database once, and refuses a second time", async () => {
    const dataDir = tempDir();
    const sqlite = await openStore({ dir: dataDir });
    await createUser(sqlite, { email: "ops@example.com", role: "admin" });
    await sqlite.destroy();
    const databaseUrl = await postgresServer().createDatabase();

    const first = store(["copy-to-postgres"], { DATABASE_URL: databaseUrl, DATA_DIR: dataDir });
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^users\t1$/m);
    const postgres = await openStore({ databaseUrl });
    try {
      expect(await findUserByEmail(postgres, "ops@example.com")).toMatchObject({ role: "admin" });
    } finally {
      await postgres.destroy();
    }

    const second = store(["copy-to-postgres", "--from", dataDir], { DATABASE_URL: databaseUrl });
    expect(second.status).toBe(2);
    expect(second.stderr).toContain("The PostgreSQL store is not empty (users)");
  }, 60_000);

  it("refuses a directory without a store rather than copying an empty one it made", async () => {
    const empty = tempDir();
    const result = store(["copy-to-postgres", "--from", empty], { DATABASE_URL: await postgresServer().createDatabase() });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`No dashboard.sqlite in ${empty}`);
    expect(existsSync(join(empty, "dashboard.sqlite"))).toBe(false);
  });

  it("asks for DATABASE_URL, and never prints its password when PostgreSQL cannot be reached", async () => {
    const dataDir = tempDir();
    await (await openStore({ dir: dataDir })).destroy();
    const missing = store(["copy-to-postgres"], { DATA_DIR: dataDir });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("Set DATABASE_URL");
    const unreachable = store(["copy-to-postgres"], { DATA_DIR: dataDir, DATABASE_URL: `postgres://dash:s3cret-pw@127.0.0.1:${await freePort()}/dash` });
    expect(unreachable.status).toBe(1);
    expect(unreachable.stderr).toMatch(/could not be migrated|ECONNREFUSED/);
    expect(unreachable.stderr + unreachable.stdout).not.toContain("s3cret-pw");
  }, 60_000);
});
