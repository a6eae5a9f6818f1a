import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as one from "@/app/api/alert-channels/[channelId]/route";
import * as deliveries from "@/app/api/alert-channels/[channelId]/deliveries/route";
import * as test from "@/app/api/alert-channels/[channelId]/test/route";
import * as collection from "@/app/api/alert-channels/route";
import { listAudit } from "../../store/audit";
import { getStore } from "../../store/db";
import { signedInUser } from "../../testing/signed-in";

let dataDir: string;
let receiver: Server;
let hookUrl: string;
const received: { headers: IncomingMessage["headers"]; body: string }[] = [];
let admin: string;
let technician: string;
let viewer: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "alert-channels-api-"));
  process.env.DATA_DIR = dataDir;
  process.env.NSIGHT_DEMO = "0";
  process.env.NSIGHT_API_KEY ??= "alert-channels-key";
  process.env.NSIGHT_SERVER ??= "http://127.0.0.1:9";
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(200).end("thanks <b>internal detail</b>");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/very-secret-path-token`;
  admin = (await signedInUser("admin@msp.example", "admin")).cookie;
  technician = (await signedInUser("tech@msp.example", "technician")).cookie;
  viewer = (await signedInUser("viewer@msp.example", "viewer", ["20"])).cookie;
});

afterAll(async () => {
  await new Promise((resolve) => receiver.close(resolve));
  await (await getStore()).destroy();
  rmSync(dataDir, { recursive: true, force: true });
});

const BASE = "http://localhost";

function request(method: string, path: string, cookie: string, body?: unknown): Request {
  const headers: Record<string, string> = { cookie, origin: BASE };
  if (body !== undefined) headers["content-type"] = "application/json";
  return new Request(`${BASE}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

const params = (channelId: string) => ({ params: Promise.resolve({ channelId }) });
const noParams = { params: Promise.resolve({}) };

async function create(body: unknown, cookie = admin): Promise<Response> {
  return collection.POST(request("POST", "/api/alert-channels", cookie, body), noParams);
}

