import { randomUUID } from "node:crypto";
import type { Browser, BrowserContext } from "@playwright/test";
import { APP_URL, authState, E2E_DATA_DIR, E2E_PASSWORD, E2E_USERS, E2E_VIEWER_CLIENT, SIGNED_OUT } from "./support/env";
import { expect, test } from "./support/fixtures";
import { addUser, issueTokenWithCli, signIn } from "./support/users";

// Accounts this spec changes are its own: the shared ones are every other spec's.
const RUN = randomUUID().slice(0, 8);

function withToken(path: string, token: string): Promise<Response> {
  return fetch(`${APP_URL}${path}`, { headers: { Authorization: `Bearer ${token}` }, redirect: "manual" });
}

async function clientIds(response: Response): Promise<string[]> {
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: { clientId: string }[] }).data.map((c) => c.clientId).sort();
}

async function signedInAs(browser: Browser, email: string): Promise<BrowserContext> {
  const context = await browser.newContext({ storageState: SIGNED_OUT });
  await signIn(await context.newPage(), email, E2E_PASSWORD);
  return context;
}

test("an admin creates a token in /admin/tokens: it reads the API and pages as its user until it is revoked", async ({ page, request }) => {
  const name = `report script ${RUN}`;
  await page.goto("/admin/tokens");
  await page.getByLabel("User").selectOption({ label: `${E2E_USERS.viewer.email} (viewer)` });
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Expires in days").fill("7");
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.locator("[data-new-token]").textContent())!.trim();
  expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  await expect(page.locator(`[data-token-row="${name}"]`)).toContainText("active");

  expect(await clientIds(await withToken("/api/clients", token))).toEqual([E2E_VIEWER_CLIENT]);
  const home = await withToken("/", token);
  expect(home.status).toBe(200);
  expect(await home.text()).toContain("Backup health");
  expect((await withToken("/api/audit", token)).status).toBe(403);
  expect((await fetch(`${APP_URL}/`, { redirect: "manual" })).status).toBe(307);

  const listed = ((await (await request.get("/api/tokens")).json()).data as { name: string; lastUsedAt: string | null; userEmail: string }[]).find((t) => t.name === name);
  expect(listed).toMatchObject({ userEmail: E2E_USERS.viewer.email });
  expect(listed?.lastUsedAt).not.toBeNull();

  await page.getByRole("button", { name: `Revoke ${name}` }).click();
  await expect(page.locator(`[data-token-row="${name}"]`)).toContainText("revoked");
  expect((await withToken("/api/clients", token)).status).toBe(401);
  const refused = await withToken("/", token);
  expect(refused.status).toBe(307);
  expect(refused.headers.get("location")).toContain("/login");
});

test("a wrong or malformed Bearer header is refused without falling back to the session cookie", async ({ request }) => {
  expect((await request.get("/api/clients")).status()).toBe(200);
  for (const authorization of ["Bearer not-a-token", `Bearer ${"A".repeat(43)}`, "Basic YWRtaW46YWRtaW4=", "Bearer"]) {
    expect((await request.get("/api/clients", { headers: { Authorization: authorization } })).status(), authorization).toBe(401);
  }
});

test("`npm run users -- token` prints a working token as its last line", async () => {
  const { token, output } = issueTokenWithCli(E2E_DATA_DIR, E2E_USERS.viewer.email, `cli ${RUN}`, 30);
  expect(output.trimEnd().split("\n").length).toBeGreaterThan(1);
  expect(await clientIds(await withToken("/api/clients", token))).toEqual([E2E_VIEWER_CLIENT]);
  const admin = issueTokenWithCli(E2E_DATA_DIR, E2E_USERS.admin.email, `cli admin ${RUN}`).token;
  expect((await clientIds(await withToken("/api/clients", admin))).length).toBeGreaterThan(1);
  expect((await withToken("/api/audit", admin)).status).toBe(200);
});

for (const role of ["technician", "viewer"] as const) {
  test.describe(`a ${role}`, () => {
    test.use({ storageState: authState(role) });

    test("gets 403 on every admin page and admin API, and no Admin link", async ({ page, request }) => {
      for (const path of ["/admin", "/admin/users", "/admin/tokens", "/admin/audit", "/admin/audit?before=1.x"]) {
        const response = await page.goto(path);
        expect(response?.status(), path).toBe(403);
        await expect(page.getByRole("heading", { name: "You may not see this page" })).toBeVisible();
      }
      for (const path of ["/api/audit", "/api/tokens", "/api/users"]) expect((await request.get(path)).status(), path).toBe(403);
      const origin = { Origin: APP_URL };
      expect((await request.post("/api/tokens", { headers: origin, data: { userId: randomUUID(), name: "x" } })).status()).toBe(403);
      expect((await request.delete(`/api/tokens/${randomUUID()}`, { headers: origin })).status()).toBe(403);
      expect((await request.delete(`/api/users/${randomUUID()}/sessions`, { headers: origin })).status()).toBe(403);
      await page.goto("/");
      await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
      await expect(page.getByRole("link", { name: "Admin" })).toHaveCount(0);
    });
  });
}

test("signed out, the admin pages send the visitor to sign in", async ({ browser }) => {
  const context = await browser.newContext({ storageState: SIGNED_OUT });
  const page = await context.newPage();
  await page.goto("/admin/tokens");
  await expect(page).toHaveURL(/\/login\?next=%2Fadmin%2Ftokens$/);
  await context.close();
});

