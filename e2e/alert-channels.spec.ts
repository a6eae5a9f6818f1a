import { createHmac, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { APP_URL, authState } from "./support/env";
import { expect, test } from "./support/fixtures";

// Channels this spec makes are its own (other specs may share the store).
const RUN = randomUUID().slice(0, 8);
const ORIGIN = { Origin: APP_URL };

interface Hit {
  headers: IncomingMessage["headers"];
  body: string;
}

let receiver: Server;
let receiverUrl: string;
let answerStatus = 200;
const hits: Hit[] = [];

test.beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      hits.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(answerStatus, { "content-type": "text/plain" }).end("receiver-body-never-shown");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/${RUN}-private-path`;
});

test.afterAll(async () => {
  await new Promise((resolve) => receiver.close(resolve));
});

function signatureOf(secret: string, hit: Hit): string {
  return `sha256=${createHmac("sha256", secret).update(`${String(hit.headers["x-signature-timestamp"])}.${hit.body}`).digest("hex")}`;
}

test("an admin creates a webhook channel in /admin/alerts, sends a signed test, reads the delivery log and deletes it, at 390 px", async ({ browser, axe }) => {
  const context = await browser.newContext({ storageState: authState("admin"), viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const name = `PSA <bridge> ${RUN}`;
  await page.goto("/admin/users");
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Alerts" }).click();
  await expect(page).toHaveURL(/\/admin\/alerts$/);
  await expect(page.getByRole("heading", { name: "Alerts", level: 1 })).toBeVisible();

  const form = page.getByRole("region", { name: "New channel" });
  await form.getByLabel("Type").selectOption("webhook");
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("URL").fill(receiverUrl);
  await form.getByRole("checkbox", { name: "warning" }).check();
  await form.getByRole("button", { name: "Create channel" }).click();
  const secret = (await form.locator("[data-new-secret]").textContent())!.trim();
  expect(secret.length).toBeGreaterThanOrEqual(32);

  const card = page.locator(`[data-channel="${name}"]`);
  await expect(card).toContainText("failed, overdue, warning");
  await expect(card).toContainText(/http:\/\/127\.0\.0\.1:\d+\/…path/);
  expect(await page.content()).not.toContain(`${RUN}-private-path`);

  await card.getByRole("button", { name: `Send a test to ${name}` }).click();
  await expect(card.getByRole("status").first()).toHaveText("✔ Test delivered (200).");
  const hit = hits.at(-1)!;
  expect(JSON.parse(hit.body)).toMatchObject({ schema: "nsight-backup-dashboard.alert/v1", event: "test", incidents: [] });
  expect(hit.headers["x-signature"]).toBe(signatureOf(secret, hit));

  await card.locator("summary", { hasText: "Delivery log" }).click();
  await expect(card.getByRole("table", { name: `Delivery log of ${name}` }).locator("[data-delivery=test]").first()).toContainText("Delivered (200)");
  await page.reload();
  await expect(page.locator("[data-new-secret]")).toHaveCount(0);
  expect(await page.content()).not.toContain(secret);
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
  await axe(page);

  await page.locator(`[data-channel="${name}"]`).getByRole("button", { name: `Delete ${name}` }).click();
  await expect(page.locator(`[data-channel="${name}"]`)).toHaveCount(0);
  await context.close();
});

test("the API creates, masks, tests, logs, edits and deletes a channel, and answers bad input clearly", async ({ request }) => {
  const created = await request.post("/api/alert-channels", { headers: ORIGIN, data: { type: "webhook", name: `api ${RUN}`, url: receiverUrl, secret: "0123456789abcdef-api" } });
  expect(created.status()).toBe(201);
  const { data } = (await created.json()) as { data: { id: string; secret: string; target: string } };
  expect(data.secret).toBe("0123456789abcdef-api");
  const listed = await (await request.get("/api/alert-channels")).text();
  expect(listed).toContain(data.id);
  expect(listed).not.toContain("0123456789abcdef-api");
  expect(listed).not.toContain(`${RUN}-private-path`);

  answerStatus = 503;
  const tested = await request.post(`/api/alert-channels/${data.id}/test`, { headers: ORIGIN });
  answerStatus = 200;
  expect((await tested.json()).data).toMatchObject({ ok: false, statusCode: 503, error: "HTTP 503" });
  const log = await request.get(`/api/alert-channels/${data.id}/deliveries`);
  const logText = await log.text();
  expect(JSON.parse(logText).data[0]).toMatchObject({ event: "test", attempt: 1, ok: false, statusCode: 503 });
  expect(logText).not.toContain("receiver-body-never-shown");

  const patched = await request.patch(`/api/alert-channels/${data.id}`, { headers: ORIGIN, data: { name: `api renamed ${RUN}`, states: ["failed"] } });
  expect((await patched.json()).data).toMatchObject({ name: `api renamed ${RUN}`, states: ["failed"] });
  const bad = await request.patch(`/api/alert-channels/${data.id}`, { headers: ORIGIN, data: { url: "http://example.com/hook" } });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.message).toBe("Invalid body: url: must be https (http only to localhost)");
  const legacy = await request.post("/api/alert-channels", { headers: ORIGIN, data: { type: "teams", name: "old", url: "https://acme.webhook.office.com/webhookb2/x" } });
  expect(legacy.status()).toBe(400);
  expect((await legacy.json()).error.message).toContain("retired");

  expect((await request.delete(`/api/alert-channels/${data.id}`, { headers: ORIGIN })).status()).toBe(204);
  expect((await request.get(`/api/alert-channels/${data.id}`)).status()).toBe(404);
  for (const id of ["not-a-uuid", "..%2Fusers", "%3Cscript%3E"]) {
    expect((await request.get(`/api/alert-channels/${id}`)).status(), id).toBe(404);
    expect((await request.get(`/api/alert-channels/${id}/deliveries`)).status(), id).toBe(404);
  }
});

for (const role of ["technician", "viewer"] as const) {
  test.describe(`a ${role}`, () => {
    test.use({ storageState: authState(role) });

    test("is refused the alerts page and every alert channel route", async ({ page, request }) => {
      const response = await page.goto("/admin/alerts");
      expect(response?.status()).toBe(403);
      expect((await request.get("/api/alert-channels")).status()).toBe(403);
      expect((await request.post("/api/alert-channels", { headers: ORIGIN, data: { type: "webhook", name: "x", url: receiverUrl } })).status()).toBe(403);
      const id = randomUUID();
      expect((await request.get(`/api/alert-channels/${id}`)).status()).toBe(403);
      expect((await request.patch(`/api/alert-channels/${id}`, { headers: ORIGIN, data: { name: "x" } })).status()).toBe(403);
      expect((await request.delete(`/api/alert-channels/${id}`, { headers: ORIGIN })).status()).toBe(403);
      expect((await request.post(`/api/alert-channels/${id}/test`, { headers: ORIGIN })).status()).toBe(403);
      expect((await request.get(`/api/alert-channels/${id}/deliveries`)).status()).toBe(403);
    });
  });
}
