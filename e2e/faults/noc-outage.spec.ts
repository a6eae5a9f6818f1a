import { expect, test } from "@playwright/test";
import { fullPicture } from "../support/fleet";
import { simulator } from "../support/simulator-control";

test("when N-sight stops, the NOC keeps its data under a banner, and recovers by itself", async ({ page, request }) => {
  test.setTimeout(240_000);
  await fullPicture(request);
  await page.goto("/noc?refresh=5");
  const tiles = page.locator("li[data-device-id]");
  await expect(tiles.first()).toBeVisible();
  await expect(page.getByTestId("fleet-knowledge")).toHaveCount(0);

  await simulator.setOutage(true);
  try {
    await expect(page.getByTestId("fleet-knowledge")).toHaveAttribute("data-state", "unreachable", { timeout: 120_000 });
    await expect(page.getByTestId("fleet-knowledge")).toContainText("N-sight is unreachable since");
    // Whichever page the wall has rotated to, its tiles are the stale snapshot's.
    const shown = await tiles.evaluateAll((items) => items.map((item) => item.getAttribute("data-device-id")));
    const stale = await (await request.get("/api/fleet")).json();
    expect(stale.meta.stale).toBe(true);
    expect(shown.length).toBeGreaterThan(0);
    expect(stale.data.problems.map((d: { deviceId: string }) => d.deviceId)).toEqual(expect.arrayContaining(shown));
    await expect(page.locator('[data-state-count="failed"]')).toBeVisible();
  } finally {
    await simulator.setOutage(false);
  }
  await expect(page.getByTestId("fleet-knowledge")).toHaveCount(0, { timeout: 120_000 });
  await expect.poll(async () => (await (await request.get("/api/fleet")).json()).meta.stale).toBe(false);
  await expect(tiles.first()).toBeVisible();
});
