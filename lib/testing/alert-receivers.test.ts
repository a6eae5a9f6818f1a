import { createHmac } from "node:crypto";
import nodemailer from "nodemailer";
import { afterEach, describe, expect, it } from "vitest";
import { ALERT_SCHEMA } from "../alerts/types";
import { startSlackReceiver, startSmtpReceiver, startTeamsReceiver, startWebhookReceiver, TEAMS_MAX_BYTES, verifySignature } from "./alert-receivers";

const SECRET = "receiver-test-secret";
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

// Signed here by hand, from the documented recipe, not with the sender under test.
function signed(body: string, secret = SECRET, timestamp = Math.floor(Date.now() / 1000)) {
  const signature = `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
  return { "Content-Type": "application/json", "X-Signature-Timestamp": String(timestamp), "X-Signature": signature };
}

const message = (id: string) => JSON.stringify({ schema: ALERT_SCHEMA, event: "incident.opened", id, createdAt: new Date().toISOString(), summary: "s", client: null, incidents: [], nsight: null, dashboardUrl: null });
const post = (url: string, body: string, headers: Record<string, string> = { "Content-Type": "application/json" }) => fetch(url, { method: "POST", headers, body });

describe("webhook receiver", () => {
  it("accepts a correctly signed message and records a wrong, missing or stale signature as rejected", async () => {
    const receiver = await startWebhookReceiver({ secret: SECRET });
    closers.push(() => receiver.close());
    const good = message("n1");
    expect((await post(receiver.url, good, signed(good))).status).toBe(204);
    expect((await post(receiver.url, good, signed(good, "another-secret"))).status).toBe(401);
    expect((await post(receiver.url, `${good} `, signed(good))).status).toBe(401);
    expect((await post(receiver.url, good, { "Content-Type": "application/json" })).status).toBe(401);
    expect((await post(receiver.url, good, signed(good, SECRET, Math.floor(Date.now() / 1000) - 3600))).status).toBe(401);
    const wrongSchema = JSON.stringify({ schema: "other/v9", event: "incident.opened", id: "x", incidents: [] });
    expect((await post(receiver.url, wrongSchema, signed(wrongSchema))).status).toBe(400);

    expect(receiver.messages.map((m) => m.id)).toEqual(["n1"]);
    expect(receiver.rejected.map((r) => r.reason)).toEqual([
      "wrong signature",
      "wrong signature",
      "no X-Signature-Timestamp",
      "stale timestamp (replay?)",
      `schema is not ${ALERT_SCHEMA}`,
    ]);
    expect(await receiver.waitFor(1)).toHaveLength(1);
    await expect(receiver.waitFor(2, 200)).rejects.toThrow(/waited for 2 messages, got 1/);
  });

  it("checks the signature the documented way", () => {
    const body = '{"a":1}';
    const headers = signed(body, "k", 1_700_000_000);
    expect(verifySignature("k", "1700000000", body, headers["X-Signature"])).toBe(true);
    expect(verifySignature("k", "1700000001", body, headers["X-Signature"])).toBe(false);
    expect(verifySignature("k", "1700000000", body, "sha256=00")).toBe(false);
  });
});

const card = (text: string) =>
  JSON.stringify({
    type: "message",
    attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", contentUrl: null, content: { type: "AdaptiveCard", version: "1.4", body: [{ type: "TextBlock", text }] } }],
  });

describe("Teams receiver", () => {
  it("accepts a Workflows Adaptive Card, refuses on demand, rejects the retired connector shape and oversize cards", async () => {
    const receiver = await startTeamsReceiver();
    closers.push(() => receiver.close());
    expect((await post(receiver.url, card("Backup failed on SRV-01"))).status).toBe(202);
    receiver.refuseNext(1, 429, 7);
    const throttled = await post(receiver.url, card("again"));
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).toBe("7");
    receiver.refuseNext(1, 500);
    expect((await post(receiver.url, card("again"))).status).toBe(500);
    expect((await post(receiver.url, card("again"))).status).toBe(202);
    // The old Office 365 connector's MessageCard.
    expect((await post(receiver.url, JSON.stringify({ "@type": "MessageCard", text: "x" }))).status).toBe(400);
    expect((await post(receiver.url, card("x".repeat(TEAMS_MAX_BYTES)))).status).toBe(413);

    expect(receiver.messages.map((m) => m.text)).toEqual(["Backup failed on SRV-01", "again"]);
    expect(receiver.requests.map((r) => r.outcome)).toEqual(["accepted", "refused", "refused", "accepted", "rejected", "rejected"]);
  });
});

describe("Slack receiver", () => {
  it("accepts blocks with fallback text and rejects what Slack would", async () => {
    const receiver = await startSlackReceiver();
    closers.push(() => receiver.close());
    const ok = { text: "Backup failed", blocks: [{ type: "header", text: { type: "plain_text", text: "Backup failed" } }, { type: "section", text: { type: "mrkdwn", text: "*SRV-01*" } }] };
    const answer = await post(receiver.url, JSON.stringify(ok));
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe("ok");
    const bad = [
      { blocks: ok.blocks },
      { text: "t", blocks: Array.from({ length: 51 }, () => ({ type: "divider" })) },
      { text: "t", blocks: [{ type: "section", text: { type: "mrkdwn", text: "x".repeat(3001) } }] },
      { text: "t", blocks: [{ type: "header", text: { type: "plain_text", text: "x".repeat(151) } }] },
    ];
    for (const body of bad) expect((await post(receiver.url, JSON.stringify(body))).status).toBe(400);
    receiver.refuseNext(2, 429);
    expect((await post(receiver.url, JSON.stringify(ok))).status).toBe(429);
    expect((await post(receiver.url, JSON.stringify(ok))).status).toBe(429);
    expect((await post(receiver.url, JSON.stringify(ok))).status).toBe(200);
    expect(receiver.messages).toHaveLength(2);
    expect(receiver.messages[0]!.blockText).toContain("*SRV-01*");
    expect(receiver.rejected).toHaveLength(4);
  });
});

describe("SMTP receiver", () => {
  it("parses mails sent over SMTP, text and HTML, and refuses wrong credentials", async () => {
    const receiver = await startSmtpReceiver({ user: "alerts", pass: "p@ss word" });
    closers.push(() => receiver.close());
    const transport = nodemailer.createTransport(receiver.url);
    await transport.sendMail({ from: "dash@example.test", to: "ops@example.test, boss@example.test", subject: "Backup failed: SRV-01", text: "plain", html: "<p>html</p>" });
    const [mail] = await receiver.waitFor(1);
    expect(mail).toMatchObject({ from: "dash@example.test", to: ["ops@example.test", "boss@example.test"], subject: "Backup failed: SRV-01", text: "plain" });
    expect(mail!.html).toContain("<p>html</p>");
    expect(mail!.envelopeTo).toEqual(["ops@example.test", "boss@example.test"]);

    const wrong = nodemailer.createTransport(receiver.url.replace("p%40ss%20word", "nope"));
    await expect(wrong.sendMail({ from: "a@example.test", to: "b@example.test", text: "x" })).rejects.toThrow();
    expect(receiver.messages).toHaveLength(1);
    expect(receiver.rejected).toEqual(["auth as alerts"]);
  });
});
