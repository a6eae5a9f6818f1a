import { beforeAll, describe, expect, it } from "vitest";
import { listAudit } from "../store/audit";
import { storeBackends, serveStoreFrom } from "../testing/store-backends";
import { getStore } from "../store/db";
import { findLiveDisplay, revokeDisplay } from "../store/displays";
import { countPairingCodes, insertPairingCode } from "../store/pairing-codes";
import { clientScope } from "./access";
import { displayCookieName } from "./cookies";
import { listDisplaysAs, pairDisplayAs, revokeDisplayAs } from "./display-admin";
import {
  DISPLAY_LIFETIME_MS,
  newPairingCode,
  normalizePairingCode,
  pairDisplay,
  PAIRING_ALPHABET,
  PAIRING_TTL_MS,
  pollPairing,
  startPairing,
} from "./displays";
import type { Principal } from "./principal";
import { deadDisplayOf, principalFrom } from "./resolve";
import { hashToken, newToken } from "./tokens";


describe.each(storeBackends())("$name", (backend) => {
  serveStoreFrom(backend);

  beforeAll(() => {
    process.env.NSIGHT_SERVER = "https://www.systemmonitor.us";
    process.env.NSIGHT_API_KEY = "k";
  });

  let addresses = 0;
  const freshAddress = () => `192.0.2.${++addresses}`;

  async function pairedWall(clientIds: string[] | null, at = 1_000_000) {
    const db = await getStore();
    const started = await startPairing(db, freshAddress(), at);
    if (!started.ok) throw new Error(started.reason);
    const paired = await pairDisplay(db, { code: started.code, name: "Wall", clientIds, createdBy: "user:a" }, at + 1);
    if (!paired.ok) throw new Error(paired.message);
    const poll = await pollPairing(db, started.claim, "198.51.100.7", at + 2);
    if (poll.status !== "paired") throw new Error(poll.status);
    return { id: paired.display.id, token: poll.token };
  }

  describe("pairing codes", () => {
    it("are 8 characters of an alphabet with no 0/O or 1/I, and read back however they are typed", () => {
      expect(PAIRING_ALPHABET).toHaveLength(32);
      for (const ambiguous of "0O1I") expect(PAIRING_ALPHABET).not.toContain(ambiguous);
      const seen = new Set<string>();
      for (let i = 0; i < 2_000; i++) {
        const code = newPairingCode();
        expect(code).toMatch(/^[ABCDEFGHJKLMNPQRSTUVWXYZ2-9]{8}$/);
        seen.add(code);
      }
      expect(seen.size).toBe(2_000);
      expect(normalizePairingCode(" abcd-ef 23 ")).toBe("ABCDEF23");
      expect(normalizePairingCode("ABCDEF2")).toBeNull();
      expect(normalizePairingCode("ABCDEF20")).toBeNull();
      expect(normalizePairingCode("ABCDEFG1")).toBeNull();
      expect(normalizePairingCode("ABCDEFGHI")).toBeNull();
    });

    it("expire after 15 minutes: an administrator can no longer enter one", async () => {
      const db = await getStore();
      const started = await startPairing(db, freshAddress(), 0);
      if (!started.ok) throw new Error(started.reason);
      expect(started.expiresAt).toBe(PAIRING_TTL_MS);
      const late = await pairDisplay(db, { code: started.code, name: "Late", clientIds: null, createdBy: "user:a" }, PAIRING_TTL_MS);
      expect(late.ok).toBe(false);
      expect(await pollPairing(db, started.claim, null, PAIRING_TTL_MS)).toEqual({ status: "expired" });
    });

    it("give the credential only to the browser holding the claim secret, once", async () => {
      const db = await getStore();
      const started = await startPairing(db, freshAddress(), 5_000);
      if (!started.ok) throw new Error(started.reason);
      expect(await pollPairing(db, started.claim, null, 5_001)).toEqual({ status: "waiting", expiresAt: started.expiresAt });
      const paired = await pairDisplay(db, { code: started.code.toLowerCase(), name: "NOC", clientIds: ["10"], createdBy: "user:a" }, 5_002);
      expect(paired.ok).toBe(true);
      // Someone who only saw the code on the wall has no claim secret: nothing to collect.
      expect((await pollPairing(db, newToken(), null, 5_003)).status).toBe("expired");
      expect((await pairDisplay(db, { code: started.code, name: "Twice", clientIds: null, createdBy: "user:a" }, 5_003)).ok).toBe(false);
      const poll = await pollPairing(db, started.claim, "198.51.100.7", 5_004);
      if (poll.status !== "paired") throw new Error(poll.status);
      const display = await findLiveDisplay(db, hashToken(poll.token), 5_005);
      expect(display).toMatchObject({ name: "NOC", clientIds: ["10"], expiresAt: 5_004 + DISPLAY_LIFETIME_MS });
      const stored = await db.selectFrom("displays").select("hash").where("name", "=", "NOC").executeTakeFirstOrThrow();
      expect(stored.hash).toBe(hashToken(poll.token));
      expect(await pollPairing(db, started.claim, null, 5_006)).toEqual({ status: "expired" });
    });

    it("are limited per address, until that address's codes expire", async () => {
      const db = await getStore();
      const address = freshAddress();
      // The default: ten pending codes per address (DISPLAY_PAIRING_CODES_PER_ADDRESS).
      for (let i = 0; i < 10; i++) expect((await startPairing(db, address, 10_000 + i)).ok).toBe(true);
      expect(await startPairing(db, address, 10_100)).toEqual({ ok: false, reason: "address_limit" });
      expect((await startPairing(db, freshAddress(), 10_100)).ok).toBe(true);
      expect((await startPairing(db, address, 10_000 + PAIRING_TTL_MS)).ok).toBe(true);
    });

    it("are held in a bounded table: expired ones pruned, new ones refused when full", async () => {
      const db = await getStore();
      await db.deleteFrom("pairing_codes").execute();
      const limits = { perAddress: 1_000, maxRows: 5 };
      const add = (at: number) => insertPairingCode(db, { codeHash: newToken(), claimHash: newToken(), address: null, expiresAt: at + PAIRING_TTL_MS }, limits, at);
      for (let i = 0; i < 5; i++) expect((await add(20_000)).ok).toBe(true);
      expect(await add(20_001)).toEqual({ ok: false, reason: "table_full" });
      expect(await countPairingCodes(db)).toBe(5);
      expect((await add(20_000 + PAIRING_TTL_MS)).ok).toBe(true);
      expect(await countPairingCodes(db)).toBe(1);
    });
  });

  describe("the display principal", () => {
    const withCookie = (token: string, address: string | null = "203.0.113.9") => ({
      cookie: (name: string) => (name === displayCookieName() ? token : undefined),
      authorization: null,
      address,
    });

    it("reads its clients only, and writes its last use and a renewed year at most once a minute", async () => {
      const db = await getStore();
      const { id, token } = await pairedWall(["10", "12"], 1_000_000);
      const first = await principalFrom(withCookie(token), 1_030_000);
      expect(first).toMatchObject({ kind: "display", displayId: id, clientIds: ["10", "12"], renewed: false });
      if (!first) throw new Error("no principal");
      expect(clientScope(first)).toEqual(new Set(["10", "12"]));
      const row = () => db.selectFrom("displays").select(["last_seen_at", "last_address", "expires_at"]).where("id", "=", id).executeTakeFirstOrThrow();
      expect(await row()).toEqual({ last_seen_at: 1_000_002, last_address: "198.51.100.7", expires_at: 1_000_002 + DISPLAY_LIFETIME_MS });
      expect(await principalFrom(withCookie(token), 1_062_002)).toMatchObject({ kind: "display", renewed: true });
      expect(await row()).toEqual({ last_seen_at: 1_062_002, last_address: "203.0.113.9", expires_at: 1_062_002 + DISPLAY_LIFETIME_MS });
      await principalFrom(withCookie(token, "203.0.113.10"), 1_100_000);
      expect((await row()).last_seen_at).toBe(1_062_002);
    });

    it("is refused once revoked or expired, and a wall can tell which", async () => {
      const db = await getStore();
      const { id, token } = await pairedWall(null, 2_000_000);
      expect((await principalFrom(withCookie(token), 2_000_010))?.kind).toBe("display");
      expect(await principalFrom(withCookie(token), 2_000_002 + DISPLAY_LIFETIME_MS)).toBeNull();
      expect(await deadDisplayOf(withCookie(token).cookie, 2_000_002 + DISPLAY_LIFETIME_MS)).toBe("expired");
      await revokeDisplay(db, id, 2_000_020);
      expect(await principalFrom(withCookie(token), 2_000_030)).toBeNull();
      expect(await deadDisplayOf(withCookie(token).cookie, 2_000_030)).toBe("revoked");
      expect(await deadDisplayOf(withCookie(newToken()).cookie, 2_000_030)).toBeNull();
    });
  });

  describe("managing displays", () => {
    const admin: Principal = { kind: "user", via: "session", credentialId: "h", user: { id: "a", email: "a@example.com", name: null, role: "admin", clientIds: null, disabledAt: null, createdAt: 0, updatedAt: 0 } };
    const technician: Principal = { ...admin, user: { ...admin.user, id: "t", role: "technician" } };

    it("is for administrators only, checks what it is given, and writes pairing and revocation to the audit log", async () => {
      const db = await getStore();
      const started = await startPairing(db, freshAddress());
      if (!started.ok) throw new Error(started.reason);
      await expect(pairDisplayAs(technician, { code: started.code, name: "Wall", clients: [] }, null)).rejects.toMatchObject({ kind: "forbidden" });
      expect(await pairDisplayAs(admin, { code: started.code, name: "  ", clients: [] }, null)).toMatchObject({ ok: false, status: 400 });
      expect(await pairDisplayAs(admin, { code: started.code, name: "Wall", clients: ["<b>"] }, null)).toMatchObject({ ok: false, status: 400 });
      expect(await pairDisplayAs(admin, { code: "ABCDEFGH", name: "Wall", clients: [] }, null)).toMatchObject({ ok: false, status: 404 });
      const paired = await pairDisplayAs(admin, { code: started.code, name: "Audited wall", clients: ["10", "10"] }, "192.0.2.200");
      if (!paired.ok) throw new Error(paired.message);
      expect(paired.display).toMatchObject({ name: "Audited wall", clients: ["10"], lastSeenAt: null });
      expect((await listDisplaysAs(admin)).map((d) => d.id)).toContain(paired.display.id);
      await expect(revokeDisplayAs(technician, paired.display.id, null)).rejects.toMatchObject({ kind: "forbidden" });
      expect(await revokeDisplayAs(admin, paired.display.id, "192.0.2.200")).toBe(true);
      expect(await revokeDisplayAs(admin, paired.display.id, null)).toBe(false);
      expect((await listDisplaysAs(admin)).map((d) => d.id)).not.toContain(paired.display.id);
      const entries = (await listAudit(db)).filter((e) => e.target === `display:${paired.display.id}`).map((e) => [e.action, e.actor, e.address]);
      expect(entries).toEqual([
        ["display.revoke", "user:a", "192.0.2.200"],
        ["display.pair", "user:a", "192.0.2.200"],
      ]);
    });
  });
});
