import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { Store } from "../../store/db";
import { ALERT_SCHEMA, type AlertChannel, type AlertIncident, type AlertMessage } from "../types";
import { createChannelSender } from "./index";
import { SLACK_MAX_BLOCKS, SLACK_MAX_TEXT, slackPayload } from "./slack";
import { isLegacyTeamsConnector, teamsPayload } from "./teams";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function chatReceiver(status: number, headers: Record<string, string> = {}): Promise<{ url: string; bodies: string[] }> {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      bodies.push(Buffer.concat(chunks).toString("utf8"));
      res.writeHead(status, headers).end(status === 200 ? "ok" : "rate_limited");
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies };
}

function incident(n: number, name = `SRV-${n}`): AlertIncident {
  return {
    id: `i${n}`, kind: "health", state: "failed", reason: "The last backup failed", deviceId: String(1000 + n), deviceName: name, plugin: "FileSystem",
    clientId: "20", clientName: "Acme", siteId: "30", siteName: "HQ", openedAt: "2026-11-30T22:59:00.000Z", resolvedAt: null, durationSeconds: null,
    url: `https://dash.example/devices/${1000 + n}`,
  };
}

function message(incidents: AlertIncident[]): AlertMessage {
  return { schema: ALERT_SCHEMA, event: "incident.opened", id: "n-1", createdAt: "2026-11-30T23:00:00.000Z", summary: `Acme: ${incidents.length} backups failed`, client: { id: "20", name: "Acme" }, incidents, nsight: null, dashboardUrl: "https://dash.example/" };
}

function channel(type: "teams" | "slack", target: string): AlertChannel {
  return { id: "c", type, name: type, target, secret: null, clientIds: [], states: ["failed"], anomalies: false, enabled: true, createdBy: null, createdAt: 1, updatedAt: 1 };
}

const NOW = Date.UTC(2026, 10, 30, 23, 0, 0);
const sender = () => createChannelSender({ db: null as unknown as Store, publicUrl: null, smtpUrl: null, from: null, now: () => NOW });

interface TeamsCard {
  type: string;
  attachments: { contentType: string; content: { type: string; version: string; body: { type: string; text?: string; items?: { text: string }[] }[]; actions: { type: string; url: string; title: string }[] } }[];
}

describe("Teams channel", () => {
  it("posts an Adaptive Card in a message envelope with an OpenUrl button per device", async () => {
    const hook = await chatReceiver(202);
    expect(await sender().deliver(channel("teams", hook.url), message([incident(1), incident(2)]), AbortSignal.timeout(5_000))).toEqual({ ok: true, statusCode: 202 });
    const card = JSON.parse(hook.bodies[0]!) as TeamsCard;
    expect(card.type).toBe("message");
    expect(card.attachments).toHaveLength(1);
    const { contentType, content } = card.attachments[0]!;
    expect(contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(content.type).toBe("AdaptiveCard");
    expect(content.body.flatMap((b) => b.items?.map((i) => i.text) ?? [])).toContain("SRV-2 · FileSystem");
    expect(content.actions).toEqual([
      { type: "Action.OpenUrl", title: "Open SRV-1", url: "https://dash.example/devices/1001" },
      { type: "Action.OpenUrl", title: "Open SRV-2", url: "https://dash.example/devices/1002" },
      { type: "Action.OpenUrl", title: "Open the dashboard", url: "https://dash.example/" },
    ]);
  });

  it("stays under 28 KB by listing fewer incidents and saying how many more", () => {
    const many = Array.from({ length: 400 }, (_, n) => incident(n, `SRV-${n}-${"x".repeat(150)}`));
    const text = teamsPayload(message(many));
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(28 * 1024);
    const card = JSON.parse(text) as TeamsCard;
    const shown = card.attachments[0]!.content.body.filter((b) => b.type === "Container").length;
    expect(shown).toBeGreaterThan(10);
    expect(card.attachments[0]!.content.body.at(-1)).toMatchObject({ type: "TextBlock", text: `and ${400 - shown} more` });
  });

  it("recognises the retired Office 365 connector URLs and refuses to post to them", async () => {
    expect(isLegacyTeamsConnector(new URL("https://acme.webhook.office.com/webhookb2/abc"))).toBe(true);
    expect(isLegacyTeamsConnector(new URL("https://outlook.office.com/webhook/abc"))).toBe(true);
    expect(isLegacyTeamsConnector(new URL("https://prod-01.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke"))).toBe(false);
    expect(await sender().deliver(channel("teams", "https://acme.webhook.office.com/webhookb2/abc"), message([incident(1)]), AbortSignal.timeout(1_000))).toMatchObject({ ok: false, permanent: true });
  });
});

interface SlackBody {
  text: string;
  blocks: { type: string; text?: { text: string }; accessory?: { type: string; url: string }; elements?: { text: string }[] }[];
}

describe("Slack channel", () => {
  it("posts blocks (section, context, button) with names escaped for mrkdwn", async () => {
    const hook = await chatReceiver(200);
    expect((await sender().deliver(channel("slack", hook.url), message([incident(1, "<!channel> & <https://evil|x>")]), AbortSignal.timeout(5_000))).ok).toBe(true);
    const body = JSON.parse(hook.bodies[0]!) as SlackBody;
    expect(body.text).toBe("Acme: 1 backups failed");
    expect(body.blocks.map((b) => b.type)).toEqual(["section", "section", "context", "actions"]);
    expect(body.blocks[1]!.text!.text).toContain("&lt;!channel&gt; &amp; &lt;https://evil|x&gt;");
    expect(body.blocks[1]!.text!.text).not.toContain("<!channel>");
    expect(body.blocks[1]!.accessory).toMatchObject({ type: "button", url: "https://dash.example/devices/1001" });
  });

  it("keeps within 50 blocks and 3000 characters a text, saying how many incidents are left out", () => {
    const many = Array.from({ length: 80 }, (_, n) => incident(n, "&".repeat(2_000)));
    const body = slackPayload(message(many)) as unknown as SlackBody;
    expect(body.blocks.length).toBeLessThanOrEqual(SLACK_MAX_BLOCKS);
    for (const b of body.blocks) {
      for (const t of [b.text?.text, ...(b.elements ?? []).map((e) => e.text)]) if (typeof t === "string") expect(t.length).toBeLessThanOrEqual(SLACK_MAX_TEXT);
    }
    const shown = body.blocks.filter((b) => b.accessory).length;
    expect(body.blocks.some((b) => b.elements?.[0]?.text === `and ${80 - shown} more`)).toBe(true);
  });

  it("honours Slack's Retry-After on 429", async () => {
    const hook = await chatReceiver(429, { "retry-after": "7" });
    const result = await sender().deliver(channel("slack", hook.url), message([incident(1)]), AbortSignal.timeout(5_000));
    expect(result).toEqual({ ok: false, statusCode: 429, error: "HTTP 429", retryAfterMs: 7_000 });
  });
});
