import { beforeAll, describe, expect, it } from "vitest";
import { storeBackends, serveStoreFrom } from "../testing/store-backends";
import { getStore } from "../store/db";
import { createUser, setUserDisabled, type User } from "../store/users";
import { CAPABILITIES, CAPABILITY_TABLE, canSeeClient, canSeeDevice, canSeeReport, can, clientScope, requireClient, requireReport } from "./access";
import { readCookie } from "./cookies";
import { originAllowed } from "./origin";
import type { Principal, PrincipalClass } from "./principal";
import { principalFrom } from "./resolve";
import { createSession, endAllSessions, endSession, userOfSession } from "./sessions";
import { hashToken, newToken } from "./tokens";


describe.each(storeBackends())("$name", (backend) => {
  serveStoreFrom(backend);

  beforeAll(() => {
    process.env.SESSION_IDLE_SECONDS = "600";
    process.env.SESSION_MAX_SECONDS = "3600";
  });

  function userPrincipal(user: Partial<User> & Pick<User, "role">): Principal {
    const full: User = { id: "u", email: "u@example.com", name: null, clientIds: null, disabledAt: null, createdAt: 0, updatedAt: 0, ...user };
    return { kind: "user", user: full, via: "session", credentialId: "h" };
  }

  const EXAMPLES: Record<PrincipalClass, Principal> = {
    admin: userPrincipal({ role: "admin" }),
    technician: userPrincipal({ role: "technician" }),
    viewer: userPrincipal({ role: "viewer", clientIds: ["10"] }),
    no_role: userPrincipal({ role: null }),
    share: { kind: "share", linkId: "l", deviceId: "100", clientId: "10", reportMonth: null, view: "" },
    display: { kind: "display", displayId: "d", name: "Wall", clientIds: ["10"] },
    demo: { kind: "demo" },
  };

  describe("capability table", () => {
    it.each(Object.entries(EXAMPLES))("%s has exactly its row's capabilities", (name, principal) => {
      const row = CAPABILITY_TABLE[name as PrincipalClass];
      for (const capability of CAPABILITIES) expect(can(principal, capability), capability).toBe(row.includes(capability));
    });

    it("gives the issue's table: only admins (and the demo) manage; technicians share; the rest only read", () => {
      expect(CAPABILITY_TABLE.admin).toEqual(CAPABILITIES);
      expect(CAPABILITY_TABLE.technician).toContain("share.create");
      expect(CAPABILITY_TABLE.viewer).not.toContain("share.create");
      expect(CAPABILITY_TABLE.no_role).toEqual([]);
      expect(CAPABILITY_TABLE.share).toEqual(["device.read", "report.read"]);
      expect([...CAPABILITY_TABLE.display].sort()).toEqual(["fleet.read", "noc.read"]);
    });

    it("limits viewers, displays and share links to their clients", () => {
      expect(clientScope(EXAMPLES.admin)).toBeNull();
      expect(canSeeClient(EXAMPLES.viewer, "10")).toBe(true);
      expect(canSeeClient(EXAMPLES.viewer, "11")).toBe(false);
      expect(canSeeClient(EXAMPLES.no_role, "10")).toBe(false);
      expect(canSeeClient(EXAMPLES.display, "11")).toBe(false);
      expect(canSeeClient({ kind: "display", displayId: "d", name: "All", clientIds: null }, "11")).toBe(true);
    });

    it("lets a report link open its client's report for its month and nothing else, and a device link no report", () => {
      const reportLink: Principal = { kind: "share", linkId: "r", deviceId: null, clientId: "10", reportMonth: "2026-10", view: "" };
      expect(canSeeReport(reportLink, "10", "2026-10")).toBe(true);
      expect(canSeeReport(reportLink, "10", "2026-09")).toBe(false);
      expect(canSeeReport(reportLink, "11", "2026-10")).toBe(false);
      expect(canSeeDevice(reportLink, "100")).toBe(false);
      expect(() => requireClient(reportLink, "10")).toThrow();
      expect(canSeeReport(EXAMPLES.share, "10", "2026-10")).toBe(false);
      expect(canSeeReport(EXAMPLES.viewer, "10", "2026-10")).toBe(true);
      expect(canSeeReport(EXAMPLES.viewer, "11", "2026-10")).toBe(false);
      expect(canSeeReport(EXAMPLES.admin, "11", "2026-10")).toBe(true);
      expect(() => requireReport(EXAMPLES.display, "10", "2026-10")).toThrow("You may not see client reports.");
      expect(() => requireReport(EXAMPLES.viewer, "11", "2026-10")).toThrow("You may not see this client's report.");
    });
  });

  describe("sessions and resolution", () => {
    it("resolves a session cookie to its user until it is ended, and a new sign-in ends the old token", async () => {
      const db = await getStore();
      const user = await createUser(db, { email: "tech@example.com", role: "technician" });
      const first = await createSession(db, user.id, { address: "127.0.0.1", userAgent: "t" }, 1_000);
      expect((await userOfSession(db, first.token, 2_000))?.user.id).toBe(user.id);
      const second = await createSession(db, user.id, { address: null, userAgent: null, previousToken: first.token }, 3_000);
      expect(await userOfSession(db, first.token, 3_001)).toBeNull();
      expect((await userOfSession(db, second.token, 3_001))?.hash).toBe(hashToken(second.token));
      await endSession(db, second.hash, 4_000);
      expect(await userOfSession(db, second.token, 4_001)).toBeNull();
    });

    it("ends a session after its idle time, extends it with use, and never past the absolute limit", async () => {
      const db = await getStore();
      const user = await createUser(db, { email: "idle@example.com", role: "viewer", clientIds: [] });
      const s = await createSession(db, user.id, { address: null, userAgent: null }, 0);
      expect(await userOfSession(db, s.token, 600_000)).toBeNull();
      const t = await createSession(db, user.id, { address: null, userAgent: null }, 0);
      for (let at = 500_000; at < 3_600_000; at += 500_000) expect(await userOfSession(db, t.token, at), `at ${at}`).not.toBeNull();
      expect(await userOfSession(db, t.token, 3_600_000)).toBeNull();
    });

    it("refuses the sessions of a disabled user, and ends all of a user's sessions at once", async () => {
      const db = await getStore();
      const user = await createUser(db, { email: "many@example.com", role: "admin" });
      const a = await createSession(db, user.id, { address: null, userAgent: null }, 0);
      const b = await createSession(db, user.id, { address: null, userAgent: null }, 0);
      await setUserDisabled(db, user.id, true, 10);
      expect(await userOfSession(db, a.token, 20)).toBeNull();
      await setUserDisabled(db, user.id, false, 30);
      expect(await userOfSession(db, a.token, 40)).not.toBeNull();
      expect(await endAllSessions(db, user.id, 50)).toBe(2);
      expect(await userOfSession(db, b.token, 60)).toBeNull();
    });

    it("resolves nobody from no credential, a made-up one, or a wrong Bearer header, and no demo without a loopback simulator", async () => {
      process.env.NSIGHT_DEMO = "1";
      process.env.NSIGHT_SERVER = "https://www.systemmonitor.us";
      process.env.NSIGHT_API_KEY = "k";
      const none = { cookie: () => undefined, authorization: null };
      expect(await principalFrom(none)).toBeNull();
      expect(await principalFrom({ cookie: () => newToken(), authorization: null })).toBeNull();
      expect(await principalFrom({ cookie: () => undefined, authorization: `Bearer ${newToken()}` })).toBeNull();
      expect(await principalFrom({ cookie: () => undefined, authorization: "Basic abc" })).toBeNull();
    });

    it("reads one cookie from a Cookie header", () => {
      expect(readCookie("a=1; nbd_session=xyz; b=2", "nbd_session")).toBe("xyz");
      expect(readCookie("xnbd_session=1", "nbd_session")).toBeUndefined();
    });
  });

  describe("origin check", () => {
    const post = (headers: Record<string, string>) => new Request("http://127.0.0.1:3000/api/x", { method: "POST", headers });
    it("lets reads through, and a state change only from this origin or with an API token", () => {
      expect(originAllowed(new Request("http://127.0.0.1:3000/api/x"))).toBe(true);
      expect(originAllowed(post({ origin: "http://127.0.0.1:3000" }))).toBe(true);
      expect(originAllowed(post({ origin: "https://evil.example" }))).toBe(false);
      expect(originAllowed(post({ origin: "null" }))).toBe(false);
      expect(originAllowed(post({}))).toBe(false);
      expect(originAllowed(post({ authorization: "Bearer x" }))).toBe(true);
    });
  });
});
