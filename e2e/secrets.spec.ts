import { createHash } from "node:crypto";
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { expect, test, type Page, type Response } from "@playwright/test";
import { SCENARIO, SCENARIO_PLACES } from "../simulator/scenarios";
import { APP_PORT, e2eAppEnv, E2E_API_KEY, E2E_PASSWORD, SIGNED_OUT } from "./support/env";
import { startOwnApp, type OwnProcess } from "./support/processes";
import { addUser, issueTokenWithCli, signIn } from "./support/users";

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const sql = SCENARIO_PLACES[SCENARIO.hourlySqlServer]!;
const PAGES = ["/", `/clients/${sql.clientId}`, `/clients/${sql.clientId}/sites/${sql.siteId}`, `/devices/${SCENARIO.hourlySqlServer}`];

test.describe("the API key never leaves the server", () => {
  test("no file the browser can load contains the key", () => {
    const files = filesUnder(join(process.cwd(), ".next", "static"));
    expect(files.length).toBeGreaterThan(0);
    const leaking = files.filter((file) => readFileSync(file).includes(E2E_API_KEY));
    expect(leaking).toEqual([]);
  });

  test("no page, RSC payload, header or API answer contains the key or an upstream URL", async ({ page, request }) => {
    test.slow();
    const seen: string[] = [];
    page.on("response", async (response) => {
      const headers = JSON.stringify(await response.allHeaders());
      const body = await response.body().catch(() => Buffer.alloc(0));
      seen.push(`${response.url()}\n${headers}\n${body.toString("utf8")}`);
    });
    for (const path of PAGES) {
      await page.goto(path);
      await expect(page.locator('[role="status"][aria-label^="Loading"]')).toHaveCount(0, { timeout: 30_000 });
      await expect(page.locator('[data-chart][data-state="loading"]')).toHaveCount(0, { timeout: 30_000 });
      const rsc = await request.get(path, { headers: { RSC: "1" } });
      seen.push(await rsc.text());
    }
    const apis = [
      "/api/clients",
      `/api/clients/${SCENARIO.accentClient}/sites`,
      `/api/clients/${SCENARIO.accentClient}/devices`,
      `/api/devices/${SCENARIO.hourlySqlServer}/sessions?from=2026-01-01T00:00:00Z`,
      `/api/devices/${SCENARIO.faults.http500}/sessions`,
      `/api/devices/${SCENARIO.faults.html}/sessions`,
      `/api/devices/${SCENARIO.faults.malformed}/sessions`,
      "/api/devices/999999999/sessions",
    ];
    for (const path of apis) {
      const response = await request.get(path);
      seen.push(`${JSON.stringify(response.headers())}\n${await response.text()}`);
    }
    expect(seen.length).toBeGreaterThan(PAGES.length);
    for (const text of seen) {
      expect(text).not.toContain(E2E_API_KEY);
      expect(text).not.toMatch(/apikey=/i);
    }
  });
});

// An app of its own, so that everything it prints can be read (the shared app's goes to the console).
const SECRETS_PORT = Number(process.env.E2E_SECRETS_PORT ?? APP_PORT + 7);
const SECRETS_DATA_DIR = ".cache/e2e-secrets";
const ADMIN = { email: "secrets-admin@e2e.test", role: "admin" };

interface Seen {
  url: string;
  method: string;
  setCookie: string;
  rest: string;
}

function record(page: Page, seen: Seen[]): void {
  page.on("response", async (response: Response) => {
    const headers = await response.headersArray();
    const body = await response.body().catch(() => Buffer.alloc(0));
    seen.push({
      url: response.url(),
      method: response.request().method(),
      setCookie: headers.filter((h) => h.name.toLowerCase() === "set-cookie").map((h) => h.value).join("\n"),
      rest: `${JSON.stringify(headers.filter((h) => h.name.toLowerCase() !== "set-cookie"))}\n${body.toString("utf8")}`,
    });
  });
}

async function fetchSeen(seen: Seen[], url: string, init: RequestInit = {}): Promise<number> {
  const response = await fetch(url, { redirect: "manual", ...init });
  const headers = [...response.headers.entries()];
  seen.push({
    url,
    method: init.method ?? "GET",
    setCookie: response.headers.getSetCookie().join("\n"),
    rest: `${JSON.stringify(headers.filter(([name]) => name !== "set-cookie"))}\n${await response.text()}`,
  });
  return response.status;
}

const sha256 = (token: string) => createHash("sha256").update(token, "utf8").digest("base64url");

