import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "@playwright/test";
import { SCENARIO, SCENARIO_PLACES } from "../simulator/scenarios";
import { chartsSettled, expect, test } from "./support/fixtures";

const sql = SCENARIO_PLACES[SCENARIO.failingStreak]!;
const PAGE_TYPES: [string, string][] = [
  ["clients", "/"],
  ["client", `/clients/${sql.clientId}`],
  ["site", `/clients/${sql.clientId}/sites/${sql.siteId}`],
  ["device", `/devices/${SCENARIO.failingStreak}?client=${sql.clientId}&tz=Europe%2FBerlin&range=7d`],
];

/** Waits on the page's own loading states rather than on network silence (Next prefetches). */
async function settle(page: Page) {
  await expect(page.locator("main h1")).toBeVisible();
  await expect(page.locator('[role="status"][aria-label^="Loading"]')).toHaveCount(0, { timeout: 30_000 });
  await chartsSettled(page);
  if (await page.locator("section[data-total]").count()) {
    await expect(page.locator("section[data-total]")).toHaveAttribute("data-state", "ready");
  }
}

for (const [name, path] of PAGE_TYPES) {
  test(`the ${name} page has no serious or critical accessibility violation, light and dark`, async ({ browser, axe }) => {
    test.slow(name === "device");
    const shots = join(process.cwd(), "test-results", "screenshots");
    mkdirSync(shots, { recursive: true });
    for (const scheme of ["light", "dark"] as const) {
      const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 1440, height: 1000 } });
      const page = await context.newPage();
      await page.goto(path);
      await settle(page);
      await axe(page);
      await page.screenshot({ path: join(shots, `${name}-${scheme}.png`), fullPage: true });
      await context.close();
    }
  });
}

test("everything on the device page is reachable from the keyboard", async ({ page }) => {
  await page.goto(`/devices/${SCENARIO.failingStreak}?tz=UTC`);
  await settle(page);
  const reached = new Set<string>();
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press("Tab");
    const label = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return el ? `${el.tagName}:${el.getAttribute("aria-label") ?? el.textContent?.trim().slice(0, 30) ?? ""}` : "";
    });
    reached.add(label);
  }
  const all = [...reached].join("\n");
  expect(all).toContain("Last 90 days");
  expect(all).toContain("Copy link");
  expect(all).toContain("Download CSV");
  expect(all).toMatch(/INPUT/);
});

test("works at 360 px wide without horizontal page scroll", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
  const page = await context.newPage();
  for (const [, path] of PAGE_TYPES) {
    await page.goto(path);
    await settle(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, path).toBeLessThanOrEqual(0);
  }
  await context.close();
});

test("the theme switch overrides the system and survives a reload", async ({ page }) => {
  await page.goto("/");
  await page.getByLabel("Theme").selectOption("dark");
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await page.getByLabel("Theme").selectOption("system");
});
