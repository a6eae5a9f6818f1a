import { rmSync } from "node:fs";
import type { Page } from "@playwright/test";
import { AUTH_APP_PORT, e2eAppEnv, E2E_PASSWORD, SIGNED_OUT } from "./support/env";
import { startOwnApp, type OwnProcess } from "./support/processes";
import { expect, test } from "./support/fixtures";
import { addUser } from "./support/users";

// An app of its own: a low lockout threshold and a short idle expiry, which the shared one must not have.
const DATA_DIR = ".cache/e2e-auth-app";
const IDLE_SECONDS = 5;
const USER = { email: "limits@e2e.test", role: "technician" };
let app: OwnProcess;

test.describe.configure({ mode: "serial" });
test.use({ storageState: SIGNED_OUT });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  rmSync(DATA_DIR, { recursive: true, force: true });
  addUser(DATA_DIR, USER, E2E_PASSWORD);
  app = await startOwnApp(AUTH_APP_PORT, { ...e2eAppEnv(DATA_DIR), LOGIN_MAX_FAILURES: "3", LOGIN_LOCK_SECONDS: "600", SESSION_IDLE_SECONDS: String(IDLE_SECONDS) });
});
test.afterAll(async () => {
  await app?.stop();
});

async function tryPassword(page: Page, password: string) {
  await page.goto(`${app.url}/login`);
  await page.getByLabel("Email").fill(USER.email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("a session ends after its idle time without use", async ({ page }) => {
  await tryPassword(page, E2E_PASSWORD);
  await expect(page.getByRole("heading", { level: 1, name: "Backup health" })).toBeVisible();
  expect((await page.request.get(`${app.url}/api/clients`)).status()).toBe(200);
  await page.goto("about:blank");
  // Idle for longer than the limit (not a timing assertion: any wait past it must end it).
  await page.waitForTimeout((IDLE_SECONDS + 2) * 1000);
  expect((await page.request.get(`${app.url}/api/clients`)).status()).toBe(401);
  await page.goto(`${app.url}/`);
  await expect(page).toHaveURL(/\/login\?next=%2F$/);
});

test("an account is locked after too many wrong passwords, then even the right one is refused", async ({ page }) => {
  for (let i = 0; i < 3; i++) {
    await tryPassword(page, `wrong password ${i}`);
    await expect(page.getByRole("main").getByRole("alert")).toContainText("do not match");
  }
  await tryPassword(page, "wrong password again");
  await expect(page.getByRole("main").getByRole("alert")).toContainText("Too many failed sign-ins. Try again in 10 minutes.");
  await tryPassword(page, E2E_PASSWORD);
  await expect(page).toHaveURL(/\/login\?error=locked/);
  expect((await page.context().cookies()).filter((c) => c.name === "nbd_session")).toEqual([]);
});
