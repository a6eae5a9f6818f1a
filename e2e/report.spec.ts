import { readFileSync } from "node:fs";
import type { Page } from "@playwright/test";
import { SCENARIO } from "../simulator/scenarios";
import { authState, E2E_VIEWER_CLIENT, SIGNED_OUT } from "./support/env";
import { expect, test } from "./support/fixtures";

const CLIENT = E2E_VIEWER_CLIENT; // Müller Bau GmbH, Europe/Berlin, five devices
const OTHER_CLIENT = "100002"; // a name with markup in it, America/Los_Angeles
const CLIENT_DEVICE = SCENARIO.failingStreak;

async function reportLoaded(page: Page): Promise<{ month: string; sections: number }> {
  await expect(page.locator("[data-report-summary]")).toBeVisible({ timeout: 60_000 });
  const sections = page.locator("[data-report-section]");
  await expect(sections.first()).toBeVisible({ timeout: 60_000 });
  await expect(page.locator('[role="status"][aria-label^="Reading"]')).toHaveCount(0, { timeout: 60_000 });
  const month = (await page.locator("[data-report-month]").getAttribute("data-report-month"))!;
  return { month, sections: await sections.count() };
}

async function total(page: Page, name: string): Promise<number> {
  return Number(await page.locator(`[data-total="${name}"]`).getAttribute("data-value"));
}

