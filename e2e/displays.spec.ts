import { createHash } from "node:crypto";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { APIRequestContext, Browser, Page } from "@playwright/test";
import { SCENARIO } from "../simulator/scenarios";
import { E2E_DATA_DIR, SIGNED_OUT } from "./support/env";
import { expect, test } from "./support/fixtures";
import { fullPicture } from "./support/fleet";

interface Rollup {
  clientId: string;
  name: string;
  counts: Record<string, number>;
}

async function wallBrowser(browser: Browser, baseURL: string | undefined): Promise<Page> {
  const context = await browser.newContext({ baseURL, storageState: SIGNED_OUT, viewport: { width: 1920, height: 1080 } });
  return context.newPage();
}

async function shownCode(wall: Page): Promise<string> {
  const element = wall.locator("[data-pairing-code]");
  await expect(element).toHaveAttribute("data-pairing-code", /^[ABCDEFGHJKLMNPQRSTUVWXYZ2-9]{8}$/);
  return (await element.getAttribute("data-pairing-code"))!;
}

/** The client whose fleet the wall is given: one with devices that need attention, and not the only one. */
async function chosenClient(admin: APIRequestContext): Promise<Rollup> {
  const snapshot = (await (await admin.get("/api/fleet")).json()).data as { clients: Rollup[]; problemPage: { total: number } };
  const problemsOf = (id: string) => {
    const counts = snapshot.clients.find((c) => c.clientId === id)!.counts;
    return (counts.failed ?? 0) + (counts.overdue ?? 0) + (counts.warning ?? 0);
  };
  const candidates = snapshot.clients.filter((c) => c.clientId !== SCENARIO.markupClient && problemsOf(c.clientId) > 0 && problemsOf(c.clientId) < snapshot.problemPage.total);
  expect(candidates.length, "a client with some, not all, of the devices that need attention").toBeGreaterThan(0);
  return candidates.sort((a, b) => problemsOf(b.clientId) - problemsOf(a.clientId))[0]!;
}

