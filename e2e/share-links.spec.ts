import { readFileSync } from "node:fs";
import type { APIRequestContext } from "@playwright/test";
import { SCENARIO } from "../simulator/scenarios";
import { APP_URL, authState, SIGNED_OUT } from "./support/env";
import { chartsSettled, expect, test } from "./support/fixtures";
import { expireShareLink } from "./support/share-links";

const DEVICE = SCENARIO.failingStreak; // MB-DC01, Müller Bau GmbH
const OTHER_DEVICE = SCENARIO.faults.http500; // another client's
const SIBLING_DEVICE = "3000004"; // ZH-FS01: another device of the same client
const DEAD = "This link has expired or was revoked";

interface LinkInfo {
  id: string;
  views: number;
  view: string;
}

async function otherClientNames(admin: APIRequestContext, ownClient: string): Promise<string[]> {
  const clients = (await (await admin.get("/api/clients")).json()).data as { clientId: string; name: string }[];
  expect(clients.length).toBeGreaterThan(1);
  return clients.filter((c) => c.clientId !== ownClient && c.name.trim().length > 3).flatMap((c) => [c.name, c.name.replace(/&/g, "&amp;"), JSON.stringify(c.name).slice(1, -1)]);
}

async function linkOf(technician: APIRequestContext, id: string): Promise<LinkInfo> {
  const links = (await (await technician.get("/api/share-links")).json()).data as LinkInfo[];
  const link = links.find((l) => l.id === id);
  if (!link) throw new Error(`link ${id} is not in its creator's list`);
  return link;
}

