import AxeBuilder from "@axe-core/playwright";
import { test as base, expect, type Page } from "@playwright/test";

export const test = base.extend<{ axe: (page: Page) => Promise<void> }>({
  axe: async ({}, use) => {
    await use(async (page: Page) => {
      const results = await new AxeBuilder({ page }).analyze();
      const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      expect(
        serious.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`),
      ).toEqual([]);
    });
  },
});

export { expect };

export async function chartsSettled(page: Page): Promise<void> {
  await expect(page.locator('[data-chart][data-state="loading"]')).toHaveCount(0, { timeout: 30_000 });
}
