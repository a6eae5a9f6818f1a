import { rmSync } from "node:fs";
import { startTestProvider, type TestProvider } from "../lib/testing/oidc-test-provider";
import { APP_PORT, e2eAppEnv, SIGNED_OUT } from "./support/env";
import { expect, test } from "./support/fixtures";
import { startOwnApp, type OwnProcess } from "./support/processes";

// An app of its own with OIDC settings (the shared app has none), against a real provider on loopback.
const PORT = Number(process.env.E2E_OIDC_PORT ?? APP_PORT + 8);
const DATA_DIR = ".cache/e2e-oidc-app";
const APP_URL = `http://127.0.0.1:${PORT}`;
const CLIENT = { clientId: "backup-dashboard", clientSecret: "e2e-oidc-client-secret-4f1c2a9e" };
let provider: TestProvider;
let app: OwnProcess;
let sessionToken = "";

test.describe.configure({ mode: "serial" });
test.use({ storageState: SIGNED_OUT });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  rmSync(DATA_DIR, { recursive: true, force: true });
  provider = await startTestProvider({ ...CLIENT, redirectUris: [`${APP_URL}/auth/callback`] });
  app = await startOwnApp(PORT, {
    ...e2eAppEnv(DATA_DIR),
    PUBLIC_URL: APP_URL,
    OIDC_ISSUER: provider.issuer,
    OIDC_CLIENT_ID: CLIENT.clientId,
    OIDC_CLIENT_SECRET: CLIENT.clientSecret,
    OIDC_NAME: "Contoso ID",
  });
});
test.afterAll(async () => {
  await app?.stop();
  await provider?.stop();
});

test("a technician signs in with single sign-on and lands on the page it asked for, with the token's role", async ({ page }) => {
  provider.signInAs({ sub: "e2e-technician", email: "tess@contoso.test", name: "Tess Technician", roles: ["technician"] });
  await page.goto(`${APP_URL}/clients/100001`);
  await expect(page).toHaveURL(/\/login\?next=%2Fclients%2F100001$/);
  await expect(page.getByLabel("Password")).toHaveCount(0);
  await page.getByRole("link", { name: "Sign in with Contoso ID" }).click();
  await expect(page).toHaveURL(`${APP_URL}/clients/100001`);
  await expect(page.getByRole("heading", { level: 1 })).not.toHaveText("You have no access to this dashboard");
  await expect(page.getByText("Signed in as Tess Technician")).toBeVisible();
  const clients = await page.request.get(`${APP_URL}/api/clients`);
  expect(clients.status()).toBe(200);
  expect(((await clients.json()) as { data: unknown[] }).data.length).toBeGreaterThan(1);
  const cookies = await page.context().cookies();
  expect(cookies.map((c) => c.name)).not.toContain("nbd_oidc");
  sessionToken = cookies.find((c) => c.name === "nbd_session")?.value ?? "";
  expect(sessionToken).not.toBe("");
});

test("a user whose token names no role of this dashboard sees that it has no access, and no data", async ({ page }) => {
  provider.signInAs({ sub: "e2e-no-role", email: "guest@contoso.test", name: "Gus Guest", roles: ["Reader"] });
  await page.goto(`${APP_URL}/`);
  await page.getByRole("link", { name: "Sign in with Contoso ID" }).click();
  await expect(page).toHaveURL(`${APP_URL}/`);
  await expect(page.getByRole("heading", { level: 1, name: "You have no access to this dashboard" })).toBeVisible();
  await expect(page.locator("table")).toHaveCount(0);
  expect((await page.request.get(`${APP_URL}/api/clients`)).status()).toBe(403);
  expect((await page.request.get(`${APP_URL}/api/fleet`)).status()).toBe(403);
});

test("a callback this browser did not start ends on /login in the dashboard's own words", async ({ page }) => {
  await page.goto(`${APP_URL}/auth/callback?code=forged-code&state=forged-state`);
  await expect(page).toHaveURL(`${APP_URL}/login?error=sso_expired`);
  await expect(page.getByRole("main").getByRole("alert")).toHaveText(/took too long or was started in another window/);
  expect((await page.context().cookies()).map((c) => c.name)).not.toContain("nbd_session");
});

test("the app's log names why a sign-in failed, and holds no secret, token or session", async () => {
  const output = app.output();
  expect(output).toContain('"event":"oidc.sign_in_failed"');
  expect(output).not.toContain(CLIENT.clientSecret);
  expect(output).not.toContain(sessionToken);
  expect(output).not.toMatch(/eyJ[\w-]{10,}\./);
  expect(output).not.toContain("forged-code");
});
