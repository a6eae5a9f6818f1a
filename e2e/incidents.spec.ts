import type { APIRequestContext, Page } from "@playwright/test";
import { SCENARIO } from "../simulator/scenarios";
import { authState, E2E_USERS, E2E_VIEWER_CLIENT } from "./support/env";
import { expect, test } from "./support/fixtures";
import { fullPicture } from "./support/fleet";
import { openIncident, resolveIncident, type SeededIncident } from "./support/incidents";

const HOUR = 3_600_000;
const REASON = "E2E: disk swap tonight";

interface Place {
  deviceId: string;
  deviceName: string;
  clientId: string;
  clientName: string;
}

async function placeOf(admin: APIRequestContext, clientId: string, deviceId: string): Promise<Place> {
  const clients = (await (await admin.get("/api/clients")).json()).data as { clientId: string; name: string }[];
  const devices = (await (await admin.get(`/api/clients/${clientId}/devices`)).json()).data as { deviceId: string; name: string }[];
  return { deviceId, deviceName: devices.find((d) => d.deviceId === deviceId)!.name, clientId, clientName: clients.find((c) => c.clientId === clientId)!.name };
}

const rowOf = (page: Page, id: string) => page.locator(`tr[data-incident="${id}"]`);

test.describe("incidents", () => {
  test.describe.configure({ mode: "serial" });
  let own: Place;
  let other: Place;
  const ids = { ownOpen: "", otherOpen: "", ownResolved: "" };

  test.beforeAll(async ({ browser, playwright, baseURL }) => {
    test.setTimeout(180_000);
    const admin = await playwright.request.newContext({ baseURL, storageState: authState("admin") });
    // Snoozes name only what the fleet state knows, and the engine judges only a fleet read whole.
    await fullPicture(admin);
    // The engine opens this one itself: the viewer's client's device whose SYSTEM_STATE failed its last runs.
    own = await placeOf(admin, E2E_VIEWER_CLIENT, SCENARIO.failingStreak);
    // Never readable (HTTP 500): the engine leaves its incidents as they are, so the test decides when this one resolves.
    other = await placeOf(admin, SCENARIO.faultLabClient, SCENARIO.faults.http500);
    await admin.dispose();
    const now = Date.now();
    const incident = (place: Place, over: Partial<SeededIncident>): SeededIncident => ({ ...place, plugin: "FILE_SYSTEM", state: "failed", reason: "E2E: the latest backup failed", openedAt: now - HOUR, ...over });
    ids.ownResolved = openIncident(incident(own, { plugin: "EXCHANGE", openedAt: now - 30 * HOUR, resolvedAt: now - 24 * HOUR, reason: "E2E: resolved yesterday" }));
    ids.otherOpen = openIncident(incident(other, { state: "overdue", reason: "E2E: no success within its rhythm" }));
    const page = await browser.newPage({ storageState: authState("admin") });
    await expect
      .poll(
        async () => {
          await page.goto(`/incidents?device=${own.deviceId}&state=open`);
          return page.locator("tr[data-incident]").first().getAttribute("data-incident", { timeout: 1_000 }).catch(() => null);
        },
        { timeout: 120_000, intervals: [2_000] },
      )
      .not.toBeNull();
    ids.ownOpen = (await page.locator("tr[data-incident]").first().getAttribute("data-incident"))!;
    await page.close();
  });

  test("lists open incidents first, then recent ones, with state in words, and its filters are a link", async ({ page, axe }) => {
    await page.goto("/incidents");
    await expect(page.getByRole("heading", { name: "Incidents", level: 1 })).toBeVisible();
    const order = await page.locator("tr[data-incident]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-incident")));
    expect(order.indexOf(ids.ownOpen)).toBeGreaterThanOrEqual(0);
    expect(order.indexOf(ids.ownResolved)).toBeGreaterThan(order.indexOf(ids.ownOpen));
    expect(order.indexOf(ids.ownResolved)).toBeGreaterThan(order.indexOf(ids.otherOpen));
    await expect(rowOf(page, ids.ownOpen)).toContainText("Open: failed");
    await expect(rowOf(page, ids.ownOpen)).toContainText("System state");
    await expect(rowOf(page, ids.otherOpen)).toContainText("Open: overdue");
    await expect(rowOf(page, ids.ownResolved)).toContainText("Resolved");
    await expect(rowOf(page, ids.ownResolved)).toContainText("6 h");
    await expect(rowOf(page, ids.ownOpen).getByRole("link", { name: own.deviceName })).toHaveAttribute("href", `/devices/${own.deviceId}`);
    await axe(page);

    const filters = page.getByRole("form", { name: "Filter incidents" });
    await filters.getByLabel("State").selectOption("resolved");
    await filters.getByLabel("Client").selectOption(own.clientId);
    await filters.getByRole("button", { name: "Apply" }).press("Enter");
    await expect(page).toHaveURL(new RegExp(`client=${own.clientId}.*state=resolved|state=resolved.*client=${own.clientId}`));
    await expect(rowOf(page, ids.ownResolved)).toBeVisible();
    await expect(rowOf(page, ids.ownOpen)).toHaveCount(0);
    await expect(rowOf(page, ids.otherOpen)).toHaveCount(0);
  });

  test.describe("a technician", () => {
    test.use({ storageState: authState("technician") });

    test("snoozes a device from its page with a reason, from the keyboard, and /incidents says who and why until it is ended", async ({ page }) => {
      await page.goto(`/devices/${other.deviceId}`);
      const panel = page.getByTestId("device-incidents");
      await expect(panel).toContainText("Open: overdue");
      await expect(panel.getByRole("link", { name: "All incidents of this device" })).toHaveAttribute("href", `/incidents?device=${other.deviceId}`);
      await panel.getByRole("button", { name: "Snooze device…" }).press("Enter");
      await panel.getByLabel("24 hours").check();
      await panel.getByLabel("Reason").fill(REASON);
      await panel.getByLabel("Reason").press("Enter");
      await expect(panel.locator("[data-quiet]")).toContainText(`Snoozed by ${E2E_USERS.technician.email} until`);
      await expect(panel.locator("[data-quiet]")).toContainText(REASON);

      await page.goto(`/incidents?device=${other.deviceId}`);
      await expect(rowOf(page, ids.otherOpen).locator("[data-quiet]")).toContainText(`Snoozed by ${E2E_USERS.technician.email}`);
      await expect(rowOf(page, ids.otherOpen)).toContainText(REASON);
      const snooze = page.getByRole("table", { name: "Running snoozes" }).getByRole("row").filter({ hasText: REASON });
      await expect(snooze).toContainText(E2E_USERS.technician.email);
      await expect(page.getByTestId("incident-summary")).toContainText(/\d+ open, [1-9]\d* snoozed/);
      await snooze.getByRole("button", { name: /End the snooze/ }).click();
      await expect(snooze).toHaveCount(0);
      await expect(rowOf(page, ids.otherOpen).locator("[data-quiet]")).toHaveCount(0);
    });

    test("plans a weekly maintenance window in the client's zone and deletes it", async ({ page }) => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto("/incidents");
      const form = page.getByRole("form", { name: "Plan a maintenance window" });
      await form.getByRole("combobox").selectOption(own.clientId);
      await expect(form).toContainText("Europe/Berlin");
      await form.getByLabel("Saturday").check();
      await form.getByLabel(/^At/).fill("23:00");
      await form.getByLabel(/^For/).fill("3");
      await form.getByLabel("Reason").fill("E2E: patch night");
      await form.getByRole("button", { name: "Add maintenance window" }).click();
      const row = page.getByRole("table", { name: "Weekly maintenance windows" }).getByRole("row").filter({ hasText: "E2E: patch night" });
      await expect(row).toContainText("Saturday at 23:00");
      await expect(row).toContainText("Europe/Berlin");
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390 + 1);
      await row.getByRole("button", { name: /Delete the maintenance window/ }).click();
      await expect(row).toHaveCount(0);
    });
  });

  test.describe("a viewer", () => {
    test.use({ storageState: authState("viewer") });

    test("sees only its client's incidents, with no way to snooze, and is refused the API", async ({ page, request, baseURL }) => {
      await page.goto("/incidents");
      await expect(rowOf(page, ids.ownOpen)).toBeVisible();
      await expect(rowOf(page, ids.otherOpen)).toHaveCount(0);
      expect(await page.content()).not.toContain(other.clientName);
      await page.goto(`/incidents?client=${other.clientId}`);
      await expect(page.locator("tr[data-incident]")).toHaveCount(0);
      await page.goto(`/devices/${own.deviceId}`);
      await expect(page.getByTestId("device-incidents")).toContainText("Open: failed");
      await expect(page.getByRole("button", { name: /Snooze/ })).toHaveCount(0);
      const refused = await request.post("/api/snoozes", { headers: { Origin: new URL(baseURL!).origin }, data: { scope: "device", targetId: own.deviceId, hours: 4, reason: "mine" } });
      expect(refused.status()).toBe(403);
    });
  });

  test("the fleet view and the NOC wall count open incidents, and a resolved one leaves the wall", async ({ page, request }) => {
    const count = async () => ((await (await request.get("/api/incidents/counts")).json()).data as { open: number }).open;
    await page.goto("/");
    await expect.poll(async () => Number(await page.getByTestId("incident-counts").getAttribute("data-open")) - (await count())).toBe(0);
    expect(await count()).toBeGreaterThanOrEqual(2);
    await expect(page.getByTestId("incident-counts").getByRole("link")).toHaveAttribute("href", "/incidents?state=open");

    await page.goto("/noc?refresh=5");
    const tile = page.locator("[data-incident-count]");
    await expect(tile).toContainText("Open incidents");
    const before = Number(await tile.getAttribute("data-incident-count"));
    expect(before).toBeGreaterThanOrEqual(2);
    resolveIncident(ids.otherOpen);
    await expect.poll(async () => Number(await tile.getAttribute("data-incident-count")), { timeout: 20_000 }).toBeLessThan(before);
  });
});
