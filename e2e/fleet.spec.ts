import { SCENARIO } from "../simulator/scenarios";
import { fullPicture } from "./support/fleet";
import { expect, test } from "./support/fixtures";

test.describe("fleet backup health on the home page", () => {
  test.setTimeout(180_000);

  test("lists the seeded failing and overdue devices first and links to their pages", async ({ page, request }) => {
    await fullPicture(request);
    await page.goto("/");
    const overview = page.getByTestId("fleet-overview");
    await expect(overview.locator('[data-state-count="failed"]')).toContainText("Failed");

    const rows = page.getByRole("table", { name: /Needs attention/ }).locator("tbody tr");
    const states = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-health")));
    const order = ["failed", "overdue", "warning"];
    expect(states.length).toBeGreaterThan(0);
    expect(states.map((s) => order.indexOf(s!))).toEqual([...states.map((s) => order.indexOf(s!))].sort((a, b) => a - b));

    const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-device-id")));
    expect(ids).toContain(SCENARIO.failingStreak);
    expect(ids).toContain(SCENARIO.overdue);
    await expect(page.locator(`tr[data-device-id="${SCENARIO.failingStreak}"]`)).toHaveAttribute("data-health", "failed");
    await expect(page.locator(`tr[data-device-id="${SCENARIO.overdue}"]`)).toHaveAttribute("data-health", "overdue");
    for (const { deviceId } of SCENARIO.stoppedDaysAgo) {
      await expect(page.locator(`tr[data-device-id="${deviceId}"]`)).toHaveAttribute("data-health", "overdue");
    }

    await page.locator(`tr[data-device-id="${SCENARIO.failingStreak}"]`).getByRole("link").click();
    await expect(page.getByRole("heading", { level: 1, name: "MB-DC01" })).toBeVisible();
  });

  test("client and site pages show the same rollup for their devices", async ({ page, request }) => {
    await fullPicture(request);
    await page.goto(`/clients/${SCENARIO.accentClient}`);
    await expect(page.getByTestId("health-rollup")).toContainText("Failed");
    await expect(page.getByRole("row", { name: /MB-DC01/ })).toContainText("Failed");
    await page.goto(`/clients/${SCENARIO.accentClient}/sites/200001`);
    await expect(page.getByTestId("health-rollup")).toContainText("failed");
    await page.goto("/");
    const clients = page.getByRole("table", { name: /clients/ });
    await expect(clients.getByRole("row", { name: /Müller Bau GmbH/ })).toContainText("Failed");
  });
});