test.describe("session and API tokens stay where they belong", () => {
  let app: OwnProcess;
  test.use({ storageState: SIGNED_OUT });

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    rmSync(SECRETS_DATA_DIR, { recursive: true, force: true });
    addUser(SECRETS_DATA_DIR, ADMIN, E2E_PASSWORD);
    app = await startOwnApp(SECRETS_PORT, e2eAppEnv(SECRETS_DATA_DIR));
  });
  test.afterAll(async () => {
    await app?.stop();
  });

  test("in no log line, page, bundle or header but the Set-Cookie that issues a session, and the one answer that issues an API token", async ({ page }) => {
    test.slow();
    const seen: Seen[] = [];
    record(page, seen);
    await signIn(page, ADMIN.email, E2E_PASSWORD, app.url);
    const session = (await page.context().cookies()).find((c) => c.name === "nbd_session")!.value;
    expect(session).toMatch(/^[A-Za-z0-9_-]{43}$/);

    await page.goto(`${app.url}/admin/tokens`);
    await page.getByLabel("Name").fill("secrets check");
    await page.getByRole("button", { name: "Create token" }).click();
    const uiToken = (await page.locator("[data-new-token]").textContent())!.trim();
    const cliToken = issueTokenWithCli(SECRETS_DATA_DIR, ADMIN.email, "secrets cli").token;
    const revokedToken = issueTokenWithCli(SECRETS_DATA_DIR, ADMIN.email, "secrets revoked").token;

    for (const token of [uiToken, cliToken, revokedToken]) {
      for (const path of ["/", "/api/clients", "/admin/tokens", "/api/tokens", "/api/audit"]) {
        expect(await fetchSeen(seen, `${app.url}${path}`, { headers: { Authorization: `Bearer ${token}` } }), path).toBe(200);
      }
      // An RSC request is first sent on to its cache-busting address: follow it.
      expect(await fetchSeen(seen, `${app.url}/`, { headers: { Authorization: `Bearer ${token}`, RSC: "1" }, redirect: "follow" })).toBe(200);
      expect(seen.at(-1)!.rest).toContain("Backup health");
    }
    await page.goto(`${app.url}/admin/tokens`);
    await page.getByRole("button", { name: "Revoke secrets revoked" }).click();
    await expect(page.locator('[data-token-row="secrets revoked"]')).toContainText("revoked");
    // Refusals and odd headers are where a careless log line would print what it was given.
    expect(await fetchSeen(seen, `${app.url}/api/clients`, { headers: { Authorization: `Bearer ${revokedToken}` } })).toBe(401);
    expect(await fetchSeen(seen, `${app.url}/api/clients`, { headers: { Authorization: `Bearer ${revokedToken}x` } })).toBe(401);
    expect(await fetchSeen(seen, `${app.url}/api/clients`, { headers: { Authorization: `Token ${cliToken}` } })).toBe(401);
    expect(await fetchSeen(seen, `${app.url}/api/tokens`, { method: "POST", headers: { Authorization: `Bearer ${revokedToken}`, "Content-Type": "application/json" }, body: "{" })).toBe(401);
    expect(await fetchSeen(seen, `${app.url}/api/tokens`, { method: "POST", headers: { Authorization: `Bearer ${cliToken}`, "Content-Type": "application/json" }, body: `{"name":"${uiToken}"` })).toBe(400);
    expect(await fetchSeen(seen, `${app.url}/api/tokens`, { method: "POST", headers: { Cookie: `nbd_session=${session}`, Origin: "https://evil.example", "Content-Type": "application/json" }, body: "{}" })).toBe(403);
    expect(await fetchSeen(seen, `${app.url}/api/clients`, { headers: { Cookie: `nbd_session=${session}x` } })).toBe(401);

    for (const path of ["/admin/users", "/admin/audit", "/admin/tokens", "/"]) {
      await page.goto(`${app.url}${path}`);
      seen.push({ url: path, method: "RSC", setCookie: "", rest: await (await page.request.get(`${app.url}${path}`, { headers: { RSC: "1" } })).text() });
    }
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login/);
    expect(await fetchSeen(seen, `${app.url}/api/clients`, { headers: { Cookie: `nbd_session=${session}` } })).toBe(401);

    const issuing = (s: Seen) => s.method === "POST" && s.url === `${app.url}/api/tokens` && s.rest.includes('"token"');
    expect(seen.filter(issuing)).toHaveLength(1);
    expect(seen.filter((s) => s.setCookie.includes(session))).toHaveLength(1);
    const output = app.output();
    expect(output.length).toBeGreaterThan(0);
    const statics = filesUnder(join(process.cwd(), ".next", "static")).map((file) => readFileSync(file, "utf8"));
    for (const [label, secret] of Object.entries({ session, uiToken, cliToken, revokedToken })) {
      for (const value of [secret, sha256(secret)]) {
        expect(output.includes(value), `${label} in the app's output`).toBe(false);
        for (const s of seen) {
          expect(s.rest.includes(value) && !(label === "uiToken" && value === secret && issuing(s)), `${label} in ${s.method} ${s.url}`).toBe(false);
          if (label !== "session") expect(s.setCookie.includes(value), `${label} in a Set-Cookie of ${s.url}`).toBe(false);
        }
        expect(statics.some((text) => text.includes(value)), `${label} in a bundle`).toBe(false);
      }
    }
  });
});
