import { beforeAll, describe, expect, it } from "vitest";
import { findApiToken, listApiTokens, revokeApiToken } from "../store/api-tokens";
import { storeBackends, serveStoreFrom } from "../testing/store-backends";
import { getStore } from "../store/db";
import { createUser, lastSignIns, setUserDisabled, setUserRole } from "../store/users";
import { apiTokenProblem, issueApiToken } from "./api-tokens";
import type { Credentials } from "./resolve";
import { principalFrom } from "./resolve";
import { createSession } from "./sessions";
import { hashToken } from "./tokens";

describe.each(storeBackends())("$name", (backend) => {
  serveStoreFrom(backend);

  const DAY = 86_400_000;

  beforeAll(() => {
    process.env.NSIGHT_DEMO = "0";
  });

  const bearer = (authorization: string | null, cookie?: string): Credentials => ({ cookie: () => cookie, authorization });

  describe("API token store", () => {
    it("keeps only the token's hash, lists tokens with their user, and revokes once", async () => {
      const db = await getStore();
      const user = await createUser(db, { email: "script@example.com", role: "technician" });
      const { token, row } = await issueApiToken(db, { userId: user.id, name: " backup report ", expiresInDays: 30 }, 1_000);
      expect(row).toMatchObject({ name: "backup report", expiresAt: 1_000 + 30 * DAY, lastUsedAt: null });
      const stored = await db.selectFrom("api_tokens").selectAll().where("id", "=", row.id).executeTakeFirstOrThrow();
      expect(stored.hash).toBe(hashToken(token));
      expect(JSON.stringify(stored)).not.toContain(token);
      expect((await listApiTokens(db)).find((t) => t.id === row.id)).toMatchObject({ userEmail: "script@example.com", revokedAt: null });
      expect(await revokeApiToken(db, row.id, 2_000)).toBe(true);
      expect(await revokeApiToken(db, row.id, 3_000)).toBe(false);
      expect((await findApiToken(db, row.id))?.revokedAt).toBe(2_000);
      expect(await revokeApiToken(db, "no-such-token")).toBe(false);
    });

    it("refuses empty, overlong or control-character names and absurd expiries", () => {
      expect(apiTokenProblem("ok", null)).toBeNull();
      expect(apiTokenProblem("ok", 1)).toBeNull();
      expect(apiTokenProblem("   ", null)).toMatch(/name/);
      expect(apiTokenProblem("x".repeat(101), null)).toMatch(/at most/);
      expect(apiTokenProblem("a\nb", null)).toMatch(/control/);
      for (const days of [0, -1, 1.5, 3651, Number.NaN]) expect(apiTokenProblem("ok", days), String(days)).toMatch(/whole number/);
    });
  });

  describe("Bearer resolution", () => {
    it("acts as the token's user, with its current role and clients", async () => {
      const db = await getStore();
      const user = await createUser(db, { email: "viewer-script@example.com", role: "viewer", clientIds: ["100001"] });
      const { token, row } = await issueApiToken(db, { userId: user.id, name: "psa", expiresInDays: null }, 0);
      const principal = await principalFrom(bearer(`Bearer ${token}`), 1_000);
      expect(principal).toMatchObject({ kind: "user", via: "token", credentialId: row.id, user: { id: user.id, role: "viewer", clientIds: ["100001"] } });
      await setUserRole(db, user.id, "viewer", ["100002"]);
      expect(await principalFrom(bearer(`bearer  ${token} `), 2_000)).toMatchObject({ user: { clientIds: ["100002"] } });
    });

    it("refuses an expired token, a revoked one, and a disabled user's", async () => {
      const db = await getStore();
      const user = await createUser(db, { email: "expiring@example.com", role: "admin" });
      const expiring = await issueApiToken(db, { userId: user.id, name: "a day", expiresInDays: 1 }, 0);
      expect(await principalFrom(bearer(`Bearer ${expiring.token}`), DAY - 1)).not.toBeNull();
      expect(await principalFrom(bearer(`Bearer ${expiring.token}`), DAY)).toBeNull();

      const revoked = await issueApiToken(db, { userId: user.id, name: "revoked", expiresInDays: null }, 0);
      await revokeApiToken(db, revoked.row.id, 10);
      expect(await principalFrom(bearer(`Bearer ${revoked.token}`), 20)).toBeNull();

      const kept = await issueApiToken(db, { userId: user.id, name: "kept", expiresInDays: null }, 0);
      await setUserDisabled(db, user.id, true, 30);
      expect(await principalFrom(bearer(`Bearer ${kept.token}`), 40)).toBeNull();
      await setUserDisabled(db, user.id, false, 50);
      expect(await principalFrom(bearer(`Bearer ${kept.token}`), 60)).not.toBeNull();
    });

    it("answers nobody to a malformed or wrong Authorization header, even beside a valid session cookie", async () => {
      const db = await getStore();
      const user = await createUser(db, { email: "both@example.com", role: "admin" });
      const session = await createSession(db, user.id, { address: null, userAgent: null });
      const { token } = await issueApiToken(db, { userId: user.id, name: "x", expiresInDays: null });
      expect(await principalFrom(bearer(null, session.token))).toMatchObject({ via: "session" });
      for (const header of ["", "Bearer", "Bearer ", `Basic ${token}`, `Token ${token}`, `Bearer ${token}x`, `Bearer ${token} ${token}`, `Bearer ${hashToken(token)}x`, "Bearer <script>"]) {
        expect(await principalFrom(bearer(header, session.token)), JSON.stringify(header)).toBeNull();
      }
    });

    it("writes the token's last use at most once a minute", async () => {
      const db = await getStore();
      const user = await createUser(db, { email: "touch@example.com", role: "technician" });
      const { token, row } = await issueApiToken(db, { userId: user.id, name: "poller", expiresInDays: null }, 0);
      const lastUsed = async () => (await findApiToken(db, row.id))?.lastUsedAt;
      await principalFrom(bearer(`Bearer ${token}`), 100_000);
      expect(await lastUsed()).toBe(100_000);
      await principalFrom(bearer(`Bearer ${token}`), 159_999);
      expect(await lastUsed()).toBe(100_000);
      await principalFrom(bearer(`Bearer ${token}`), 160_000);
      expect(await lastUsed()).toBe(160_000);
    });
  });

  describe("last sign-in", () => {
    it("is recorded when a session is opened", async () => {
      const db = await getStore();
      const user = await createUser(db, { email: "signs-in@example.com", role: "viewer", clientIds: [] });
      expect((await lastSignIns(db)).has(user.id)).toBe(false);
      await createSession(db, user.id, { address: null, userAgent: null }, 5_000);
      expect((await lastSignIns(db)).get(user.id)).toBe(5_000);
    });
  });
});
