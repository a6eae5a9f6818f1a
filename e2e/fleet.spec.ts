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

  test("pages through the devices that need attention from the keyboard, with the page and filters in the URL", async ({ page, request }) => {
    const snapshot = await fullPicture(request);
    expect(snapshot.problemPage.total, "devices that need attention in the seeded fleet").toBeGreaterThan(4);
    // The server's own order is the oracle for what each page holds.
    const worst = ((await (await request.get("/api/fleet?pageSize=100")).json()).data.problems as { deviceId: string }[]).map((d) => d.deviceId);
    expect((await request.get("/api/fleet?pageSize=101")).status()).toBe(400);
    expect((await request.get("/api/fleet?state=ok")).status()).toBe(400);

    await page.goto("/?problemPageSize=2");
    const rows = page.getByRole("table", { name: /Needs attention/ }).locator("tbody tr");
    const ids = () => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-device-id")));
    await expect(rows).toHaveCount(2);
    expect(await ids()).toEqual(worst.slice(0, 2));
    const pager = page.getByRole("navigation", { name: "Pages of devices that need attention" });
    await expect(pager).toContainText(`1–2 of ${snapshot.problemPage.total}`);

    await pager.getByRole("link", { name: "Next page" }).focus();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/[?&]problemPage=2(&|$)/);
    await expect(page).toHaveURL(/[?&]problemPageSize=2(&|$)/);
    await expect(pager).toHaveAttribute("data-problem-page", "2");
    expect(await ids()).toEqual(worst.slice(2, 4));
    await pager.getByRole("link", { name: "Previous page" }).focus();
    await page.keyboard.press("Enter");
    await expect(pager).toHaveAttribute("data-problem-page", "1");
    expect(page.url()).not.toContain("problemPage=");

    await page.getByRole("navigation", { name: "Show devices in state" }).getByRole("link", { name: /^Overdue/ }).focus();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/[?&]problemState=overdue(&|$)/);
    await expect(page.getByRole("link", { name: /^Overdue/ })).toHaveAttribute("aria-current", "page");
    await expect(rows.first()).toHaveAttribute("data-health", "overdue");
    expect(new Set(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-health"))))).toEqual(new Set(["overdue"]));

    await page.getByRole("navigation", { name: "Show devices in state" }).getByRole("link", { name: "All" }).click();
    // Typed before the click's navigation lands, the filter would be added to the overdue view it leaves.
    await expect(page).not.toHaveURL(/[?&]problemState=/);
    await page.getByLabel("Filter devices that need attention").fill("MB-DC01");
    await expect(page).toHaveURL(/[?&]problemText=MB-DC01(&|$)/);
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toHaveAttribute("data-device-id", SCENARIO.failingStreak);
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
