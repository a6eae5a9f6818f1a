import { SCENARIO } from "../simulator/scenarios";
import { fullPicture } from "./support/fleet";
import { chartsSettled, expect, test } from "./support/fixtures";

test.describe("quiet failures", () => {
  test("the device page marks the session on the charts and says why, in the list, the summary and the table", async ({ page, axe }) => {
    await page.goto(`/devices/${SCENARIO.quiet.ransomware}?range=7d&tz=UTC`);
    await chartsSettled(page);

    // A mark beside the health state, not a new state.
    const summary = page.getByRole("region", { name: "Summary" });
    await expect(summary).toHaveAttribute("data-health", "ok");
    await expect(summary).toContainText(/2 anomalies: Files and folders transferred [\d.]+ \w+, [\d.]+ times its median of/);

    const list = page.getByTestId("anomaly-list");
    await expect(list.locator('li[data-rule="transfer_spike"]')).toContainText(/Transfer spike \(.+\): Files and folders transferred .+ times its median/);
    await expect(list.locator('li[data-rule="slow"]')).toContainText(/Slow \(.+\): Files and folders took .+ times its median/);

    await expect(page.locator('[data-chart="transferred"]')).toHaveAttribute("data-anomaly-marks", "1");
    await expect(page.locator('[data-chart="duration"]')).toHaveAttribute("data-anomaly-marks", "1");
    await expect(page.locator('[data-chart="transferred"] .recharts-reference-line')).toHaveCount(1);
    await expect(page.locator('[data-chart="selection"]')).not.toHaveAttribute("data-anomaly-marks", /.*/);

    await expect(page.locator("section[data-total]")).toHaveAttribute("data-state", "ready");
    await axe(page);
    await page.screenshot({ path: "test-results/screenshots/anomalies-device.png", fullPage: true });

    // The newest session is the flagged one; its reasons are a keyboard press away.
    const sessionId = await list.locator('li[data-rule="transfer_spike"]').getAttribute("data-session-id");
    const row = page.locator(`tr[data-session-id="${sessionId}"]`);
    await expect(row).toContainText("⚠ Transfer spike, Slow");
    await row.getByRole("button").focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog");
    await expect(dialog.getByRole("list", { name: "Quiet failures in this session" })).toContainText("times its median");
  });

  test("the fleet view shows the mark beside each device's health state", async ({ page, request, axe }) => {
    test.setTimeout(180_000);
    await fullPicture(request);
    await page.goto("/");
    await axe(page);
    await page.screenshot({ path: "test-results/screenshots/anomalies-fleet.png", fullPage: true });

    // Overdue (its SYSTEM_STATE stopped) and marked: in the problem list.
    const problem = page.locator(`tr[data-device-id="${SCENARIO.quiet.emptyAndMissing}"]`);
    await expect(problem).toHaveAttribute("data-health", "overdue");
    await expect(problem).toContainText("2 anomalies: Files and folders transferred nothing");
    await expect(problem).toContainText("System state has not run for");

    // Fine by the health rule, so listed apart.
    const quiet = page.getByTestId("anomalous-devices");
    await expect(quiet.locator(`li[data-device-id="${SCENARIO.quiet.ransomware}"]`)).toContainText(/OK.*2 anomalies: Files and folders transferred/);
    await expect(quiet.locator(`li[data-device-id="${SCENARIO.quiet.brokenSelection}"]`)).toContainText("selection shrank by");

    // Beside the device on its client's page.
    await page.goto(`/clients/${SCENARIO.accentClient2}`);
    await expect(page.getByRole("row", { name: /LS-LT-MDUPONT/ })).toContainText("2 anomalies: Files and folders transferred only");
  });
});
