import { createHmac, timingSafeEqual } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "../../store/db";
import { listDeliveryLog } from "../../store/notifications";
import { ALERT_SCHEMA, type AlertChannel, type AlertMessage } from "../types";
import { createChannelSender, sendTest } from "./index";

/** The receiver-side check exactly as docs/webhooks.md shows it, written from the doc, not from the sender. */
function verifyWebhook(secret: string, headers: IncomingMessage["headers"], rawBody: string, nowSeconds: number): boolean {
  const timestamp = String(headers["x-signature-timestamp"] ?? "");
  const signature = String(headers["x-signature"] ?? "");
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > 300) return false;
  const expected = "sha256=" + createHmac("sha256", secret).update(`${timestamp}.${rawBody}`).digest("hex");
  return signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

const servers: Server[] = [];

async function receiver(answer: (req: Received, res: ServerResponse) => void): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const r = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      received.push(r);
      answer(r, res);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

let dir: string;
let db: Store;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "channels-webhook-"));
  db = await openStore(dir);
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

const SECRET = "s3cret-s3cret-s3cret";
const NOW = Date.UTC(2026, 10, 30, 23, 0, 0);

function channel(target: string, over: Partial<AlertChannel> = {}): AlertChannel {
  return { id: "ch1", type: "webhook", name: "Ops", target, secret: SECRET, clientIds: [], states: ["failed", "overdue"], anomalies: false, enabled: true, createdBy: null, createdAt: 1, updatedAt: 1, ...over };
}

const message: AlertMessage = {
  schema: ALERT_SCHEMA,
  event: "incident.opened",
  id: "n-1",
  createdAt: "2026-11-30T23:00:00.000Z",
  summary: "SRV-01: FileSystem failed",
  client: { id: "20", name: "Acme <b>&</b>" },
  incidents: [
    {
      id: "i1", kind: "health", state: "failed", reason: "The last backup failed", deviceId: "1001", deviceName: "SRV-01", plugin: "FileSystem",
      clientId: "20", clientName: "Acme <b>&</b>", siteId: "30", siteName: "HQ", openedAt: "2026-11-30T22:59:00.000Z", resolvedAt: null,
      durationSeconds: null, url: "https://dash.example/devices/1001",
    },
  ],
  nsight: null,
  dashboardUrl: "https://dash.example/",
};

const sender = () => createChannelSender({ db, publicUrl: null, smtpUrl: null, from: null, now: () => NOW });
const signal = () => AbortSignal.timeout(5_000);

