import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { GET as callbackRoute } from "@/app/auth/callback/route";
import { POST as logoutRoute } from "@/app/auth/logout/route";
import { GET as signInRoute } from "@/app/auth/sign-in/route";
import { parseOidcSettings } from "../config";
import { listAudit } from "../store/audit";
import { getStore, type Store } from "../store/db";
import { serveStoreFrom, storeBackends } from "../testing/store-backends";
import { setUserRole, findUserByIdentity, createUser } from "../store/users";
import { startTestProvider, type TestAccount, type TestProvider } from "../testing/oidc-test-provider";
import { describeOidcError, highestRole } from "./oidc";
import { userOfSession } from "./sessions";

const CLIENT_ID = "dashboard";
const CLIENT_SECRET = "test-client-secret-0123456789abcdef";
let app: { url: string; server: Server };
let provider: TestProvider;
let otherProvider: TestProvider;
let db: Store;
let logged: string[] = [];

async function startApp(): Promise<{ url: string; server: Server }> {
  const routes: Record<string, (request: Request) => Promise<Response>> = {
    "GET /auth/sign-in": signInRoute,
    "GET /auth/callback": callbackRoute,
    "POST /auth/logout": logoutRoute,
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
      const route = routes[`${req.method} ${url.pathname}`];
      if (!route) {
        res.statusCode = 404;
        return res.end();
      }
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = req.method === "GET" ? undefined : Buffer.concat(chunks);
      const response = await route(new Request(url, { method: req.method, headers, body }));
      res.statusCode = response.status;
      response.headers.forEach((value, name) => {
        if (name !== "set-cookie") res.setHeader(name, value);
      });
      const cookies = response.headers.getSetCookie();
      if (cookies.length) res.setHeader("set-cookie", cookies);
      res.end(Buffer.from(await response.arrayBuffer()));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** Keeps cookies across ports as browsers do (the app and the provider are both on 127.0.0.1). */
class Browser {
  cookies = new Map<string, { value: string; path: string }>();
  visited: string[] = [];

  cookieHeader(url: URL): string {
    return [...this.cookies].filter(([, c]) => url.pathname.startsWith(c.path)).map(([name, c]) => `${name}=${c.value}`).join("; ");
  }

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";").map((part) => part.trim());
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq);
      const path = attributes.find((a) => a.toLowerCase().startsWith("path="))?.slice(5) ?? "/";
      const gone = attributes.some((a) => /^max-age=0$/i.test(a) || (/^expires=/i.test(a) && Date.parse(a.slice(8)) < Date.now()));
      if (gone) this.cookies.delete(name);
      else this.cookies.set(name, { value: pair.slice(eq + 1), path });
    }
  }

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const response = await fetch(target, { ...init, redirect: "manual", headers: { ...(init.headers as Record<string, string>), cookie: this.cookieHeader(target) } });
    this.store(response);
    this.visited.push(target.href);
    return response;
  }

  async follow(url: string, stopAt?: (url: URL) => boolean): Promise<URL> {
    let current = new URL(url);
    for (let hop = 0; hop < 10; hop++) {
      if (stopAt?.(current)) return current;
      const response = await this.request(current.href);
      const location = response.headers.get("location");
      if (response.status < 300 || response.status >= 400 || !location) return current;
      current = new URL(location, current);
      if (current.origin === app.url && !current.pathname.startsWith("/auth/")) return current;
    }
    throw new Error("too many redirects");
  }

  session(): string | undefined {
    return this.cookies.get("nbd_session")?.value;
  }
}

async function signIn(account: TestAccount, next = "/clients/100001"): Promise<{ browser: Browser; landed: URL }> {
  provider.signInAs(account);
  const browser = new Browser();
  const landed = await browser.follow(`${app.url}/auth/sign-in?next=${encodeURIComponent(next)}`);
  return { browser, landed };
}

async function callbackOf(account: TestAccount): Promise<{ browser: Browser; callback: URL }> {
  provider.signInAs(account);
  const browser = new Browser();
  const callback = await browser.follow(`${app.url}/auth/sign-in?next=/`, (url) => url.origin === app.url && url.pathname === "/auth/callback");
  return { browser, callback };
}

beforeAll(async () => {
  app = await startApp();
  const redirectUris = [`${app.url}/auth/callback`];
  provider = await startTestProvider({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris });
  otherProvider = await startTestProvider({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris });
  Object.assign(process.env, { PUBLIC_URL: app.url, OIDC_ISSUER: provider.issuer, OIDC_CLIENT_ID: CLIENT_ID, OIDC_CLIENT_SECRET: CLIENT_SECRET, OIDC_NAME: "Test IdP" });
});
afterAll(async () => {
  await Promise.all([provider?.stop(), otherProvider?.stop(), new Promise((resolve) => app?.server.close(resolve))]);
});
beforeEach(() => {
  logged = [];
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    logged.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    logged.push(String(chunk));
    return true;
  });
  return () => vi.restoreAllMocks();
});

