import { SCENARIO } from "../simulator/scenarios";
import { expect, test } from "./support/fixtures";

test("a technician drills down from the clients to a device's backups by clicking", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Backup health" })).toBeVisible();
  await expect(page.getByText("Signed in as admin@e2e.test")).toBeVisible();

  await page.getByRole("table", { name: /clients/ }).getByRole("link", { name: "Müller Bau GmbH" }).click();
  await expect(page).toHaveURL(`/clients/${SCENARIO.accentClient}`);
  await expect(page.getByRole("heading", { level: 1, name: "Müller Bau GmbH" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Breadcrumb" })).toContainText("Clients›Müller Bau GmbH");
  await expect(page.getByRole("table", { name: /sites/ })).toContainText("Zürich");

  await page.getByRole("table", { name: /sites/ }).getByRole("link", { name: "München" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "München" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Breadcrumb" })).toContainText("Clients›Müller Bau GmbH›München");

  await page.getByRole("link", { name: "MB-DC01" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "MB-DC01" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Breadcrumb" })).toContainText("Clients›Müller Bau GmbH›München›MB-DC01");
  await expect(page.getByTestId("health-sentence")).toContainText("SYSTEM_STATE has failed");
  await expect(page.getByText("Signed in as admin@e2e.test")).toBeVisible();
  // The link carried the client's zone, so days are counted in Berlin.
  await expect(page.getByText("Times in Europe/Berlin")).toBeVisible();
});

test("a client whose name holds markup shows it as text", async ({ page }) => {
  let dialogs = 0;
  page.on("dialog", async (dialog) => {
    dialogs++;
    await dialog.dismiss();
  });
  await page.goto("/");
  const name = '<script>alert("x")</script> Labs';
  await page.getByRole("table", { name: /clients/ }).getByRole("link", { name }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(page.getByRole("link", { name: '"><img src=x onerror=alert(1)>' })).toBeVisible();
  expect(await page.locator("img").count()).toBe(0);
  expect(dialogs).toBe(0);
});

test("filtering and sorting the clients lives in the URL", async ({ page }) => {
  await page.goto("/");
  await page.getByLabel("Filter clients").fill("dental");
  await expect(page).toHaveURL(/q=dental/);
  await expect(page.getByRole("heading", { name: /of \d+ clients/ })).toBeVisible();
  const names = await page.getByRole("table", { name: /clients/ }).getByRole("rowheader").allTextContents();
  expect(names.length).toBeGreaterThan(0);
  expect(names.every((n) => /dental/i.test(n))).toBe(true);

  await page.getByRole("link", { name: /^Servers/ }).click();
  await expect(page).toHaveURL(/sort=servers/);
  await expect(page.getByRole("columnheader", { name: /Servers/ })).toHaveAttribute("aria-sort", "ascending");
});

test("an unknown client or site shows not-found with a link one level up", async ({ page }) => {
  await page.goto("/clients/999999");
  await expect(page.getByRole("heading", { name: "Client not found" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Back to all clients" })).toHaveAttribute("href", "/");
  await page.goto(`/clients/${SCENARIO.accentClient}/sites/999999`);
  await expect(page.getByRole("heading", { name: "Site not found" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Back to the client" })).toHaveAttribute("href", `/clients/${SCENARIO.accentClient}`);
});
