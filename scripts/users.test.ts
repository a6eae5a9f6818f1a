import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { listAudit } from "../lib/store/audit";
import { openStore } from "../lib/store/db";
import { findUserByEmail, getPasswordHash } from "../lib/store/users";
import { postgresForThisFile } from "../lib/testing/postgres-for-file";

const postgresServer = postgresForThisFile();
const emptyDataDir = mkdtempSync(join(tmpdir(), "users-cli-"));

afterAll(() => {
  rmSync(emptyDataDir, { recursive: true, force: true });
});

function users(databaseUrl: string, args: string[], input?: string) {
  return spawnSync(join("node_modules", ".bin", "tsx"), ["--conditions=react-server", "scripts/users.ts", ...args], {
    input,
    env: { ...process.env, DATABASE_URL: databaseUrl, DATA_DIR: emptyDataDir },
    encoding: "utf8",
  });
}

describe("the users CLI with DATABASE_URL", () => {
  it("adds and lists users in PostgreSQL, not in DATA_DIR", async () => {
    const databaseUrl = await postgresServer().createDatabase();
    const added = users(databaseUrl, ["add", "Ops@Example.com", "--role", "admin", "--password-stdin"], "correct horse battery staple\n");
    expect(added.stderr).toBe("");
    expect(added.status).toBe(0);
    const listed = users(databaseUrl, ["list"]);
    expect(listed.status).toBe(0);
    expect(listed.stdout).toContain("ops@example.com");
    const db = await openStore({ databaseUrl });
    try {
      const user = await findUserByEmail(db, "ops@example.com");
      expect(user).toMatchObject({ role: "admin" });
      expect(await getPasswordHash(db, user!.id)).toMatch(/^\$argon2id\$/);
      expect((await listAudit(db)).map((e) => [e.actor, e.action])).toEqual([["cli", "user.create"]]);
    } finally {
      await db.destroy();
    }
    expect(readdirSync(emptyDataDir)).toEqual([]);
  });
});