describe("webhook channel", () => {
  it("POSTs the message as JSON, signed over the timestamp and the raw body", async () => {
    const hook = await receiver((_, res) => res.writeHead(204).end());
    const result = await sender().deliver(channel(`${hook.url}/hook?x=1`), message, signal());
    expect(result).toEqual({ ok: true, statusCode: 204 });
    const req = hook.received[0]!;
    expect(req.method).toBe("POST");
    expect(req.url).toBe("/hook?x=1");
    expect(req.headers["content-type"]).toMatch(/^application\/json/);
    expect(JSON.parse(req.body)).toEqual(message);
    expect(req.headers["x-signature-timestamp"]).toBe(String(NOW / 1_000));
    expect(req.headers["x-nsight-dashboard-event"]).toBe("incident.opened");
    expect(verifyWebhook(SECRET, req.headers, req.body, NOW / 1_000 + 10)).toBe(true);
  });

  it("fails verification for a tampered body, a wrong secret and a timestamp older than five minutes", async () => {
    const hook = await receiver((_, res) => res.writeHead(200).end("ok"));
    await sender().deliver(channel(hook.url), message, signal());
    const req = hook.received[0]!;
    const tampered = req.body.replace("SRV-01", "SRV-02");
    expect(tampered).not.toBe(req.body);
    expect(verifyWebhook(SECRET, req.headers, tampered, NOW / 1_000)).toBe(false);
    expect(verifyWebhook("another-secret-entirely", req.headers, req.body, NOW / 1_000)).toBe(false);
    expect(verifyWebhook(SECRET, req.headers, req.body, NOW / 1_000 + 301)).toBe(false);
    expect(verifyWebhook(SECRET, { ...req.headers, "x-signature-timestamp": String(NOW / 1_000 + 1) }, req.body, NOW / 1_000)).toBe(false);
  });

  it("classifies answers: 4xx permanent, 408/429/5xx retried with Retry-After honoured", async () => {
    const statuses = [400, 401, 404, 410, 408, 429, 500, 503];
    const hook = await receiver((req, res) => {
      const status = Number(req.url.slice(1));
      res.writeHead(status, status === 429 ? { "retry-after": "120" } : status === 503 ? { "retry-after": new Date(NOW + 30_000).toUTCString() } : {});
      res.end("<html>secret internals</html>");
    });
    const results = await Promise.all(statuses.map((s) => sender().deliver(channel(`${hook.url}/${s}`), message, signal())));
    expect(results.map((r) => [r.statusCode, r.ok, !r.ok && r.permanent === true, !r.ok ? r.retryAfterMs : undefined])).toEqual([
      [400, false, true, undefined],
      [401, false, true, undefined],
      [404, false, true, undefined],
      [410, false, true, undefined],
      [408, false, false, undefined],
      [429, false, false, 120_000],
      [500, false, false, undefined],
      [503, false, false, 30_000],
    ]);
    for (const r of results) expect(JSON.stringify(r)).not.toContain("internals");
  });

  it("retries a refused connection and a receiver too slow for the deadline", async () => {
    const hook = await receiver(() => undefined);
    const closed = await receiver((_, res) => res.end());
    const deadUrl = closed.url;
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const refused = await sender().deliver(channel(deadUrl), message, signal());
    expect(refused).toMatchObject({ ok: false, statusCode: null, error: "network error (ECONNREFUSED)" });
    expect(!refused.ok && refused.permanent).toBeFalsy();
    const slow = await sender().deliver(channel(hook.url), message, AbortSignal.timeout(200));
    expect(slow).toEqual({ ok: false, statusCode: null, error: "timed out" });
  });

  it("fails permanently on a stored URL that does not parse, without throwing", async () => {
    expect(await sender().deliver(channel("not a url"), message, signal())).toEqual({ ok: false, statusCode: null, error: "the channel's URL is not valid", permanent: true });
  });

  it("follows a redirect within the origin, never to another one", async () => {
    const elsewhere = await receiver((_, res) => res.writeHead(200).end());
    const hook = await receiver((req, res) => {
      if (req.url === "/old") res.writeHead(308, { location: "/new" }).end();
      else if (req.url === "/away") res.writeHead(307, { location: `${elsewhere.url}/steal` }).end();
      else res.writeHead(200).end();
    });
    expect(await sender().deliver(channel(`${hook.url}/old`), message, signal())).toEqual({ ok: true, statusCode: 200 });
    expect(hook.received.map((r) => r.url)).toEqual(["/old", "/new"]);
    expect(verifyWebhook(SECRET, hook.received[1]!.headers, hook.received[1]!.body, NOW / 1_000)).toBe(true);
    const away = await sender().deliver(channel(`${hook.url}/away`), message, signal());
    expect(away).toMatchObject({ ok: false, statusCode: 307, permanent: true });
    expect(elsewhere.received).toEqual([]);
  });

  it("sends a test through the outbox so it lands in the delivery log", async () => {
    const hook = await receiver((_, res) => res.writeHead(500).end("boom"));
    await db
      .insertInto("alert_channels")
      .values({ id: "ch1", type: "webhook", name: "Ops", target: hook.url, secret: SECRET, client_ids: "[]", states: '["failed"]', anomalies: 0, enabled: 1, created_by: null, created_at: 1, updated_at: 1 })
      .execute();
    const outcome = await sendTest(db, channel(hook.url), sender(), { now: () => NOW, publicUrl: new URL("https://dash.example/") });
    expect(outcome.result).toMatchObject({ ok: false, statusCode: 500 });
    const body = JSON.parse(hook.received[0]!.body) as AlertMessage;
    expect(body).toMatchObject({ schema: ALERT_SCHEMA, event: "test", id: outcome.notification.id, incidents: [], dashboardUrl: "https://dash.example/" });
    const log = await listDeliveryLog(db, { channelId: "ch1" });
    expect(log).toMatchObject([{ event: "test", ok: false, statusCode: 500, error: "HTTP 500", attempt: 1, notificationStatus: "given_up" }]);
  });
});