describe("alert channel API", () => {
  it("creates a webhook channel, shows its generated secret once, never its URL, and sends a signed test", async () => {
    const response = await create({ type: "webhook", name: "PSA <bridge>", url: hookUrl, clients: ["20"] });
    expect(response.status).toBe(201);
    const { data } = (await response.json()) as { data: { id: string; secret: string; target: string; states: string[]; signed: boolean } };
    expect(data.secret.length).toBeGreaterThanOrEqual(32);
    expect(data).toMatchObject({ target: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/…oken$/), states: ["failed", "overdue"], signed: true });

    const listed = await (await collection.GET(request("GET", "/api/alert-channels", admin), noParams)).text();
    const fetched = await (await one.GET(request("GET", `/api/alert-channels/${data.id}`, admin), params(data.id))).text();
    for (const text of [listed, fetched]) {
      expect(text).toContain(data.id);
      expect(text).not.toContain(data.secret);
      expect(text).not.toContain("very-secret-path");
    }

    const tested = await test.POST(request("POST", `/api/alert-channels/${data.id}/test`, admin), params(data.id));
    expect(tested.status).toBe(200);
    expect(((await tested.json()) as { data: unknown }).data).toMatchObject({ ok: true, statusCode: 200, error: null });
    const hit = received.at(-1)!;
    expect(JSON.parse(hit.body)).toMatchObject({ event: "test", schema: "nsight-backup-dashboard.alert/v1" });
    const ts = String(hit.headers["x-signature-timestamp"]);
    expect(hit.headers["x-signature"]).toBe(`sha256=${createHmac("sha256", data.secret).update(`${ts}.${hit.body}`).digest("hex")}`);

    const log = await deliveries.GET(request("GET", `/api/alert-channels/${data.id}/deliveries`, admin), params(data.id));
    const logText = await log.text();
    expect(JSON.parse(logText)).toMatchObject({ data: [{ event: "test", attempt: 1, ok: true, statusCode: 200 }] });
    expect(logText).not.toContain("internal detail");

    const audit = await listAudit(await getStore(), { limit: 20 });
    const actions = audit.filter((e) => e.target === `alert_channel:${data.id}`).map((e) => e.action);
    expect(actions.sort()).toEqual(["alert_channel.create", "alert_channel.test"]);
    expect(JSON.stringify(audit)).not.toContain(data.secret);
  });

  it("edits and deletes; an unknown or malformed id is 404", async () => {
    const { data } = (await (await create({ type: "slack", name: "Ops", url: "https://hooks.slack.com/services/T0/B0/xyz" })).json()) as { data: { id: string; secret?: string } };
    expect(data.secret).toBeUndefined();
    const patched = await one.PATCH(request("PATCH", `/api/alert-channels/${data.id}`, admin, { name: "Ops room", states: ["warning"], anomalies: true }), params(data.id));
    expect(patched.status).toBe(200);
    expect(((await patched.json()) as { data: unknown }).data).toMatchObject({ name: "Ops room", states: ["warning"], anomalies: true, type: "slack" });
    const refused = await one.PATCH(request("PATCH", `/api/alert-channels/${data.id}`, admin, { states: [] }), params(data.id));
    expect(refused.status).toBe(400);
    expect(await one.DELETE(request("DELETE", `/api/alert-channels/${data.id}`, admin), params(data.id))).toHaveProperty("status", 204);
    expect((await one.GET(request("GET", `/api/alert-channels/${data.id}`, admin), params(data.id))).status).toBe(404);
    for (const bad of ["x", "../users", "00000000-0000-0000-0000-000000000000"]) {
      expect((await one.GET(request("GET", `/api/alert-channels/${encodeURIComponent(bad)}`, admin), params(bad))).status).toBe(404);
      expect((await test.POST(request("POST", `/api/alert-channels/${encodeURIComponent(bad)}/test`, admin), params(bad))).status).toBe(404);
    }
  });

  it.each([
    [{ type: "webhook", name: "x", url: "http://example.com/hook" }, "url: must be https (http only to localhost)"],
    [{ type: "webhook", name: "x", url: "https://example.com/hook", secret: "short" }, "secret: at least 16 characters"],
    [{ type: "teams", name: "x", url: "https://acme.webhook.office.com/webhookb2/abc" }, "url: Office 365 connector webhooks"],
    [{ type: "email", name: "x", to: "ops@msp.example, not an address" }, 'to: "not an address" is not an e-mail address'],
    [{ type: "email", name: "x", url: "https://example.com" }, "url: an e-mail channel takes `to`"],
    [{ type: "slack", name: "x".repeat(81), url: "https://hooks.slack.com/x" }, "name: at most 80 characters"],
    [{ type: "slack", name: "x", url: "https://hooks.slack.com/x", states: ["failed", "fine"] }, "states.1"],
    [{ type: "slack", name: "x", url: "https://hooks.slack.com/x", clients: ["abc"] }, "clients.0: client ids are positive whole numbers"],
    [{ type: "slack", name: "x", url: "https://user:pw@hooks.slack.com/x" }, "url: must not contain a user name or password"],
    [{ type: "pager", name: "x", url: "https://example.com" }, "type"],
    [{ type: "slack", name: "x", url: "https://hooks.slack.com/x", extra: 1 }, "extra"],
  ])("refuses %j with a clear 400", async (body, message) => {
    const response = await create(body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain(message);
  });

  it("refuses technicians and viewers", async () => {
    for (const cookie of [technician, viewer]) {
      expect((await create({ type: "slack", name: "x", url: "https://hooks.slack.com/x" }, cookie)).status).toBe(403);
      expect((await collection.GET(request("GET", "/api/alert-channels", cookie), noParams)).status).toBe(403);
    }
  });
});