describe.each(storeBackends())("$name", (backend) => {
  serveStoreFrom(backend);
  beforeAll(async () => {
    db = await getStore();
  });

  describe("signing in with OpenID Connect", () => {
    it("goes to the provider with PKCE, state and nonce, and comes back signed in on the page it asked for", async () => {
      provider.signInAs({ sub: "tech-1", email: "tech@example.com", name: "Tess Tech", roles: ["technician"] });
      const browser = new Browser();
      const start = await browser.request(`${app.url}/auth/sign-in?next=${encodeURIComponent("/clients/100001?range=30d")}`);
      const authorize = new URL(start.headers.get("location") ?? "");
      expect(authorize.origin).toBe(provider.issuer);
      expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
      expect(authorize.searchParams.get("redirect_uri")).toBe(`${app.url}/auth/callback`);
      for (const param of ["code_challenge", "state", "nonce"]) expect(authorize.searchParams.get(param)).toMatch(/^[\w-]{20,}$/);
      const stateCookie = start.headers.getSetCookie().find((c) => c.startsWith("nbd_oidc="));
      expect(stateCookie).toMatch(/Path=\/auth;.*HttpOnly; SameSite=Lax/);

      const landed = await browser.follow(authorize.href);
      expect(landed.href).toBe(`${app.url}/clients/100001?range=30d`);
      expect(browser.cookies.has("nbd_oidc")).toBe(false);
      const signedIn = await userOfSession(db, browser.session() ?? "");
      expect(signedIn?.user).toMatchObject({ email: "tech@example.com", name: "Tess Tech", role: "technician" });
      const actions = (await listAudit(db, { limit: 5 })).filter((e) => e.actor === `user:${signedIn?.user.id}`).map((e) => e.action);
      expect(actions).toEqual(expect.arrayContaining(["session.sign_in", "user.create"]));
    });

    it("goes back to the home page when `next` is another site or too long for the state cookie", async () => {
      expect((await signIn({ sub: "next-1", roles: ["technician"] }, "//evil.example.com/")).landed.href).toBe(`${app.url}/`);
      expect((await signIn({ sub: "next-1", roles: ["technician"] }, `/clients/100001?q=${"x".repeat(5_000)}`)).landed.href).toBe(`${app.url}/`);
    });

    it("knows a user by issuer and subject: the same subject is the same user, a new subject with a known e-mail is another", async () => {
      const first = await signIn({ sub: "same-1", email: "same@example.com", roles: ["viewer"] });
      const again = await signIn({ sub: "same-1", email: "changed@example.com", roles: ["viewer"] });
      const other = await signIn({ sub: "same-2", email: "same@example.com", roles: ["admin"] });
      const [a, b, c] = await Promise.all([first, again, other].map(async ({ browser }) => (await userOfSession(db, browser.session() ?? ""))?.user));
      expect(a?.id).toBe(b?.id);
      expect(c?.id).not.toBe(a?.id);
      expect(c?.role).toBe("admin");
      expect(a?.role).toBe("viewer");
    });

    it("takes the role from the token at every sign-in, and a viewer keeps the clients an admin gave it", async () => {
      const { browser } = await signIn({ sub: "changing", roles: ["viewer"] });
      const user = (await userOfSession(db, browser.session() ?? ""))!.user;
      await setUserRole(db, user.id, "viewer", ["100001", "100004"]);
      const still = await signIn({ sub: "changing", roles: "viewer" });
      expect((await userOfSession(db, still.browser.session() ?? ""))?.user).toMatchObject({ role: "viewer", clientIds: ["100001", "100004"] });
      const promoted = await signIn({ sub: "changing", roles: ["viewer", "technician"] });
      expect((await userOfSession(db, promoted.browser.session() ?? ""))?.user).toMatchObject({ role: "technician", clientIds: null });
      expect((await listAudit(db, { limit: 3 })).map((e) => e.action)).toContain("user.set_role");
      const demoted = await signIn({ sub: "changing", roles: [] });
      expect((await userOfSession(db, demoted.browser.session() ?? ""))?.user.role).toBeNull();
    });

    it("signs in a user with no recognised role without access: a session whose principal has no role", async () => {
      const { browser, landed } = await signIn({ sub: "nobody", email: "nobody@example.com", roles: ["Reader", "guest"] });
      expect(landed.pathname).toBe("/clients/100001");
      const signedIn = await userOfSession(db, browser.session() ?? "");
      expect(signedIn?.user.role).toBeNull();
      expect(signedIn?.user.clientIds).toBeNull();
    });

    it("refuses a disabled user", async () => {
      const user = await createUser(db, { email: "off@example.com", role: "admin" });
      const { linkIdentity, setUserDisabled } = await import("../store/users");
      await linkIdentity(db, user.id, provider.issuer, "disabled-sub");
      await setUserDisabled(db, user.id, true);
      const { browser, landed } = await signIn({ sub: "disabled-sub", roles: ["admin"] });
      expect(landed.href).toBe(`${app.url}/login?error=sso_disabled`);
      expect(browser.session()).toBeUndefined();
    });

    it("signs out: the session ends and its cookie is cleared", async () => {
      const { browser } = await signIn({ sub: "leaver", roles: ["admin"] });
      const token = browser.session() ?? "";
      expect(await userOfSession(db, token)).not.toBeNull();
      const response = await browser.request(`${app.url}/auth/logout`, { method: "POST", headers: { origin: app.url, "content-type": "application/x-www-form-urlencoded" }, body: "" });
      expect(response.headers.get("location")).toBe("/login?signed_out=1");
      expect(browser.session()).toBeUndefined();
      expect(await userOfSession(db, token)).toBeNull();
    });
  });

  describe("a sign-in that fails ends on /login in the dashboard's words", () => {
    function expectRefused(browser: Browser, landed: URL, failure: string) {
      expect(landed.href).toBe(`${app.url}/login?error=${failure}`);
      expect(browser.session()).toBeUndefined();
      expect(browser.cookies.has("nbd_oidc")).toBe(false);
      const lines = logged.filter((line) => line.includes("oidc.sign_in_failed"));
      expect(lines).toHaveLength(1);
      // The reason is logged; a code, a token or the client secret never is.
      expect(lines[0]).not.toMatch(/eyJ|code=|[\w-]{40,}/);
      expect(lines[0]).not.toContain(CLIENT_SECRET);
    }

    it("a forged state", async () => {
      const { browser, callback } = await callbackOf({ sub: "forged", roles: ["admin"] });
      callback.searchParams.set("state", "forged-state-value-0123456789");
      const landed = await browser.follow(callback.href);
      expectRefused(browser, landed, "sso_rejected");
      expect(logged.join("")).toMatch(/state/);
      expect(await findUserByIdentity(db, provider.issuer, "forged")).toBeNull();
    });

    it("a callback without the browser's sign-in state (another browser, or a forged link)", async () => {
      const { browser, callback } = await callbackOf({ sub: "stranger", roles: ["admin"] });
      browser.cookies.delete("nbd_oidc");
      expectRefused(browser, await browser.follow(callback.href), "sso_expired");
    });

    it("a code used a second time, even with the first answer's state cookie", async () => {
      const { browser, callback } = await callbackOf({ sub: "replayed", roles: ["admin"] });
      const stateCookie = browser.cookies.get("nbd_oidc")!;
      const first = await browser.follow(callback.href);
      expect(first.pathname).toBe("/");
      expect(browser.session()).toBeDefined();
      logged = [];
      const attacker = new Browser();
      attacker.cookies.set("nbd_oidc", stateCookie);
      expectRefused(attacker, await attacker.follow(callback.href), "sso_rejected");
      expect(logged.join("")).toMatch(/invalid_grant/);
    });

    it("an answer from another issuer (a second provider with the same client)", async () => {
      const { browser, callback } = await callbackOf({ sub: "mixup", roles: ["admin"] });
      const request = new URL(browser.visited.find((url) => url.startsWith(`${provider.issuer}/auth?`))!);
      otherProvider.signInAs({ sub: "mixup", roles: ["admin"] });
      const elsewhere = new URL(`${otherProvider.issuer}/auth${request.search}`);
      const other = await browser.follow(elsewhere.href, (url) => url.origin === app.url && url.pathname === "/auth/callback");
      expect(other.searchParams.get("state")).toBe(callback.searchParams.get("state"));
      expect(other.searchParams.get("iss")).toBe(otherProvider.issuer);
      expectRefused(browser, await browser.follow(other.href), "sso_rejected");
      expect(logged.join("")).toMatch(/iss/);
      expect(await findUserByIdentity(db, otherProvider.issuer, "mixup")).toBeNull();
    });

    it("an expired ID token (issued by a provider whose clock is an hour behind)", async () => {
      const { browser, callback } = await callbackOf({ sub: "late", roles: ["admin"] });
      provider.setClockOffsetSeconds(-3_600);
      try {
        expectRefused(browser, await browser.follow(callback.href), "sso_rejected");
      } finally {
        provider.setClockOffsetSeconds(0);
      }
      expect(logged.join("")).toMatch(/exp/);
    });

    it("a provider that is down when the code is exchanged", async () => {
      const { browser, callback } = await callbackOf({ sub: "unlucky", roles: ["admin"] });
      provider.setDown(true);
      try {
        expectRefused(browser, await browser.follow(callback.href), "sso_unavailable");
      } finally {
        provider.setDown(false);
      }
    });

    it("the person cancels at the provider", async () => {
      const { browser, callback } = await callbackOf({ sub: "cancel", roles: ["admin"] });
      const denied = new URL(`${app.url}/auth/callback`);
      denied.search = new URLSearchParams({ error: "access_denied", error_description: "<b>The user cancelled</b>", state: callback.searchParams.get("state")!, iss: provider.issuer }).toString();
      expectRefused(browser, await browser.follow(denied.href), "sso_denied");
    });
  });

  describe("roles", () => {
    it("takes the highest of admin, technician and viewer, in any case, and nothing else", () => {
      expect(highestRole(["viewer", "technician"])).toBe("technician");
      expect(highestRole(["Viewer", "ADMIN", "technician"])).toBe("admin");
      expect(highestRole(["viewer"])).toBe("viewer");
      expect(highestRole(["administrator", "owner", " "])).toBeNull();
      expect(highestRole([])).toBeNull();
    });
  });

  describe("what the log says of a failure", () => {
    it("keeps error codes and class names, never a token or a code", () => {
      const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXZhbHVlLTEyMzQ1Ng";
      const error = Object.assign(new Error(`OperationProcessingError: bad id_token ${jwt} for code Xb7_q2P9vLm0dK3sT8wYz1aB4cE6fG5hJ`), { code: "OAUTH_INVALID_RESPONSE" });
      const line = describeOidcError(error);
      expect(line).toContain("OAUTH_INVALID_RESPONSE");
      expect(line).toContain("OperationProcessingError");
      expect(line).not.toContain("eyJ");
      expect(line).not.toContain("Xb7_q2P9");
    });
  });

  describe("OIDC settings", () => {
    const base = { OIDC_CLIENT_ID: "id", OIDC_CLIENT_SECRET: "secret", OIDC_NAME: "Microsoft", OIDC_ROLES_CLAIM: "roles" };
    const publicUrl = new URL("https://backup.example.com");

    it("accepts an https issuer and derives the redirect URI from PUBLIC_URL", () => {
      const settings = parseOidcSettings({ ...base, OIDC_ISSUER: "https://login.microsoftonline.com/0b6c5f0e-0000-4000-8000-000000000000/v2.0" }, publicUrl);
      expect(settings?.redirectUri.href).toBe("https://backup.example.com/auth/callback");
      expect(settings?.insecureLoopback).toBe(false);
      expect(parseOidcSettings({ ...base, OIDC_ISSUER: "https://idp.example.com" }, new URL("https://example.com/backup/"))?.redirectUri.href).toBe("https://example.com/backup/auth/callback");
    });

    it("accepts plain http only on a loopback address", () => {
      expect(parseOidcSettings({ ...base, OIDC_ISSUER: "http://127.0.0.1:4000" }, publicUrl)?.insecureLoopback).toBe(true);
      expect(parseOidcSettings({ ...base, OIDC_ISSUER: "http://[::1]:4000" }, publicUrl)?.insecureLoopback).toBe(true);
      expect(() => parseOidcSettings({ ...base, OIDC_ISSUER: "http://idp.example.com" }, publicUrl)).toThrow(/https/);
      expect(() => parseOidcSettings({ ...base, OIDC_ISSUER: "http://127.0.0.1.example.com" }, publicUrl)).toThrow(/https/);
      expect(() => parseOidcSettings({ ...base, OIDC_ISSUER: "ftp://127.0.0.1" }, publicUrl)).toThrow(/https/);
    });

    it("needs a client id, a secret and PUBLIC_URL with an issuer, and nothing without one", () => {
      expect(parseOidcSettings(base, null)).toBeNull();
      expect(() => parseOidcSettings({ ...base, OIDC_ISSUER: "https://idp.example.com", OIDC_CLIENT_SECRET: undefined }, publicUrl)).toThrow(/OIDC_CLIENT_SECRET/);
      expect(() => parseOidcSettings({ ...base, OIDC_ISSUER: "https://idp.example.com" }, null)).toThrow(/PUBLIC_URL/);
      expect(() => parseOidcSettings({ ...base, OIDC_ISSUER: "not a url" }, publicUrl)).toThrow(/not a URL/);
      expect(() => parseOidcSettings({ ...base, OIDC_ISSUER: "https://idp.example.com/?tenant=x" }, publicUrl)).toThrow(/query/);
    });
  });
});
