import { describe, expect, it } from "vitest";
import { storeBackends, serveStoreFrom } from "../testing/store-backends";
import { getStore } from "../store/db";
import { createUser, deleteUser, type User } from "../store/users";
import { countShareLinkView, createShareLink, findLiveShareLink, listShareLinks, revokeShareLink, setShareLinkExpiry } from "../store/share-links";
import { canSeeDevice, canSeeReport, can } from "./access";
import { principalFrom, sharePrincipalFrom, shareTokenOfPath } from "./resolve";
import { listAudit } from "../store/audit";
import type { Principal } from "./principal";
import { createShareLinkFor, normaliseShareView, recordShareView, revokeShareLinkFor, shareLinksOf } from "./share-links";
import { hashToken, newToken } from "./tokens";

describe.each(storeBackends())("$name", (backend) => {
  serveStoreFrom(backend);

  const DAY = 86_400_000;


  const users: Record<string, string> = {};
  async function userId(name: string): Promise<string> {
    users[name] ??= (await createUser(await getStore(), { email: `${name}@example.com`, role: "technician" })).id;
    return users[name];
  }

  async function newLink(creator: string | null = "a", now = 1_000) {
    const createdBy = creator === null ? null : await userId(creator);
    const token = newToken();
    const row = await createShareLink(await getStore(), { hash: hashToken(token), deviceId: "100", clientId: "10", view: "range=90d", createdBy, expiresAt: now + 7 * DAY }, now);
    return { token, row };
  }

  describe("share link store", () => {
    it("keeps only the token's hash, finds a live link by it, and lists by creator", async () => {
      const db = await getStore();
      const { token, row } = await newLink("a");
      await newLink("b");
      await newLink(null);
      const stored = await db.selectFrom("share_links").selectAll().where("id", "=", row.id).executeTakeFirstOrThrow();
      expect(stored.hash).toBe(hashToken(token));
      expect(JSON.stringify(stored)).not.toContain(token);
      expect((await findLiveShareLink(db, hashToken(token), 2_000))?.id).toBe(row.id);
      expect(await findLiveShareLink(db, token, 2_000)).toBeNull();
      const a = await userId("a");
      expect((await listShareLinks(db, { createdBy: a })).map((l) => l.createdBy)).toEqual([a]);
      expect((await listShareLinks(db)).map((l) => l.createdBy)).toEqual(expect.arrayContaining([a, await userId("b"), null]));
    });

    it("stops finding a link at its expiry and once revoked (revoking twice changes nothing)", async () => {
      const db = await getStore();
      const { token, row } = await newLink();
      expect(await findLiveShareLink(db, hashToken(token), row.expiresAt - 1)).not.toBeNull();
      expect(await findLiveShareLink(db, hashToken(token), row.expiresAt)).toBeNull();
      expect(await revokeShareLink(db, row.id, 5_000)).toBe(true);
      expect(await revokeShareLink(db, row.id, 6_000)).toBe(false);
      expect(await findLiveShareLink(db, hashToken(token), 5_000)).toBeNull();
    });

    it("removes a user's links with the user", async () => {
      const db = await getStore();
      const { token } = await newLink("leaver");
      await deleteUser(db, await userId("leaver"));
      expect(await findLiveShareLink(db, hashToken(token), 2_000)).toBeNull();
    });

    it("counts views one at a time", async () => {
      const db = await getStore();
      const { row } = await newLink();
      expect(await countShareLinkView(db, row.id, 2_000)).toBe(1);
      expect(await countShareLinkView(db, row.id, 3_000)).toBe(2);
    });
  });

  describe("share principal", () => {
    it("resolves a live link's token to its device only, and nothing from an expired, revoked or made-up one", async () => {
      const db = await getStore();
      const now = Date.now();
      const live = await newLink("a", now);
      const principal = await sharePrincipalFrom(live.token, now + 1);
      expect(principal).toMatchObject({ kind: "share", linkId: live.row.id, deviceId: "100", clientId: "10", view: "range=90d" });
      if (!principal) return;
      expect(canSeeDevice(principal, "100")).toBe(true);
      expect(canSeeDevice(principal, "101")).toBe(false);
      expect(can(principal, "device.read")).toBe(true);
      expect(can(principal, "client.read")).toBe(false);
      expect(can(principal, "fleet.read")).toBe(false);

      const expired = await newLink("a", now);
      await setShareLinkExpiry(db, expired.row.id, now - 1);
      expect(await sharePrincipalFrom(expired.token, now)).toBeNull();
      const revoked = await newLink("a", now);
      await revokeShareLink(db, revoked.row.id, now);
      expect(await sharePrincipalFrom(revoked.token, now)).toBeNull();
      expect(await sharePrincipalFrom(newToken(), now)).toBeNull();
      expect(await sharePrincipalFrom("../etc", now)).toBeNull();
    });

    it("resolves a report link's token to its client and month, with no device, and lists it as such", async () => {
      const db = await getStore();
      const now = Date.now();
      const token = newToken();
      const row = await createShareLink(db, { hash: hashToken(token), clientId: "10", reportMonth: "2026-10", view: "", createdBy: await userId("a"), expiresAt: now + DAY }, now);
      expect(row).toMatchObject({ deviceId: null, clientId: "10", reportMonth: "2026-10" });
      const principal = await sharePrincipalFrom(token, now + 1);
      expect(principal).toMatchObject({ kind: "share", linkId: row.id, deviceId: null, clientId: "10", reportMonth: "2026-10" });
      if (!principal) return;
      expect(canSeeReport(principal, "10", "2026-10")).toBe(true);
      expect(canSeeReport(principal, "10", "2026-11")).toBe(false);
      expect(canSeeDevice(principal, "100")).toBe(false);
      expect((await listShareLinks(db)).find((l) => l.id === row.id)).toMatchObject({ deviceId: null, reportMonth: "2026-10" });
      // A device link opens no report.
      const device = await newLink("a", now);
      const devicePrincipal = await sharePrincipalFrom(device.token, now + 1);
      expect(devicePrincipal && canSeeReport(devicePrincipal, "10", "2026-10")).toBe(false);
    });

    it("reads a share token from a /s/ path only, and then no other credential", async () => {
      expect(shareTokenOfPath("/s/abc/api/devices/1/history")).toBe("abc");
      expect(shareTokenOfPath("/s/abc")).toBe("abc");
      expect(shareTokenOfPath("/api/s/abc")).toBeNull();
      expect(shareTokenOfPath("/devices/1")).toBeNull();
      // A share path with a dead token is nobody, even with a (made-up) Bearer header beside it.
      expect(await principalFrom({ cookie: () => undefined, authorization: `Bearer ${newToken()}`, shareToken: newToken() })).toBeNull();
      const { token } = await newLink("a", Date.now());
      expect(await principalFrom({ cookie: () => undefined, authorization: `Bearer ${newToken()}`, shareToken: token })).toMatchObject({ kind: "share" });
    });

    it("normalises the view a link opens with through the device view parser", () => {
      expect(normaliseShareView("range=90d&status=FAILED,bogus&tz=europe/berlin&evil=<script>")).toBe("range=90d&status=FAILED&tz=Europe%2FBerlin");
      expect(normaliseShareView("?range=nope")).toBe("");
    });
  });

  describe("who may list and revoke", () => {
    function asUser(id: string, role: User["role"]): Principal {
      return { kind: "user", via: "session", credentialId: "h", user: { id, email: `${id}@example.com`, name: null, role, clientIds: null, disabledAt: null, createdAt: 0, updatedAt: 0 } };
    }
    const request = () => new Request("http://127.0.0.1:3000/api/share-links/x", { method: "DELETE" });

    it("refuses a report link with a month spelled otherwise or an unknown field, saying what is wrong, and to a viewer", async () => {
      const technician = asUser(await userId("reporter"), "technician");
      const post = () => new Request("http://127.0.0.1:3000/api/share-links", { method: "POST" });
      await expect(createShareLinkFor(technician, post(), { clientId: "10", month: "2026-13" })).rejects.toThrow("Invalid share link: month: expected YYYY-MM");
      await expect(createShareLinkFor(technician, post(), { clientId: "10", month: "2026-10", view: "" })).rejects.toThrow(/Invalid share link: .*view/);
      await expect(createShareLinkFor(technician, post(), { clientId: "x1", month: "2026-10" })).rejects.toThrow("Invalid share link: clientId: expected a positive whole number");
      await expect(createShareLinkFor(technician, post(), { deviceId: "abc" })).rejects.toThrow("Invalid share link: deviceId: expected a positive whole number");
      await expect(createShareLinkFor(asUser("v2", "viewer"), post(), { clientId: "10", month: "2026-10" })).rejects.toMatchObject({ kind: "forbidden" });
    });

    it("lets the creator or an admin revoke, lists a technician's own links only, and refuses a viewer and a share link", async () => {
      const mine = asUser(await userId("owner"), "technician");
      const other = asUser(await userId("other"), "technician");
      const admin = asUser(await userId("boss"), "admin");
      const first = await newLink("owner", Date.now());
      const second = await newLink("owner", Date.now());
      expect((await shareLinksOf(mine)).map((l) => l.id)).toEqual(expect.arrayContaining([first.row.id, second.row.id]));
      expect((await shareLinksOf(other)).map((l) => l.id)).not.toContain(first.row.id);
      expect((await shareLinksOf(admin)).map((l) => l.id)).toEqual(expect.arrayContaining([first.row.id, second.row.id]));
      expect(JSON.stringify(await shareLinksOf(admin))).not.toContain(first.token);

      await expect(revokeShareLinkFor(other, request(), first.row.id)).rejects.toMatchObject({ kind: "forbidden" });
      await expect(revokeShareLinkFor(asUser("v", "viewer"), request(), first.row.id)).rejects.toMatchObject({ kind: "forbidden" });
      await expect(revokeShareLinkFor({ kind: "share", linkId: first.row.id, deviceId: "100", clientId: "10", reportMonth: null, view: "" }, request(), first.row.id)).rejects.toMatchObject({ kind: "forbidden" });
      expect(await sharePrincipalFrom(first.token)).not.toBeNull();
      expect(await revokeShareLinkFor(mine, request(), first.row.id)).toBe(true);
      expect(await revokeShareLinkFor(admin, request(), second.row.id)).toBe(true);
      expect(await sharePrincipalFrom(first.token)).toBeNull();
      expect(await sharePrincipalFrom(second.token)).toBeNull();
      expect(await revokeShareLinkFor(admin, request(), "00000000-0000-4000-8000-000000000000")).toBe(false);
      const revokes = (await listAudit(await getStore(), { limit: 1000 })).filter((e) => e.action === "share_link.revoke").map((e) => e.target);
      expect(revokes).toEqual(expect.arrayContaining([first.row.id, second.row.id]));
    });

    it("lists each link's creator by email and its state: live, expired or revoked", async () => {
      const admin = asUser(await userId("lister"), "admin");
      const now = Date.now();
      const live = await newLink("maker", now);
      const expired = await newLink("maker", now - 8 * DAY);
      const revoked = await newLink("maker", now);
      await revokeShareLink(await getStore(), revoked.row.id, now);
      const listed = new Map((await shareLinksOf(admin, now)).map((l) => [l.id, l]));
      expect([live, expired, revoked].map(({ row }) => listed.get(row.id)?.state)).toEqual(["live", "expired", "revoked"]);
      expect(listed.get(live.row.id)?.createdByEmail).toBe("maker@example.com");
    });

    it("audits a link's first view only", async () => {
      const { token, row } = await newLink("a", Date.now());
      const principal = await sharePrincipalFrom(token);
      if (principal?.kind !== "share") throw new Error("no share principal");
      await recordShareView(principal, new Request("http://127.0.0.1:3000/s/x/api/views", { method: "POST" }));
      await recordShareView(principal, new Request("http://127.0.0.1:3000/s/x/api/views", { method: "POST" }));
      const views = (await listAudit(await getStore(), { limit: 1000 })).filter((e) => e.action === "share_link.first_view" && e.target === row.id);
      expect(views).toHaveLength(1);
      expect(views[0]?.actor).toBe(`share:${row.id}`);
    });
  });
});
