import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store, type StoreLocation } from "../store/db";
import { storeBackends } from "../testing/store-backends";
import { createUser, setPasswordHash, setUserDisabled } from "../store/users";
import { signInWithPassword } from "./local-login";
import { hashPassword } from "./passwords";
import { userOfSession } from "./sessions";

const PASSWORD = "correct horse battery staple";

describe.each(storeBackends())("$name", (backend) => {
  let location: StoreLocation;
  let db: Store;

  beforeAll(async () => {
    process.env.LOGIN_MAX_FAILURES = "3";
    process.env.LOGIN_LOCK_SECONDS = "300";
    location = await backend.fresh();
    db = await openStore(location);
    for (const email of ["ok@example.com", "locked@example.com", "off@example.com"]) {
      const user = await createUser(db, { email, role: "technician" });
      await setPasswordHash(db, user.id, await hashPassword(PASSWORD));
    }
  });
  afterAll(async () => {
    await db.destroy();
    backend.dispose(location);
  });

  const attempt = (email: string, password: string, address: string | null = "10.0.0.1", now = 1_000) => signInWithPassword(db, { email, password, address, userAgent: null }, now);

  describe("signing in with a password", () => {
    it("opens a session for the right password, whatever the e-mail's case", async () => {
      const result = await attempt(" OK@Example.com ", PASSWORD);
      expect(result.ok).toBe(true);
      if (result.ok) expect((await userOfSession(db, result.session.token, 2_000))?.user.email).toBe("ok@example.com");
    });

    it("answers an unknown user, a wrong password and a disabled user alike", async () => {
      const off = await db.selectFrom("users").select("id").where("email", "=", "off@example.com").executeTakeFirstOrThrow();
      await setUserDisabled(db, off.id, true);
      expect(await attempt("nobody@example.com", PASSWORD, "10.0.0.2")).toEqual({ ok: false, reason: "invalid" });
      expect(await attempt("ok@example.com", "wrong password!!", "10.0.0.3")).toEqual({ ok: false, reason: "invalid" });
      expect(await attempt("off@example.com", PASSWORD, "10.0.0.4")).toEqual({ ok: false, reason: "invalid" });
    });

    it("locks an account after too many failures, even for the right password, until the lock ends", async () => {
      for (let i = 0; i < 3; i++) expect(await attempt("locked@example.com", "wrong password!!", `10.1.0.${i}`)).toMatchObject({ reason: "invalid" });
      expect(await attempt("locked@example.com", "wrong password!!", "10.1.0.9")).toMatchObject({ ok: false, reason: "locked", until: 301_000 });
      expect(await attempt("locked@example.com", PASSWORD, "10.1.0.10", 2_000)).toMatchObject({ ok: false, reason: "locked" });
      expect((await attempt("locked@example.com", PASSWORD, "10.1.0.10", 301_001)).ok).toBe(true);
    });

    it("locks an address that tries many accounts", async () => {
      // Five times an account's limit: 15 failures, each on another account.
      for (let i = 0; i < 15; i++) await attempt(`guess${i}@example.com`, "x", "10.9.9.9");
      expect(await attempt("guess99@example.com", "x", "10.9.9.9")).toMatchObject({ reason: "locked" });
      expect(await attempt("ok@example.com", PASSWORD, "10.9.9.9", 2_000)).toMatchObject({ reason: "locked" });
      expect((await attempt("ok@example.com", PASSWORD, "10.9.9.8", 2_000)).ok).toBe(true);
    });
  });
});
