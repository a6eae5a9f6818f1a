import { readFileSync } from "node:fs";
import type { Page } from "@playwright/test";
import { SCENARIO } from "../simulator/scenarios";
import { chartsSettled, expect, test } from "./support/fixtures";

interface History {
  plugins: string[];
  matching: number;
  series: { transferred: number[][]; maxDuration: (number | null)[][]; selection: (number | null)[][] };
  status: { worst: (string | null)[][] };
}

async function historyFor(page: Page, deviceId: string, query: string): Promise<History> {
  const response = await page.request.get(`/api/devices/${deviceId}/history?${query}`);
  expect(response.ok()).toBe(true);
  return (await response.json()).data;
}

const count = <T,>(rows: T[][], keep: (v: T) => boolean) => rows.reduce((n, row) => n + row.filter(keep).length, 0);

test.describe("the device page", () => {
  test("opens cold from a link with filters and a zone, and everything agrees with them", async ({ browser }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const query = "range=7d&plugin=MSSQL&status=COMPLETED&tz=Asia%2FTokyo";
    // The range ends now and an hourly session may leave it meanwhile: before or after will do.
    const earlier = await historyFor(page, SCENARIO.hourlySqlServer, query);
    await page.goto(`/devices/${SCENARIO.hourlySqlServer}?${query}`);

    await expect(page.getByRole("navigation", { name: "Breadcrumb" })).toContainText("Clients›Müller Bau GmbH›München›MB-SQL01");
    await expect(page.getByRole("button", { name: "Last 7 days" })).toHaveAttribute("aria-pressed", "true");
    await expect(page.getByRole("checkbox", { name: "MS SQL" })).toBeChecked();
    await expect(page.getByRole("checkbox", { name: "Completed", exact: true })).toBeChecked();
    await expect(page.getByRole("checkbox", { name: "Failed" })).not.toBeChecked();
    await expect(page.getByLabel("Time zone")).toHaveValue("Asia/Tokyo");
    await expect(page.getByText("Times in Asia/Tokyo")).toBeVisible();

    const table = page.getByRole("table", { name: /Sessions/ });
    await expect(page.locator("section[data-total]")).toHaveAttribute("data-state", "ready");
    const plugins = await table.locator("tbody tr td:nth-child(5)").allTextContents();
    const statuses = await table.locator("tbody tr td:nth-child(6)").allTextContents();
    expect(plugins.length).toBe(50);
    expect(new Set(plugins)).toEqual(new Set(["MS SQL"]));
    expect(statuses.every((s) => s.includes("Completed") && !s.includes("errors"))).toBe(true);

    await chartsSettled(page);
    const later = await historyFor(page, SCENARIO.hourlySqlServer, query);
    expect(later.plugins).toEqual(["MSSQL"]);
    expect([earlier.matching, later.matching]).toContain(Number(await page.locator("section[data-total]").getAttribute("data-total")));
    await expect(page.locator('[data-chart="transferred"] .recharts-legend-item')).toHaveCount(1);
    await context.close();
  });

  test("charts reach data-state=ready with the number of marks the data implies", async ({ page }) => {
    const device = SCENARIO.failingStreak;
    await page.goto(`/devices/${device}?range=30d&tz=UTC`);
    await chartsSettled(page);
    const history = await historyFor(page, device, "range=30d&tz=UTC");
    const expected = {
      transferred: count(history.series.transferred, (v) => v > 0),
      status: count(history.status.worst, (v) => v !== null),
      duration: count(history.series.maxDuration, (v) => v !== null),
      selection: count(history.series.selection, (v) => v !== null),
    };
    for (const [chart, marks] of Object.entries(expected)) {
      const card = page.locator(`[data-chart="${chart}"]`);
      await expect(card).toHaveAttribute("data-state", "ready");
      await expect(card).toHaveAttribute("data-marks", String(marks));
      expect(marks).toBeLessThanOrEqual(1_000);
    }
    await expect(page.locator('[data-chart="transferred"] .recharts-bar-rectangle')).toHaveCount(expected.transferred);
    await expect(page.locator('[data-chart="status"] [data-cell]')).toHaveCount(expected.status);
    await expect(page.locator('[data-chart="status"] [data-cell="FAILED"]').first()).toBeVisible();
    await page.locator('[data-chart="status"]').getByText("Show the data as a table").click();
    await expect(page.locator('[data-chart="status"] table')).toContainText("Failed");
  });

  test("changing a filter changes the URL, and Back restores the previous view", async ({ page }) => {
    await page.goto(`/devices/${SCENARIO.failingStreak}?range=30d&tz=UTC`);
    await expect(page.locator("section[data-total]")).toHaveAttribute("data-state", "ready");
    const before = await page.locator("section[data-total]").getAttribute("data-total");

    await page.getByRole("checkbox", { name: "Failed" }).click();
    await expect(page.getByRole("checkbox", { name: "Failed" })).toBeChecked();
    await expect(page).toHaveURL(/status=FAILED/);
    await expect(page.locator("section[data-total]")).not.toHaveAttribute("data-total", before!);
    const statuses = await page.getByRole("table", { name: /Sessions/ }).locator("tbody tr td:nth-child(6)").allTextContents();
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s.includes("Failed"))).toBe(true);

    await page.getByRole("button", { name: "Last 90 days" }).click();
    await expect(page).toHaveURL(/range=90d/);

    await page.goBack();
    await expect(page).not.toHaveURL(/range=/);
    await expect(page.getByRole("button", { name: "Last 30 days" })).toHaveAttribute("aria-pressed", "true");
    await page.goBack();
    await expect(page).not.toHaveURL(/status=/);
    await expect(page.getByRole("checkbox", { name: "Failed" })).not.toBeChecked();
    await expect(page.locator("section[data-total]")).toHaveAttribute("data-total", before!);
    await page.goForward();
    await expect(page.getByRole("checkbox", { name: "Failed" })).toBeChecked();
  });

  test("the CSV download holds exactly the table's rows", async ({ page }) => {
    await page.goto(`/devices/${SCENARIO.failingStreak}?range=30d&tz=UTC&plugin=SYSTEM_STATE`);
    const section = page.locator("section[data-total]");
    await expect(section).toHaveAttribute("data-state", "ready");
    const total = Number(await section.getAttribute("data-total"));
    const shownIds = await page.locator("tbody tr[data-session-id]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-session-id")));

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download CSV" }).click()]);
    expect(download.suggestedFilename()).toBe(`MB-DC01-${SCENARIO.failingStreak}-last-30d.csv`);
    const lines = readFileSync((await download.path())!, "utf8").trimEnd().split("\r\n");
    expect(lines[0]).toMatch(/^session_id,type,plugin,status,start_utc/);
    expect(lines.length - 1).toBe(total);
    expect(lines.slice(1, 1 + shownIds.length).map((l) => l.split(",")[0])).toEqual(shownIds);
    expect(lines.slice(1).every((l) => l.split(",")[2] === "SYSTEM_STATE")).toBe(true);
  });

  test("a row opens the session's detail with exact bytes", async ({ page }) => {
    await page.goto(`/devices/${SCENARIO.failingStreak}?range=7d&tz=UTC`);
    const firstRow = page.locator("tbody tr[data-session-id]").first();
    const id = await firstRow.getAttribute("data-session-id");
    await firstRow.getByRole("button").click();
    const dialog = page.getByRole("dialog", { name: `Session ${id}` });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText(/\d{1,3}(,\d{3})* bytes/);
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
  });

  test("a device whose history fails shows the error with Retry, and the rest of the page works", async ({ page }) => {
    await page.goto(`/devices/${SCENARIO.faults.http500}`);
    await expect(page.getByRole("heading", { level: 1, name: "FAULT-HTTP500" })).toBeVisible();
    const alert = page.getByRole("alert").filter({ hasText: "Could not load the backup history" });
    await expect(alert).toBeVisible({ timeout: 30_000 });
    await expect(alert).toContainText("N-sight is having trouble");
    await expect(alert.getByRole("button", { name: "Retry" })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Breadcrumb" })).toContainText("Simulator Fault Lab");
    await page.getByRole("button", { name: "Last 7 days" }).click();
    await expect(page).toHaveURL(/range=7d/);
  });

  test("an unknown device shows not-found with a way back", async ({ page }) => {
    await page.goto("/devices/999999999");
    await expect(page.getByRole("heading", { name: "Device not found" })).toBeVisible({ timeout: 30_000 });
    await expect(page.getByRole("link", { name: "Back to all clients" })).toBeVisible();
  });

  test("distinct empty states: Backup & Recovery off, and no sessions in the range", async ({ page }) => {
    test.slow();
    await page.goto(`/devices/${SCENARIO.backupOff}`);
    await expect(page.getByText("Backup & Recovery is not enabled on this device")).toBeVisible({ timeout: 30_000 });
    await page.goto(`/devices/${SCENARIO.stoppedDaysAgo[2]!.deviceId}?range=7d&tz=UTC`);
    // Not read yet by anyone, it may wait its turn in the minute's budget the other specs share.
    await expect(page.getByText("No sessions in this range", { exact: true })).toBeVisible({ timeout: 65_000 });
    await expect(page.locator('[data-chart="transferred"]')).toHaveAttribute("data-state", "empty");
  });

  test("a zone spelled in another case or as an alias is answered under its one canonical name", async ({ page }) => {
    const device = SCENARIO.failingStreak;
    await page.goto(`/devices/${device}?range=7d&tz=eUrOpE%2FbErLiN`);
    await expect(page).toHaveURL(/[?&]tz=Europe%2FBerlin(&|$)/);
    await expect(page.getByText("Times in Europe/Berlin")).toBeVisible({ timeout: 30_000 });
    await expect(page.getByLabel("Time zone")).toHaveValue("Europe/Berlin");

    const answer = await page.request.get(`/api/devices/${device}/history?range=7d&tz=US%2FEastern`);
    expect(answer.status()).toBe(200);
    expect((await answer.json()).data.zone).toBe("America/New_York");
    const refused = await page.request.get(`/api/devices/${device}/history?range=7d&tz=Not%2FAZone`);
    expect(refused.status()).toBe(400);
  });

  test("a custom range from year 0100 to 9999 draws what all history draws", async ({ page }) => {
    const device = SCENARIO.failingStreak;
    const all = await page.request.get(`/api/devices/${device}/history?range=all&tz=UTC`);
    const huge = await page.request.get(`/api/devices/${device}/history?range=custom&from=0100-01-01&to=9999-12-31&tz=UTC`);
    expect(huge.status()).toBe(200);
    const [whole, clamped] = [(await all.json()).data, (await huge.json()).data];
    expect(clamped.series.starts).toEqual(whole.series.starts);
    expect(clamped.totals).toEqual(whole.totals);
  });
});

