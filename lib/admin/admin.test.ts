import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../auth/principal";
import { principalFrom } from "../auth/resolve";
import { createSession, userOfSession } from "../auth/sessions";
import { hashToken } from "../auth/tokens";
import { MissingError, RequestError } from "../http/request-error";
import { listAudit } from "../store/audit";
import { getStore } from "../store/db";
import { createUser, findUserById, type User } from "../store/users";
import { changeUserDisabled, changeUserRole, createTokenFor, endUserSessions, listTokensForAdmin, parseAuditCursor, readAudit, revokeToken } from "./admin";

const dir = mkdtempSync(join(tmpdir(), "admin-"));
const STORE = Symbol.for("nsight-backup-dashboard.store");

beforeAll(() => {
  process.env.DATA_DIR = dir;
  process.env.NSIGHT_DEMO = "0";
});
afterAll(async () => {
  await (await getStore()).destroy();
  delete (globalThis as Record<symbol, unknown>)[STORE];
  rmSync(dir, { recursive: true, force: true });
});

const as = (user: User): Principal => ({ kind: "user", user, via: "session", credentialId: "h" });

describe("admin actions", () => {
  it("refuses everyone but an administrator before touching anything", async () => {
    const db = await getStore();
    const tech = await createUser(db, { email: "tech@example.com", role: "technician" });
    const ctx = { principal: as(tech), address: null };
    await expect(changeUserRole(ctx, tech.id, "admin", null)).rejects.toMatchObject({ kind: "forbidden" });
    await expect(createTokenFor(ctx, { userId: tech.id, name: "x", expiresInDays: null })).rejects.toMatchObject({ kind: "forbidden" });
    await expect(readAudit(null, null)).rejects.toMatchObject({ kind: "unauthenticated" });
    expect((await findUserById(db, tech.id))?.role).toBe("technician");
  });

  it("audits token creation and revocation without the token or its hash", async () => {
    const db = await getStore();
    const admin = await createUser(db, { email: "boss@example.com", role: "admin" });
    const ctx = { principal: as(admin), address: "192.0.2.1" };
    const { token, listing } = await createTokenFor(ctx, { userId: admin.id, name: "nightly export", expiresInDays: 90 });
    expect(listing.state).toBe("active");
    expect(await revokeToken(ctx, listing.id)).toBe(true);
    expect(await revokeToken(ctx, listing.id)).toBe(false);
    expect((await listTokensForAdmin(ctx.principal)).find((t) => t.id === listing.id)?.state).toBe("revoked");
    const log = JSON.stringify(await listAudit(db));
    expect(log).toContain("token.create");
    expect(log).toContain("token.revoke");
    expect(log).not.toContain(token);
    expect(log).not.toContain(hashToken(token));
    await expect(revokeToken(ctx, "00000000-0000-4000-8000-000000000000")).rejects.toBeInstanceOf(MissingError);
    await expect(revokeToken(ctx, "../../etc")).rejects.toBeInstanceOf(RequestError);
  });

  it("never leaves the dashboard without an enabled administrator", async () => {
    const db = await getStore();
    const successor = await createUser(db, { email: "only-admin-check@example.com", role: "technician" });
    const admins = (await db.selectFrom("users").select("id").where("role", "=", "admin").execute()).map((r) => r.id);
    const [keep, ...others] = admins as [string, ...string[]];
    const keeper = (await findUserById(db, keep))!;
    for (const id of others) await changeUserDisabled({ principal: as(keeper), address: null }, id, true);
    const ctx = { principal: as(keeper), address: null };
    await expect(changeUserRole(ctx, keep, "technician", null)).rejects.toThrow(/only enabled administrator/);
    await expect(changeUserDisabled(ctx, keep, true)).rejects.toThrow(/only enabled administrator/);
    await changeUserRole(ctx, successor.id, "admin", null);
    await changeUserRole(ctx, keep, "viewer", ["100001"]);
    expect((await findUserById(db, keep))).toMatchObject({ role: "viewer", clientIds: ["100001"] });
  });

  it("disabling ends the user's sessions and tokens; ending sessions leaves tokens alone", async () => {
    const db = await getStore();
    const admin = await createUser(db, { email: "second-admin@example.com", role: "admin" });
    const user = await createUser(db, { email: "worker@example.com", role: "technician" });
    const ctx = { principal: as(admin), address: null };
    const session = await createSession(db, user.id, { address: null, userAgent: null });
    const { token } = await createTokenFor(ctx, { userId: user.id, name: "w", expiresInDays: null });
    expect(await endUserSessions(ctx, user.id)).toBe(1);
    expect(await userOfSession(db, session.token)).toBeNull();
    expect(await principalFrom({ cookie: () => undefined, authorization: `Bearer ${token}` })).not.toBeNull();
    await changeUserDisabled(ctx, user.id, true);
    expect(await principalFrom({ cookie: () => undefined, authorization: `Bearer ${token}` })).toBeNull();
    // Written within a millisecond or two: the order among them is not what this checks.
    const entries = await listAudit(db, { limit: 3 });
    expect(entries.map((e) => e.action).sort()).toEqual(["token.create", "user.disable", "user.end_sessions"]);
  });

  it("pages the audit log with a cursor and refuses a made-up one", async () => {
    const admin = (await (await getStore()).selectFrom("users").selectAll().where("email", "=", "second-admin@example.com").executeTakeFirstOrThrow()).id;
    const principal = as((await findUserById(await getStore(), admin))!);
    const first = await readAudit(principal, null, 2);
    expect(first.entries).toHaveLength(2);
    const second = await readAudit(principal, first.next, 2);
    expect(second.entries.map((e) => e.id)).not.toContain(first.entries[1]!.id);
    for (const bad of ["1", "x.y", "1.00000000-0000-4000-8000-00000000000g", `${"9".repeat(16)}.00000000-0000-4000-8000-000000000000`]) {
      expect(() => parseAuditCursor(bad), bad).toThrow(RequestError);
    }
  });
});