test.describe("share links", () => {
  test.use({ storageState: authState("technician") });

  test("a technician shares a device; signed out, the link shows that device only, counts views, and dies on revoke", async ({ page, browser, playwright, request, baseURL }) => {
    test.setTimeout(120_000);
    const admin = await playwright.request.newContext({ baseURL, storageState: authState("admin") });
    const others = await otherClientNames(admin, SCENARIO.accentClient);
    await admin.dispose();

    await page.goto(`/devices/${DEVICE}?range=90d&tz=UTC&status=FAILED`);
    await chartsSettled(page);
    await page.getByRole("button", { name: "Share", exact: true }).click();
    await page.getByLabel("Valid for (days)").fill("3");
    await page.getByRole("button", { name: "Create link" }).click();
    const url = await page.getByLabel("Share link").inputValue();
    // Addressed as the browser asked (Host), not as the server calls itself (localhost).
    expect(url).toMatch(new RegExp(`^${APP_URL.replace(/\./g, "\\.")}/s/[A-Za-z0-9_-]{43}$`));
    const token = url.split("/s/")[1]!;

    const listed = ((await (await request.get("/api/share-links")).json()).data as (LinkInfo & { deviceId: string; expiresAt: string })[]).find((l) => l.deviceId === DEVICE && l.view.includes("status=FAILED"));
    expect(listed, "the new link in its creator's list").toBeDefined();
    const id = listed!.id;
    expect(listed!.view).toBe("range=90d&status=FAILED&tz=UTC");
    expect(JSON.stringify(listed)).not.toContain(token);
    expect(listed!.views).toBe(0);

    // A chat preview fetches the page without running it: not a view, and the link still works.
    const unfurl = await request.get(url, { headers: { "User-Agent": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)" } });
    expect(unfurl.status()).toBe(200);
    expect(unfurl.headers()["referrer-policy"]).toBe("no-referrer");
    expect(unfurl.headers()["x-robots-tag"]).toBe("noindex");
    expect(unfurl.headers()["cache-control"]).toContain("no-store");
    expect((await linkOf(request, id)).views).toBe(0);

    const stranger = await browser.newContext({ storageState: SIGNED_OUT, baseURL, acceptDownloads: true });
    const shared = await stranger.newPage();
    const bodies: string[] = [];
    shared.on("response", async (response) => bodies.push(await response.text().catch(() => "")));
    await shared.goto(url);
    await expect(shared).toHaveURL(/\/s\/[^?]+\?range=90d&status=FAILED&tz=UTC$/);
    await expect(shared.getByRole("heading", { level: 1, name: "MB-DC01" })).toBeVisible();
    await chartsSettled(shared);
    await expect(shared.getByRole("table", { name: /Sessions/ }).locator("tbody tr").first()).toBeVisible();
    await expect(shared.getByRole("checkbox", { name: "Failed" })).toBeChecked();
    await expect(shared.getByRole("navigation")).toHaveCount(0);
    await expect(shared.locator('a[href="/"], a[href^="/clients"], a[href^="/noc"], a[href^="/devices"]')).toHaveCount(0);
    await expect(shared.getByRole("button", { name: "Share", exact: true })).toHaveCount(0);

    const [download] = await Promise.all([shared.waitForEvent("download"), shared.getByRole("link", { name: "Download CSV" }).click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^MB-DC01-${DEVICE}-last-90d\\.csv$`));
    const csv = readFileSync((await download.path())!, "utf8").trimEnd().split("\r\n");
    expect(csv.length).toBeGreaterThan(1);
    for (const line of csv.slice(1)) expect(line).toContain("FAILED");

    await expect.poll(async () => (await linkOf(request, id)).views).toBe(1);

    const api = stranger.request;
    for (const path of [`/s/${token}/api/devices/${OTHER_DEVICE}/history?range=30d`, `/s/${token}/api/devices/${SIBLING_DEVICE}/sessions/table?range=30d`, `/s/${token}/api/devices/${OTHER_DEVICE}/sessions/csv?range=30d`]) {
      const answer = await api.get(path);
      expect(answer.status(), path).toBe(403);
      bodies.push(await answer.text());
    }
    for (const path of ["/api/clients", "/api/fleet", `/api/devices/${DEVICE}/history?range=30d`, `/api/devices/${OTHER_DEVICE}/sessions`, "/api/share-links"]) {
      const answer = await api.get(path);
      expect(answer.status(), path).toBe(401);
      bodies.push(await answer.text());
    }
    for (const path of ["/", `/devices/${DEVICE}`, `/clients/${SCENARIO.accentClient}`]) {
      const answer = await api.get(path, { maxRedirects: 0 });
      expect(answer.status(), path).toBe(307);
      expect(answer.headers().location, path).toMatch(/^\/login/);
      bodies.push(await answer.text());
    }
    const noc = await api.get("/noc", { maxRedirects: 0 });
    expect(noc.status()).toBe(200);
    const nocBody = await noc.text();
    expect(nocBody).toContain("data-display-pairing");
    bodies.push(nocBody);
    for (const body of bodies) for (const name of others) expect(body.includes(name), `"${name}" in an answer to a share link`).toBe(false);

    expect((await request.delete(`/api/share-links/${id}`, { headers: { Origin: APP_URL } })).status()).toBe(204);
    const reload = await shared.reload();
    expect(reload?.status()).toBe(410);
    await expect(shared.getByRole("heading", { level: 1, name: DEAD })).toBeVisible();
    expect(await shared.content()).not.toContain("MB-DC01");
    expect((await api.get(`/s/${token}/api/devices/${DEVICE}/history?range=30d`)).status()).toBe(401);
    await stranger.close();
  });

  test("an expired link answers the 410 page with no data", async ({ request, browser, baseURL }) => {
    const made = await request.post("/api/share-links", { headers: { Origin: APP_URL }, data: { deviceId: DEVICE, view: "range=7d" } });
    expect(made.status()).toBe(201);
    const { id, url, expiresAt } = (await made.json()).data as { id: string; url: string; expiresAt: string };
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    expireShareLink(id);
    const stranger = await browser.newContext({ storageState: SIGNED_OUT, baseURL });
    const page = await stranger.newPage();
    const answer = await page.goto(url);
    expect(answer?.status()).toBe(410);
    await expect(page.getByRole("heading", { level: 1, name: DEAD })).toBeVisible();
    expect(await page.content()).not.toContain("MB-DC01");
    await stranger.close();
  });

  test("a technician finds its own link on /share-links and revokes it there", async ({ page, request, browser, baseURL }) => {
    const made = await request.post("/api/share-links", { headers: { Origin: APP_URL }, data: { deviceId: DEVICE, view: "range=7d" } });
    expect(made.status()).toBe(201);
    const { id, url } = (await made.json()).data as { id: string; url: string };
    const token = url.split("/s/")[1]!;

    await page.goto("/");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Share links" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Share links" })).toBeVisible();
    const row = page.locator(`tr[data-share-link="${id}"]`);
    await expect(row.getByRole("link", { name: "MB-DC01" })).toHaveAttribute("href", `/devices/${DEVICE}`);
    await expect(row.getByRole("cell", { name: "live", exact: true })).toBeVisible();
    expect(await page.content()).not.toContain(token);

    const revoke = row.getByRole("button", { name: "Revoke link to MB-DC01" });
    await revoke.focus();
    await page.keyboard.press("Enter");
    await expect(row.getByRole("cell", { name: "revoked", exact: true })).toBeVisible();
    await expect(revoke).toHaveCount(0);

    const stranger = await browser.newContext({ storageState: SIGNED_OUT, baseURL });
    const answer = await (await stranger.newPage()).goto(url);
    expect(answer?.status()).toBe(410);
    await stranger.close();
  });

  test("refuses a bad request: an unknown field, an expiry out of 1 to 90 days, a malformed device id", async ({ request }) => {
    for (const data of [{ deviceId: DEVICE, expiresInDays: 0 }, { deviceId: DEVICE, expiresInDays: 91 }, { deviceId: "1 OR 1" }, { deviceId: DEVICE, extra: true }]) {
      const answer = await request.post("/api/share-links", { headers: { Origin: APP_URL }, data });
      expect(answer.status(), JSON.stringify(data)).toBe(400);
    }
    expect((await request.post("/api/share-links", { data: { deviceId: DEVICE } })).status(), "no Origin").toBe(403);
  });
});

test.describe("a viewer", () => {
  test.use({ storageState: authState("viewer") });

  test("cannot create share links, and sees no Share control on its own device", async ({ page, request }) => {
    const answer = await request.post("/api/share-links", { headers: { Origin: APP_URL }, data: { deviceId: DEVICE } });
    expect(answer.status()).toBe(403);
    expect((await answer.json()).error.code).toBe("forbidden");
    await page.goto(`/devices/${DEVICE}?range=7d&tz=UTC`);
    await expect(page.getByRole("heading", { level: 1, name: "MB-DC01" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Download CSV" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Share", exact: true })).toHaveCount(0);
  });

  test("is refused the share links page and shown no link to it", async ({ page }) => {
    await page.goto("/share-links");
    await expect(page.getByRole("heading", { level: 1, name: "You have no access to this dashboard" })).toBeVisible();
    await expect(page.getByRole("table", { name: "Share links" })).toHaveCount(0);
    await page.goto("/");
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Clients" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Share links" })).toHaveCount(0);
  });
});
