import type { APIRequestContext } from "@playwright/test";
import { SCENARIO } from "../simulator/scenarios";
import { authState, E2E_VIEWER_CLIENT } from "./support/env";
import { expect, test } from "./support/fixtures";

const OWN_DEVICE = "3000004"; // ZH-FS01, a server of the viewer's client
const OTHER_CLIENT = SCENARIO.faultLabClient;
const OTHER_DEVICE = SCENARIO.faults.http500;

async function otherClientNames(admin: APIRequestContext): Promise<string[]> {
  const clients = (await (await admin.get("/api/clients")).json()).data as { clientId: string; name: string }[];
  expect(clients.length).toBeGreaterThan(1);
  const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  return clients
    .filter((c) => c.clientId !== E2E_VIEWER_CLIENT && c.name.trim().length > 3)
    .flatMap((c) => [c.name, escapeHtml(c.name), JSON.stringify(c.name).slice(1, -1)]);
}

test.describe("a viewer", () => {
  test.use({ storageState: authState("viewer") });

  test("sees only its client, on / and in /api/fleet and /api/clients, and nothing named of the others", async ({ page, request, playwright, baseURL }) => {
    const admin = await playwright.request.newContext({ baseURL, storageState: authState("admin") });
    const others = await otherClientNames(admin);
    await admin.dispose();

    const bodies: string[] = [];
    page.on("response", async (response) => bodies.push(await response.text().catch(() => "")));
    await page.goto("/");
    const rows = page.getByRole("table", { name: /clients/ }).locator("tbody tr");
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText("Müller Bau GmbH");
    bodies.push(await (await request.get("/", { headers: { RSC: "1" } })).text());

    const clients = await (await request.get("/api/clients")).json();
    expect(clients.data.map((c: { clientId: string }) => c.clientId)).toEqual([E2E_VIEWER_CLIENT]);
    const fleet = await request.get("/api/fleet");
    const snapshot = (await fleet.json()).data;
    expect(snapshot.clients.map((c: { clientId: string }) => c.clientId)).toEqual([E2E_VIEWER_CLIENT]);
    for (const d of snapshot.problems) expect(d.clientId).toBe(E2E_VIEWER_CLIENT);
    const asked = (await (await request.get(`/api/fleet?clients=${OTHER_CLIENT}`)).json()).data;
    expect(asked.clients).toEqual([]);
    expect(asked.total).toBe(0);
    bodies.push(JSON.stringify(clients), JSON.stringify(snapshot), JSON.stringify(asked));

    for (const body of bodies) for (const name of others) expect(body.includes(name), `"${name}" in a viewer's answer`).toBe(false);
  });

  test("is refused another client's device, client and sites, in our words and with no name in them", async ({ page, request, playwright, baseURL }) => {
    const admin = await playwright.request.newContext({ baseURL, storageState: authState("admin") });
    const others = await otherClientNames(admin);
    await admin.dispose();

    for (const path of [
      `/api/devices/${OTHER_DEVICE}/sessions`,
      `/api/devices/${OTHER_DEVICE}/history?range=30d`,
      `/api/devices/${OTHER_DEVICE}/sessions/table?range=30d`,
      `/api/devices/${OTHER_DEVICE}/sessions/csv?range=30d`,
      `/api/clients/${OTHER_CLIENT}/sites`,
      `/api/clients/${OTHER_CLIENT}/devices`,
    ]) {
      const answer = await request.get(path);
      expect(answer.status(), path).toBe(403);
      const body = await answer.text();
      expect(JSON.parse(body).error.code).toBe("forbidden");
      for (const name of others) expect(body.includes(name), `"${name}" in ${path}`).toBe(false);
    }
    for (const [path, heading] of [
      [`/devices/${OTHER_DEVICE}`, "Device not found"],
      [`/clients/${OTHER_CLIENT}`, "Client not found"],
    ] as const) {
      // To a viewer another client's page does not exist (a streamed page says so with 200).
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1, name: heading }), path).toBeVisible();
      const html = await page.content();
      for (const name of others) expect(html.includes(name), `"${name}" on ${path}`).toBe(false);
    }
  });

  test("reads its own client's devices", async ({ request }) => {
    // Once the fleet has placed the device in the viewer's client (its first inventory read).
    await expect.poll(async () => (await request.get(`/api/devices/${OWN_DEVICE}/sessions`)).status(), { timeout: 60_000 }).toBe(200);
    expect((await request.get(`/api/clients/${E2E_VIEWER_CLIENT}/sites`)).status()).toBe(200);
  });
});
