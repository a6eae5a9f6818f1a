import { SCENARIO } from "../simulator/scenarios";
import { fullPicture } from "./support/fleet";
import { expect, test } from "./support/fixtures";

test.describe("the NOC wall", () => {
  test.setTimeout(180_000);

  test("shows counts and tiles worst first, without chrome or scrollbars", async ({ page, request }) => {
    await fullPicture(request);
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.goto("/noc?refresh=5");
    await expect(page.getByRole("banner")).toHaveCount(0);
    await expect(page.getByText("Demo data (simulated N-sight)")).toHaveCount(0);
    // The refresher keeps re-reading devices: the wall catches up with the server's count.
    await expect
      .poll(async () => {
        const failed = (await (await request.get("/api/fleet")).json()).data.counts.failed;
        const shown = await page.locator('[data-state-count="failed"]').textContent();
        return /\d+/.exec(shown ?? "")?.[0] === String(failed);
      })
      .toBe(true);
    const tiles = page.locator("li[data-device-id]");
    await expect(tiles.first()).toBeVisible();
    await expect(tiles.first()).toHaveAttribute("data-health", "failed");
    await expect(tiles.first()).toContainText("Failed");
    const scroll = await page.evaluate(() => [document.documentElement.scrollHeight - innerHeight, document.documentElement.scrollWidth - innerWidth]);
    expect(scroll).toEqual([0, 0]);
    await expect(page.getByTestId("noc-freshness")).toContainText(/as of \d\d:\d\d:\d\d/);
    await expect(page.getByTestId("noc-freshness")).toContainText("next refresh in");
  });

  test("says when its own server stops answering, and shows no all-clear until it answers again", async ({ page, request }) => {
    await fullPicture(request);
    // A client without devices: while the fleet is known, its wall is the all-clear.
    await page.goto(`/noc?refresh=5&clients=${SCENARIO.emptyClient}`);
    const allClear = page.getByText("No device needs attention");
    await expect(allClear).toBeVisible({ timeout: 60_000 });
    await page.route("**/api/fleet?**", (route) => route.abort("connectionrefused"));
    const banner = page.getByTestId("noc-banner");
    await expect(banner).toContainText(/Dashboard server unreachable since \d\d:\d\d:\d\d; showing data from (just now|\d+ s ago|\d+ min ago)/, { timeout: 20_000 });
    await expect(allClear).toHaveCount(0);
    await expect(page.getByTestId("noc-not-known")).toContainText("Not known whether any device needs attention");
    await expect(page.getByText("0 known to need attention")).toBeVisible();
    await page.unroute("**/api/fleet?**");
    await expect(banner).toHaveCount(0, { timeout: 20_000 });
    await expect(allClear).toBeVisible();
  });

  test("rotates pages of tiles when they do not fit", async ({ page, request }) => {
    const snapshot = await fullPicture(request);
    // Two tiles a page: how many devices are overdue varies with the hour, never below four.
    await page.setViewportSize({ width: 600, height: 620 });
    expect(snapshot.problemPage.total, "devices that need attention in the seeded fleet").toBeGreaterThan(3);
    await page.goto("/noc?rotate=5");
    const wall = page.locator("[data-pages]");
    await expect(wall).toHaveAttribute("data-per-page", /^[1-3]$/);
    await expect(wall).not.toHaveAttribute("data-pages", "1");
    const first = await page.locator("li[data-device-id]").first().getAttribute("data-device-id");
    await expect(wall).toHaveAttribute("data-page", "2", { timeout: 15_000 });
    await expect(page.locator("li[data-device-id]").first()).not.toHaveAttribute("data-device-id", first!);
  });

  test("honours clients= and keeps its settings in the URL", async ({ page, request }) => {
    await fullPicture(request);
    await page.goto(`/noc?clients=${SCENARIO.accentClient}&theme=light&refresh=5`);
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Müller Bau GmbH");
    await expect(page.locator("main")).toHaveAttribute("data-noc-theme", "light");
    const ids = await page.locator("li[data-device-id]").evaluateAll((tiles) => tiles.map((t) => t.getAttribute("data-device-id")));
    expect(ids).toContain(SCENARIO.failingStreak);
    expect(ids).not.toContain(SCENARIO.overdue);
  });

  test.describe("in a browser whose zone and clock differ from the server's", () => {
    test.use({ timezoneId: "Pacific/Auckland" });

    test("hydrates without errors, then shows local times", async ({ page, request }) => {
      await fullPicture(request);
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(String(error)));
      page.on("console", (message) => {
        if (message.type() === "error") errors.push(message.text());
      });
      // 45 s ahead: every relative age ("12 s ago") differs from what the server rendered.
      await page.clock.install({ time: Date.now() + 45_000 });
      await page.goto("/noc");
      await expect(page.locator("li[data-device-id]").first()).toBeVisible();
      // The snapshot's minute in Auckland, not the runner's hour now: it may predate the hour's turn.
      const freshness = page.getByTestId("noc-freshness");
      await expect(freshness).toContainText(/as of \d\d:\d\d:\d\d,/);
      const shown = /as of (\d\d:\d\d):\d\d,/.exec((await freshness.textContent()) ?? "")?.[1];
      const recentMinutes = (timeZone: string) =>
        Array.from({ length: 17 }, (_, i) =>
          new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(Date.now() - (15 - i) * 60_000),
        );
      expect(recentMinutes("Pacific/Auckland")).toContain(shown);
      expect(recentMinutes("UTC")).not.toContain(shown);
      expect(await freshness.textContent()).not.toContain("UTC");
      expect(errors).toEqual([]);
    });
  });
});