test("an admin changes a viewer's clients and the viewer's /api/clients follows at once", async ({ page, request, browser }) => {
  const clients = ((await (await request.get("/api/clients")).json()).data as { clientId: string; name: string }[]).slice(0, 2);
  expect(clients).toHaveLength(2);
  const [first, second] = clients as [(typeof clients)[0], (typeof clients)[0]];
  const email = `clients-${RUN}@e2e.test`;
  addUser(E2E_DATA_DIR, { email, role: "viewer", clients: [first.clientId] }, E2E_PASSWORD);
  const viewer = await signedInAs(browser, email);
  expect(await clientIds(await fetch(`${APP_URL}/api/clients`, { headers: { Cookie: (await viewer.cookies()).map((c) => `${c.name}=${c.value}`).join("; ") } }))).toEqual([first.clientId]);

  await page.goto("/admin/users");
  await expect(page.locator(`[data-user="${email}"]`)).toContainText("viewer");
  const controls = page.getByRole("region", { name: email });
  await controls.getByRole("checkbox", { name: first.name, exact: true }).uncheck();
  await controls.getByRole("checkbox", { name: second.name, exact: true }).check();
  await controls.getByRole("button", { name: "Save role" }).click();
  await expect(controls.getByRole("status")).toHaveText("Role and clients saved.");
  await expect(page.locator(`[data-user="${email}"]`)).toContainText(second.name);

  const answer = await viewer.request.get(`${APP_URL}/api/clients`);
  expect((await answer.json()).data.map((c: { clientId: string }) => c.clientId)).toEqual([second.clientId]);
  await viewer.close();

  const audit = (await (await request.get("/api/audit?limit=20")).json()).data.entries as { action: string; detail: { email?: string; clients?: string[] } }[];
  expect(audit.find((e) => e.action === "user.set_role" && e.detail.email === email)?.detail.clients).toEqual([second.clientId]);
});

test("ending all sessions of a user signs them out: their next request goes to /login", async ({ page, browser }) => {
  const email = `ended-${RUN}@e2e.test`;
  addUser(E2E_DATA_DIR, { email, role: "technician" }, E2E_PASSWORD);
  const technician = await signedInAs(browser, email);
  const theirs = await technician.newPage();
  await theirs.goto("/");
  await expect(theirs.getByRole("heading", { level: 1, name: "Backup health" })).toBeVisible();

  await page.goto("/admin/users");
  const controls = page.getByRole("region", { name: email });
  await controls.getByRole("button", { name: "End all sessions" }).click();
  await expect(controls.getByRole("status")).toHaveText("All their sessions were ended.");

  await theirs.goto("/");
  await expect(theirs).toHaveURL(/\/login\?next=%2F$/);
  expect((await technician.request.get(`${APP_URL}/api/clients`)).status()).toBe(401);
  await technician.close();
});

test("the audit log reads newest first, a page at a time, on /admin/audit and GET /api/audit", async ({ page, request }) => {
  const first = (await (await request.get("/api/audit?limit=2")).json()).data as { entries: { id: string; at: string }[]; next: string };
  expect(first.entries).toHaveLength(2);
  expect(first.entries[0]!.at >= first.entries[1]!.at).toBe(true);
  const second = (await (await request.get(`/api/audit?limit=2&before=${encodeURIComponent(first.next)}`)).json()).data as { entries: { id: string; at: string }[] };
  expect(second.entries.length).toBeGreaterThan(0);
  expect(second.entries.map((e) => e.id)).not.toContain(first.entries[0]!.id);
  expect(second.entries.map((e) => e.id)).not.toContain(first.entries[1]!.id);
  expect(second.entries[0]!.at <= first.entries[1]!.at).toBe(true);
  expect((await request.get("/api/audit?before=yesterday")).status()).toBe(400);


  // 50 audited changes, more than a page holds, of an account of this test's own.
  const email = `audited-${RUN}@e2e.test`;
  addUser(E2E_DATA_DIR, { email, role: "technician" }, E2E_PASSWORD);
  const user = ((await (await request.get("/api/users")).json()).data as { id: string; email: string }[]).find((u) => u.email === email)!;
  for (let i = 0; i < 50; i++) expect((await request.delete(`/api/users/${user.id}/sessions`, { headers: { Origin: APP_URL } })).status()).toBe(200);

  await page.goto("/admin/audit");
  const rows = page.getByRole("table", { name: /Audit log/ }).locator("tbody tr");
  await expect(rows).toHaveCount(50);
  await expect(page.locator('[data-audit-action="user.end_sessions"]').first()).toBeVisible();
  const lastOfFirst = await rows.last().locator("time").getAttribute("datetime");
  await page.getByRole("link", { name: "Older entries" }).click();
  await expect(page).toHaveURL(/before=/);
  await expect(page.locator('[data-audit-action="user.create"]').first()).toBeVisible();
  expect((await rows.first().locator("time").getAttribute("datetime"))! <= lastOfFirst!).toBe(true);
});

test("the header links Admin for an administrator, and names who is signed in; the admin pages pass axe", async ({ page, axe }) => {
  await page.goto("/");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" }).click();
  await expect(page).toHaveURL(/\/admin\/users$/);
  await expect(page.getByRole("heading", { level: 1, name: "Users" })).toBeVisible();
  await axe(page);
  for (const [link, heading] of [["API tokens", "API tokens"], ["Audit log", "Audit log"]] as const) {
    await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: link }).click();
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: link })).toHaveAttribute("aria-current", "page");
    await axe(page);
  }
  await expect(page.getByRole("banner")).toContainText(`Signed in as ${E2E_USERS.admin.email}`);
  await expect(page.getByRole("banner").getByRole("button", { name: "Sign out" })).toBeVisible();
});

test("a state change without this site's Origin is refused", async ({ request }) => {
  expect((await request.post("/api/tokens", { data: { userId: randomUUID(), name: "x" } })).status()).toBe(403);
  expect((await request.post("/api/tokens", { headers: { Origin: "https://evil.example" }, data: { userId: randomUUID(), name: "x" } })).status()).toBe(403);
});