test.describe("a NOC display", () => {
  test.setTimeout(180_000);

  test("pairs by the code it shows, shows its client only, reads nothing else, and is revoked within one refresh", async ({ browser, baseURL, page, request }) => {
    await fullPicture(request);
    const client = await chosenClient(request);
    const clientDevices = new Set(((await (await request.get(`/api/clients/${client.clientId}/devices`)).json()).data as { deviceId: string }[]).map((d) => d.deviceId));

    const wall = await wallBrowser(browser, baseURL);
    await wall.goto("/noc?refresh=5");
    await expect(wall).toHaveURL(/\/noc\?refresh=5$/);
    const code = await shownCode(wall);
    await expect(wall.getByText("An administrator enters this code in")).toBeVisible();
    const claim = (await wall.context().cookies()).find((c) => c.name === "nbd_pairing");
    expect(claim).toMatchObject({ httpOnly: true, sameSite: "Lax" });

    // Someone who only saw the code on the wall cannot collect the credential.
    const onlooker = await browser.newContext({ baseURL, storageState: SIGNED_OUT });
    const stolen = await onlooker.request.post("/api/displays/pairing/claim", { headers: { Origin: new URL(baseURL!).origin } });
    expect((await stolen.json()).data.status).toBe("expired");

    await page.goto("/admin/displays");
    await page.getByLabel("Code").fill(code.toLowerCase());
    await page.getByLabel("Name").fill("E2E wall");
    await page.getByRole("checkbox", { name: client.name, exact: true }).check();
    await page.getByRole("button", { name: "Pair", exact: true }).click();
    await expect(page.getByRole("status")).toContainText("Paired");
    const row = page.getByRole("row").filter({ hasText: "E2E wall" });
    await expect(row).toContainText(client.name);
    await expect(onlooker.request.post("/api/displays/pairing/claim", { headers: { Origin: new URL(baseURL!).origin } }).then(async (r) => (await r.json()).data.status)).resolves.toBe("expired");
    await onlooker.close();

    // Within a few seconds (its next poll) the wall collects its credential and shows the fleet.
    await expect(wall.locator('[data-state-count="failed"]')).toBeVisible();
    await expect(wall.locator("[data-pairing-code]")).toHaveCount(0);
    const credential = (await wall.context().cookies()).find((c) => c.name === "nbd_display");
    expect(credential).toMatchObject({ httpOnly: true, sameSite: "Lax" });
    expect(credential!.expires * 1000 - Date.now(), "a year").toBeGreaterThan(360 * 24 * 3600_000);
    expect((await wall.context().cookies()).some((c) => c.name === "nbd_pairing")).toBe(false);

    const tiles = wall.locator("li[data-device-id]");
    await expect(tiles.first()).toBeVisible();
    for (const id of await tiles.evaluateAll((items) => items.map((i) => i.getAttribute("data-device-id")))) expect(clientDevices.has(id!), `tile of device ${id}`).toBe(true);
    await expect
      .poll(async () => {
        const counts = (await (await request.get(`/api/fleet?clients=${client.clientId}`)).json()).data.counts as Record<string, number>;
        const shown = await wall.locator("[data-state-count]").evaluateAll((items) => items.map((i) => [i.getAttribute("data-state-count"), /[\d,]+/.exec(i.textContent ?? "")?.[0]?.replace(/,/g, "")]));
        return shown.every(([state, value]) => String(counts[state!]) === value) && shown.length > 0;
      })
      .toBe(true);
    const fleet = (await (await wall.context().request.get("/api/fleet")).json()).data as { clients: Rollup[]; problems: { clientId: string }[] };
    expect(fleet.clients.map((c) => c.clientId)).toEqual([client.clientId]);
    for (const p of fleet.problems) expect(p.clientId).toBe(client.clientId);

    const otherDevice = [...clientDevices][0]!;
    for (const path of ["/api/clients", `/api/devices/${otherDevice}/sessions`, `/api/clients/${client.clientId}/devices`, "/api/displays", "/", `/devices/${otherDevice}`, "/admin/displays"]) {
      const answer = await wall.context().request.get(path, { maxRedirects: 0 });
      expect([401, 403], path).toContain(answer.status());
      const body = await answer.text();
      expect(body.includes(client.name), `the client's name in ${path}`).toBe(false);
    }
    const pair = await wall.context().request.post("/api/displays/pair", { headers: { Origin: new URL(baseURL!).origin }, data: { code: "ABCDEFGH", name: "x", clients: [] } });
    expect(pair.status()).toBe(403);

    await page.reload();
    await expect(row).not.toContainText("Not yet");
    await expect(row).toContainText("127.0.0.1");

    const nextPoll = wall.waitForResponse((r) => r.url().includes("/api/fleet"));
    await row.getByRole("button", { name: "Revoke E2E wall" }).click();
    await expect(page.getByRole("status")).toContainText("Revoked");
    await expect(page.getByRole("row").filter({ hasText: "E2E wall" })).toHaveCount(0);
    let refused = await nextPoll;
    // A poll already under way when the button was pressed may still have been answered.
    if (refused.status() === 200) refused = await wall.waitForResponse((r) => r.url().includes("/api/fleet"));
    expect(refused.status()).toBe(401);
    expect((await refused.json()).error.code).toBe("display_revoked");
    await expect(wall.getByText("This display was revoked")).toBeVisible();
    await expect(wall.locator("[data-state-count]")).toHaveCount(0);
    await expect(wall.locator("li[data-device-id]")).toHaveCount(0);
    await shownCode(wall);
    await wall.reload();
    await expect(wall).toHaveURL(/\/noc\?refresh=5$/);
    await expect(wall.getByText("This display was revoked")).toBeVisible();
    await shownCode(wall);
    await wall.context().close();
  });

  test("refuses an expired code, and the wall shows a new one", async ({ browser, baseURL, request }) => {
    const wall = await wallBrowser(browser, baseURL);
    await wall.goto("/noc");
    const code = await shownCode(wall);
    // Fifteen minutes pass for this code (in the app's own store, not by waiting).
    const db = new Database(join(E2E_DATA_DIR, "dashboard.sqlite"));
    try {
      const hash = createHash("sha256").update(code).digest("base64url");
      expect(db.prepare("update pairing_codes set expires_at = ? where code_hash = ?").run(Date.now() - 1, hash).changes).toBe(1);
    } finally {
      db.close();
    }
    const answer = await request.post("/api/displays/pair", { headers: { Origin: new URL(baseURL!).origin }, data: { code, name: "Too late", clients: [] } });
    expect(answer.status()).toBe(404);
    expect((await answer.json()).error.message).toContain("expired");
    await expect.poll(() => wall.locator("[data-pairing-code]").getAttribute("data-pairing-code")).not.toBe(code);
    await shownCode(wall);
    await wall.context().close();
  });
});