function csvRows(text: string): string[][] {
  // No cell of these rows holds a comma inside quotes except the client's name, which is first.
  return text
    .trimEnd()
    .split("\r\n")
    .map((line) => line.replace(/^"[^"]*",/, "client,").split(","));
}

test.describe("client report", () => {
  test("an admin reads a client's month, downloads the same totals as CSV, and prints it without navigation", async ({ page, axe }) => {
    test.setTimeout(180_000);
    await page.goto(`/reports/clients/${CLIENT}`);
    await expect(page.getByRole("heading", { level: 1, name: "Backup report: Müller Bau GmbH" })).toBeVisible();
    await expect(page.getByText("days and times in Europe/Berlin")).toBeVisible();
    const { month, sections } = await reportLoaded(page);
    expect(month).toMatch(/^\d{4}-\d{2}$/);
    expect(sections).toBe(5);
    await expect(page.locator("[data-report-unreadable]")).toHaveCount(0);
    const runs = await total(page, "runs");
    expect(runs).toBeGreaterThan(0);
    // The failing server's failures are listed with their dates.
    await expect(page.locator(`[data-report-section="${CLIENT_DEVICE}"]`).getByRole("heading", { name: /Failed or incomplete runs \([1-9]\d*\)/ })).toBeVisible();
    await expect(page.locator(`[data-report-section="${CLIENT_DEVICE}"] [data-device-chart]`)).toBeVisible();
    await axe(page);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 720 });

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download CSV" }).click()]);
    expect(download.suggestedFilename()).toBe(`report-Muller-Bau-GmbH-${CLIENT}-${month}.csv`);
    const rows = csvRows(readFileSync((await download.path())!, "utf8"));
    const header = rows[0]!;
    const totals = rows.find((r) => r[3] === "TOTAL")!;
    const column = (name: string) => Number(totals[header.indexOf(name)]);
    expect(column("runs")).toBe(runs);
    expect(column("succeeded")).toBe(await total(page, "succeeded"));
    expect(column("transferred_bytes")).toBe(await total(page, "transferred"));
    expect(column("protected_selection_bytes")).toBe(await total(page, "protected"));
    expect(column("failures")).toBe(await total(page, "failures"));
    expect(new Set(rows.slice(1, -1).map((r) => r[3]))).toEqual(new Set(["3000001", "3000002", "3000003", "3000004", "3000005"]));

    await page.emulateMedia({ media: "print" });
    await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
    await expect(page.getByRole("navigation", { name: "Breadcrumb" })).toBeHidden();
    await expect(page.getByRole("button", { name: "Print / Save as PDF" })).toBeHidden();
    await expect(page.getByRole("heading", { level: 1, name: "Backup report: Müller Bau GmbH" })).toBeVisible();
    for (const format of ["A4", "Letter"] as const) {
      const pdf = (await page.pdf({ format, printBackground: true })).toString("latin1");
      const pages = (pdf.match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length;
      // The summary, then each device on a sheet of its own.
      expect(pages, format).toBeGreaterThanOrEqual(sections + 1);
    }
    await page.emulateMedia({ media: "screen" });
    await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  });

  test("a month spelled oddly, in the future or before the data says so; markup in a client's name stays text", async ({ page, request }) => {
    test.setTimeout(120_000);
    for (const odd of ["2026-13", "26-10", "2026-10-01", "9999-01"]) {
      await page.goto(`/reports/clients/${CLIENT}?month=${odd}`);
      await expect(page.locator("[data-report-notice]")).toContainText("Invalid month");
      const csv = await request.get(`/api/reports/clients/${CLIENT}/csv?month=${odd}`);
      expect(csv.status()).toBe(400);
      expect((await csv.json()).error.message).toContain("Invalid month");
    }
    await page.goto(`/reports/clients/${CLIENT}?month=2099-01`);
    await expect(page.locator("[data-report-notice]")).toContainText("has not begun in Europe/Berlin");
    expect((await request.get(`/api/reports/clients/${CLIENT}/csv?month=2099-01`)).status()).toBe(400);
    await page.goto(`/reports/clients/${CLIENT}?month=2001-01`);
    await expect(page.locator("[data-report-summary]")).toContainText("before the backup history", { timeout: 60_000 });

    await page.goto(`/reports/clients/${SCENARIO.emptyClient}`);
    await expect(page.getByText("days and times in UTC (the client has no time zone in N-sight)")).toBeVisible();

    await page.goto(`/reports/clients/${OTHER_CLIENT}`);
    await expect(page.getByRole("heading", { level: 1, name: 'Backup report: <script>alert("x")</script> Labs' })).toBeVisible();
    await reportLoaded(page);
    await expect(page.getByText("days and times in America/Los_Angeles")).toBeVisible();
  });

  test("names the devices N-sight would not give, and leaves them out of the figures", async ({ page }) => {
    test.setTimeout(180_000);
    await page.goto(`/reports/clients/${SCENARIO.faultLabClient}`);
    await reportLoaded(page);
    const unreadable = page.locator("[data-report-unreadable]");
    await expect(unreadable).toContainText("could not be read; they are left out of every figure");
    const named = await unreadable.locator("li").count();
    expect(named).toBeGreaterThanOrEqual(3);
    expect(await total(page, "devices")).toBeLessThan(await page.locator("[data-report-section]").count());
    await expect(page.locator('[data-total="succeeded"]')).toContainText("of the devices read");
    // Each unreadable device's own section says so too, rather than showing zeros.
    await expect(page.locator("[data-report-section]", { hasText: "Could not be read:" })).toHaveCount(named);
  });

  test("lists the month's quiet failures with their dates", async ({ page }) => {
    test.setTimeout(120_000);
    // The seeded quiet failures are each device's backup about 3 h before the simulator started.
    const parts = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Zurich", year: "numeric", month: "2-digit" }).formatToParts(Date.now() - 3 * 3_600_000);
    const month = `${parts.find((p) => p.type === "year")!.value}-${parts.find((p) => p.type === "month")!.value}`;
    await page.goto(`/reports/clients/${SCENARIO.accentClient2}?month=${month}`);
    await reportLoaded(page);
    expect(await total(page, "anomalies")).toBeGreaterThanOrEqual(3);
    const ransomware = page.locator(`[data-report-section="${SCENARIO.quiet.ransomware}"]`);
    await expect(ransomware.getByRole("heading", { name: /Anomalies \([1-9]/ })).toBeVisible();
    await expect(ransomware.getByRole("listitem").filter({ hasText: /transferred .*its median/ }).first()).toBeVisible();
  });

  test.describe("as a viewer", () => {
    test.use({ storageState: authState("viewer") });

    test("opens its own client's report and is refused another's, page and CSV", async ({ page, request }) => {
      test.setTimeout(120_000);
      await page.goto(`/reports/clients/${CLIENT}`);
      await expect(page.getByRole("heading", { level: 1, name: "Backup report: Müller Bau GmbH" })).toBeVisible();
      await reportLoaded(page);
      // A viewer may not share.
      await expect(page.getByRole("button", { name: "Share", exact: true })).toHaveCount(0);
      expect((await request.get(`/api/reports/clients/${CLIENT}/csv`)).status()).toBe(200);

      await page.goto(`/reports/clients/${OTHER_CLIENT}`);
      await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
      await expect(page.getByText("Labs")).toHaveCount(0);
      const refused = await request.get(`/api/reports/clients/${OTHER_CLIENT}/csv`);
      expect(refused.status()).toBe(403);
      expect(await refused.text()).not.toContain("Labs");
    });
  });

  test("a report share link opens that client's month signed out, and nothing else", async ({ page, browser, baseURL }) => {
    test.setTimeout(180_000);
    await page.goto(`/reports/clients/${CLIENT}`);
    const { month } = await reportLoaded(page);
    await page.getByRole("button", { name: "Share", exact: true }).click();
    await page.getByLabel("Valid for (days)").fill("2");
    await page.getByRole("button", { name: "Create link" }).click();
    const url = await page.getByLabel("Share link").inputValue();
    const token = url.split("/s/")[1]!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const stranger = await browser.newContext({ storageState: SIGNED_OUT, baseURL });
    const shared = await stranger.newPage();
    await shared.goto(url);
    await expect(shared.getByRole("heading", { level: 1, name: "Backup report: Müller Bau GmbH" })).toBeVisible();
    expect((await reportLoaded(shared)).month).toBe(month);
    await expect(shared.getByRole("navigation")).toHaveCount(0);
    await expect(shared.getByRole("link", { name: "Download CSV" })).toHaveCount(0);
    await expect(shared.getByRole("button", { name: "Share", exact: true })).toHaveCount(0);
    await expect(shared.locator('a[href="/"], a[href^="/clients"], a[href^="/devices"], a[href^="/reports"]')).toHaveCount(0);

    // Another month in the address changes nothing: the link is for its month only.
    await shared.goto(`${url}?month=2001-01`);
    expect((await reportLoaded(shared)).month).toBe(month);

    const api = stranger.request;
    expect((await api.get(`/s/${token}/api/devices/${CLIENT_DEVICE}/history?range=30d`)).status()).toBe(403);
    expect((await api.get(`/s/${token}/api/devices/${CLIENT_DEVICE}/sessions/csv`)).status()).toBe(403);
    expect((await api.get(`/api/reports/clients/${CLIENT}/csv?month=${month}`)).status()).toBe(401);
    expect((await api.get(`/api/reports/clients/${CLIENT}/csv?month=${month}`, { headers: { Cookie: "" } })).status()).toBe(401);
    const elsewhere = await api.get(`/reports/clients/${CLIENT}?month=${month}`, { maxRedirects: 0 });
    expect(elsewhere.status()).toBe(307);
    expect(elsewhere.headers()["location"]).toContain("/login");
    await stranger.close();
  });
});
