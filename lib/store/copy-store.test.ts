import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { FleetStore } from "../fleet/fleet-store";
import { postgresForThisFile } from "../testing/postgres-for-file";
import { storedDevice } from "../testing/stored-device";
import { listAudit, writeAudit } from "./audit";
import { copyStore, StoreCopyRefused } from "./copy-store";
import { openStore, type Store } from "./db";
import { findIncident, openIncident } from "./incidents";
import { findLiveSession, insertSession } from "./sessions";
import { createShareLink, findLiveShareLink } from "./share-links";
import { createUser, findUserByEmail, findUserByIdentity, getPasswordHash, linkIdentity, setPasswordHash } from "./users";

const postgresServer = postgresForThisFile();
const opened: Store[] = [];
const dirs: string[] = [];
const account = { server: "https://nsight.example", keyHint: "…abcd" };
const NOW = Date.parse("2026-11-30T12:00:00Z");

afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.destroy()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function stores(): Promise<{ sqlite: Store; postgres: Store }> {
  const dir = mkdtempSync(join(tmpdir(), "copy-store-"));
  dirs.push(dir);
  const [sqlite, postgres] = await Promise.all([openStore({ dir }), openStore({ databaseUrl: await postgresServer().createDatabase() })]);
  opened.push(sqlite, postgres);
  return { sqlite, postgres };
}

/** Row counts straight from each database: the oracle is SQL, not the copy's own report. */
async function counts(db: Store, tables: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of tables) {
    const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(db);
    out[table] = Number(rows[0]!.n);
  }
  return out;
}

describe("copying a SQLite store into PostgreSQL", () => {
  it("carries users, credentials, links, incidents and a 5,000-device fleet over, readable by the same store code", async () => {
    const { sqlite, postgres } = await stores();
    const user = await createUser(sqlite, { email: "ops@example.com", name: "Ops <b>", role: "viewer", clientIds: ["100001", "100005"] }, NOW);
    await setPasswordHash(sqlite, user.id, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", NOW);
    await linkIdentity(sqlite, user.id, "https://idp.example", "subject-1", NOW);
    await insertSession(sqlite, { hash: "session-hash", userId: user.id, idleExpiresAt: NOW + 3_600_000, absoluteExpiresAt: NOW + 86_400_000, address: "192.0.2.7", userAgent: null }, NOW);
    await createShareLink(sqlite, { hash: "link-hash", deviceId: "200001", clientId: "100001", view: "range=30d&tz=Europe%2FBerlin", createdBy: user.id, expiresAt: NOW + 86_400_000 }, NOW);
    const incident = await openIncident(sqlite, {
      kind: "health",
      deviceId: "200001",
      plugin: "FILE_SYSTEM",
      clientId: "100001",
      siteId: "300001",
      deviceName: "SRV-01",
      clientName: "Acme",
      siteName: "HQ",
      state: "failed",
      reason: "Files and folders failed twice in a row.",
      openedAt: NOW,
      changedAt: NOW,
      flapping: false,
      successesNeeded: 2,
      lastSessionAt: "2026-11-30T02:00:00.000Z",
    });
    for (let i = 0; i < 30; i++) await writeAudit(sqlite, { actor: "cli", action: "user.create", target: `user:${i}`, detail: { i } });
    const devices = Array.from({ length: 5_000 }, (_, i) => storedDevice({ deviceId: String(200_000 + i), name: `DEV-${i} ü "quoted"`, readAt: new Date(NOW - i * 1_000).toISOString() }));
    const fleetStore = new FleetStore(sqlite, account);
    const at = new Date(NOW).toISOString();
    await fleetStore.save({ clients: [{ clientId: "1", name: "Acme", timezone: "Europe/Berlin" }], changed: devices, removed: [], inventoryReadAt: at, fullPictureAt: at, upstreamLastOkAt: at });

    const tables = (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%'`.execute(sqlite)).rows.map((r) => r.name).filter((t) => t !== "leader_fences");
    const report = await copyStore(sqlite, postgres);

    const before = await counts(sqlite, tables);
    expect(await counts(postgres, tables)).toEqual(before);
    expect(Object.fromEntries(report.map((t) => [t.table, t.rows]))).toEqual(before);
    expect(before.fleet_devices).toBe(5_000);
    expect(report.findIndex((t) => t.table === "users")).toBeLessThan(report.findIndex((t) => t.table === "sessions"));

    const copiedUser = await findUserByEmail(postgres, "ops@example.com");
    expect(copiedUser).toEqual(user);
    expect(await getPasswordHash(postgres, user.id)).toBe("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA");
    expect((await findUserByIdentity(postgres, "https://idp.example", "subject-1"))?.id).toBe(user.id);
    expect(await findLiveSession(postgres, "session-hash", NOW)).toEqual(await findLiveSession(sqlite, "session-hash", NOW));
    expect(await findLiveShareLink(postgres, "link-hash", NOW)).toEqual(await findLiveShareLink(sqlite, "link-hash", NOW));
    expect(await findIncident(postgres, incident.id)).toEqual(incident);
    expect(await listAudit(postgres)).toEqual(await listAudit(sqlite));
    const loaded = await new FleetStore(postgres, account).load();
    expect(loaded.data?.devices).toEqual((await fleetStore.load()).data?.devices);
  }, 60_000);

  it("refuses a PostgreSQL store that holds anything already, and writes nothing", async () => {
    const { sqlite, postgres } = await stores();
    await createUser(sqlite, { email: "a@example.com", name: null, role: "admin", clientIds: null }, NOW);
    await createUser(sqlite, { email: "b@example.com", name: null, role: "admin", clientIds: null }, NOW);
    await writeAudit(postgres, { actor: "cli", action: "user.create", target: "user:x" });
    await expect(copyStore(sqlite, postgres)).rejects.toThrow(StoreCopyRefused);
    await expect(copyStore(sqlite, postgres)).rejects.toThrow(/not empty \(audit_log\)/);
    expect(await counts(postgres, ["users", "audit_log"])).toEqual({ users: 0, audit_log: 1 });
  });

  it("writes nothing when a row cannot be written half way through", async () => {
    const { sqlite, postgres } = await stores();
    await createUser(sqlite, { email: "a@example.com", name: null, role: "admin", clientIds: null }, NOW);
    await writeAudit(sqlite, { actor: "cli", action: "user.create", target: "user:a" });
    // PostgreSQL's text cannot hold a NUL character; SQLite's can: the audit rows fail after the users went in.
    await sql`update audit_log set detail = ${"a\u0000b"}`.execute(sqlite);
    await expect(copyStore(sqlite, postgres)).rejects.toThrow();
    expect(await counts(postgres, ["users", "audit_log"])).toEqual({ users: 0, audit_log: 0 });
  });

  it("goes only from SQLite to PostgreSQL", async () => {
    const { sqlite, postgres } = await stores();
    await expect(copyStore(postgres, sqlite)).rejects.toThrow(/from a SQLite store to a PostgreSQL one/);
    await expect(copyStore(sqlite, sqlite)).rejects.toThrow(StoreCopyRefused);
  });
});
