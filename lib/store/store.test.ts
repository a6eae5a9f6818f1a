import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Migrator, sql } from "kysely";
import { storeBackends } from "../testing/store-backends";
import { listAudit, writeAudit } from "./audit";
import { connectStore, openStore, type Store, type StoreLocation } from "./db";
import { migrationProvider } from "./migrations";
import { createShareLink, findLiveShareLink } from "./share-links";
import { clearLoginFailures, getLoginFailure, lockedUntil, recordLoginFailure, type FailurePolicy } from "./login-failures";
import { findLiveSession, insertSession, pruneSessions, revokeSession, revokeUserSessions, touchSession } from "./sessions";
import { getSetting, setSetting } from "./settings";
import {
  countUsers,
  createUser,
  deleteUser,
  findUserByEmail,
  findUserById,
  findUserByIdentity,
  getPasswordHash,
  linkIdentity,
  setPasswordHash,
  setUserDisabled,
  setUserRole,
} from "./users";

describe.each(storeBackends())("store on $name", (backend) => {
  let location: StoreLocation;
  let db: Store;

  beforeEach(async () => {
    location = await backend.fresh();
    db = await openStore(location);
  });

  afterEach(async () => {
    await db.destroy();
    backend.dispose(location);
  });

  describe("store", () => {
    it("keeps the device links made before report links existed (migration 007), and stores a report link without a device", async () => {
      await db.destroy();
      backend.dispose(location);
      location = await backend.fresh();
      const old = connectStore(location);
      await new Migrator({ db: old, provider: migrationProvider }).migrateTo("006_alerts");
      await sql`insert into share_links (id, hash, device_id, client_id, view, created_by, created_at, expires_at) values ('old', 'h-old', '100', '10', 'range=7d', null, 1, 1000)`.execute(old);
      await old.destroy();
      db = await openStore(location);
      expect(await findLiveShareLink(db, "h-old", 2)).toMatchObject({ id: "old", deviceId: "100", clientId: "10", reportMonth: null, view: "range=7d" });
      const report = await createShareLink(db, { hash: "h-report", clientId: "10", reportMonth: "2026-10", view: "", createdBy: null, expiresAt: 1000 }, 1);
      expect(await findLiveShareLink(db, "h-report", 2)).toMatchObject({ id: report.id, deviceId: null, reportMonth: "2026-10" });
    });

    it("migrates once and reopens the same data", async () => {
      await createUser(db, { email: "A@Example.com", role: "admin" });
      await db.destroy();
      db = await openStore(location);
      expect(await countUsers(db)).toBe(1);
      expect((await findUserByEmail(db, " a@EXAMPLE.com "))?.email).toBe("a@example.com");
    });

    it("keeps e-mails unique whatever their case", async () => {
      await createUser(db, { email: "a@example.com", role: "admin" });
      await expect(createUser(db, { email: "A@example.COM", role: "viewer" })).rejects.toThrow();
    });

    it("keeps a viewer's clients and drops them for other roles", async () => {
      const user = await createUser(db, { email: "v@example.com", role: "viewer", clientIds: ["1", "2"] });
      expect((await findUserById(db, user.id))?.clientIds).toEqual(["1", "2"]);
      await setUserRole(db, user.id, "technician", ["1"]);
      expect(await findUserById(db, user.id)).toMatchObject({ role: "technician", clientIds: null });
      await setUserRole(db, user.id, "viewer", ["3"]);
      expect(await findUserById(db, user.id)).toMatchObject({ role: "viewer", clientIds: ["3"] });
    });

    it("reads an unknown role as no role", async () => {
      const user = await createUser(db, { email: "x@example.com", role: "admin" });
      await db.updateTable("users").set({ role: "superuser" }).where("id", "=", user.id).execute();
      expect((await findUserById(db, user.id))?.role).toBeNull();
    });

    it("finds a user by issuer and subject, never by e-mail", async () => {
      const user = await createUser(db, { email: "sso@example.com", role: null });
      await linkIdentity(db, user.id, "https://idp.example", "sub-1");
      expect((await findUserByIdentity(db, "https://idp.example", "sub-1"))?.id).toBe(user.id);
      expect(await findUserByIdentity(db, "https://other.example", "sub-1")).toBeNull();
      await expect(linkIdentity(db, user.id, "https://idp.example", "sub-1")).rejects.toThrow();
    });

    it("removes a user with its password, identities and sessions", async () => {
      const user = await createUser(db, { email: "gone@example.com", role: "technician" });
      await setPasswordHash(db, user.id, "$argon2id$first");
      await setPasswordHash(db, user.id, "$argon2id$second");
      expect(await getPasswordHash(db, user.id)).toBe("$argon2id$second");
      await insertSession(db, { hash: "h1", userId: user.id, idleExpiresAt: 2_000, absoluteExpiresAt: 5_000, address: null, userAgent: null }, 1_000);
      await setUserDisabled(db, user.id, true, 1_500);
      expect((await findUserById(db, user.id))?.disabledAt).toBe(1_500);
      expect(await deleteUser(db, user.id)).toBe(true);
      expect(await getPasswordHash(db, user.id)).toBeNull();
      expect(await findLiveSession(db, "h1", 1_100)).toBeNull();
    });

    it("ends a session when idle, at its absolute limit, or revoked", async () => {
      const user = await createUser(db, { email: "s@example.com", role: "admin" });
      const base = { userId: user.id, address: "127.0.0.1", userAgent: "test" };
      await insertSession(db, { ...base, hash: "idle", idleExpiresAt: 2_000, absoluteExpiresAt: 10_000 }, 1_000);
      expect(await findLiveSession(db, "idle", 1_999)).not.toBeNull();
      expect(await findLiveSession(db, "idle", 2_000)).toBeNull();
      await touchSession(db, "idle", 3_000, 1_999);
      expect(await findLiveSession(db, "idle", 2_500)).not.toBeNull();

      await insertSession(db, { ...base, hash: "absolute", idleExpiresAt: 20_000, absoluteExpiresAt: 10_000 }, 1_000);
      expect(await findLiveSession(db, "absolute", 10_000)).toBeNull();

      await insertSession(db, { ...base, hash: "revoked", idleExpiresAt: 20_000, absoluteExpiresAt: 30_000 }, 1_000);
      await revokeSession(db, "revoked", 1_500);
      expect(await findLiveSession(db, "revoked", 1_600)).toBeNull();

      await insertSession(db, { ...base, hash: "all-1", idleExpiresAt: 20_000, absoluteExpiresAt: 30_000 }, 1_000);
      await insertSession(db, { ...base, hash: "all-2", idleExpiresAt: 20_000, absoluteExpiresAt: 30_000 }, 1_000);
      expect(await revokeUserSessions(db, user.id, 1_700)).toBe(4);
      expect(await findLiveSession(db, "all-2", 1_800)).toBeNull();

      await pruneSessions(db, 1_000, 100_000);
      expect(await db.selectFrom("sessions").select("hash").execute()).toEqual([]);
    });

    it("never moves a session's idle expiry back when an older request is answered last", async () => {
      const user = await createUser(db, { email: "t@example.com", role: "admin" });
      await insertSession(db, { hash: "s", userId: user.id, idleExpiresAt: 2_000, absoluteExpiresAt: 100_000, address: null, userAgent: null }, 1_000);
      await touchSession(db, "s", 6_000, 5_000);
      await touchSession(db, "s", 5_000, 4_000);
      expect(await findLiveSession(db, "s", 5_500)).toMatchObject({ lastSeenAt: 5_000 });
    });

    it("locks a key after too many failures in the window, then forgets it", async () => {
      const policy: FailurePolicy = { windowMs: 60_000, maxFailures: 3, lockMs: 300_000, maxRows: 100 };
      for (let i = 0; i < 3; i++) await recordLoginFailure(db, "account:a", policy, 1_000 + i);
      expect(await lockedUntil(db, "account:a", 2_000)).toBeNull();
      const fourth = await recordLoginFailure(db, "account:a", policy, 2_000);
      expect(fourth.lockedUntil).toBe(302_000);
      expect(await lockedUntil(db, "account:a", 302_001)).toBeNull();
      await recordLoginFailure(db, "account:b", policy, 0);
      expect((await recordLoginFailure(db, "account:b", policy, 61_000)).count).toBe(1);
      await clearLoginFailures(db, "account:b");
      expect(await getLoginFailure(db, "account:b")).toBeNull();
    });

    it("never keeps more failure rows than its bound, however many keys are tried", async () => {
      const policy: FailurePolicy = { windowMs: 60_000, maxFailures: 3, lockMs: 60_000, maxRows: 10 };
      for (let i = 0; i < 50; i++) await recordLoginFailure(db, `address:10.0.0.${i}`, policy, 1_000 + i);
      const rows = await db.selectFrom("login_failures").select("key").execute();
      expect(rows).toHaveLength(10);
      expect(rows.map((r) => r.key)).toContain("address:10.0.0.49");
    });

    it("writes the audit log and reads it newest first", async () => {
      await writeAudit(db, { actor: "cli", action: "user.add", target: "user:1", detail: { role: "admin" } }, 1_000);
      await writeAudit(db, { actor: "user:1", action: "session.sign_in", address: "127.0.0.1" }, 2_000);
      const entries = await listAudit(db);
      expect(entries.map((e) => e.action)).toEqual(["session.sign_in", "user.add"]);
      expect(entries[1]!.detail).toEqual({ role: "admin" });
      expect((await listAudit(db, { before: 2_000 })).map((e) => e.action)).toEqual(["user.add"]);
    });

    it("pages the audit log without skipping entries written in the same millisecond", async () => {
      for (let i = 0; i < 5; i++) await writeAudit(db, { actor: "cli", action: `a.${i}` }, 7_000);
      await writeAudit(db, { actor: "cli", action: "older" }, 6_000);
      const seen: string[] = [];
      let page = await listAudit(db, { limit: 2 });
      while (page.length > 0) {
        seen.push(...page.map((e) => e.action));
        const last = page.at(-1)!;
        page = await listAudit(db, { limit: 2, before: last.at, beforeId: last.id });
      }
      expect(seen).toHaveLength(6);
      expect(new Set(seen).size).toBe(6);
      expect(seen.at(-1)).toBe("older");
    });

    it("reads times, counts and flags back as JavaScript numbers, as SQLite gives them", async () => {
      const user = await createUser(db, { email: "n@example.com", role: "admin" }, 1_764_547_200_123);
      await db.insertInto("alert_channels").values({ id: "c", type: "webhook", name: "n", target: "t", secret: null, client_ids: "[]", states: "[]", anomalies: 1, enabled: 0, created_by: null, created_at: 2 ** 50, updated_at: 1 }).execute();
      expect(await findUserById(db, user.id)).toMatchObject({ createdAt: 1_764_547_200_123, disabledAt: null });
      expect(await db.selectFrom("alert_channels").select(["anomalies", "enabled", "created_at"]).executeTakeFirstOrThrow()).toStrictEqual({ anomalies: 1, enabled: 0, created_at: 2 ** 50 });
      expect(await countUsers(db)).toBe(1);
      const { total } = await db.selectFrom("users").select((eb) => eb.fn.countAll().as("total")).executeTakeFirstOrThrow();
      expect(total).toBe(1);
    });

    it("keeps settings", async () => {
      expect(await getSetting(db, "setup")).toBeNull();
      await setSetting(db, "setup", "a");
      await setSetting(db, "setup", "b");
      expect(await getSetting(db, "setup")).toBe("b");
    });
  });

  describe("audit log order", () => {
    it("lists entries written in the same millisecond newest first, in the order they were written", async () => {
      for (let i = 0; i < 40; i++) await writeAudit(db, { actor: "user:a", action: `step.${i}` }, 1_000);
      expect((await listAudit(db)).map((e) => e.action)).toEqual(Array.from({ length: 40 }, (_, i) => `step.${39 - i}`));
    });
  });
});
