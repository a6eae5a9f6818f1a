import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hashToken } from "../../auth/tokens";
import { openStore, type Store } from "../../store/db";
import { findLiveShareLink, listShareLinks } from "../../store/share-links";
import { createUser } from "../../store/users";
import { ALERT_SCHEMA, type AlertChannel, type AlertIncident, type AlertMessage } from "../types";
import { createChannelSender } from "./index";

interface Delivered {
  envelopeTo: string[];
  mail: ParsedMail;
}

let dir: string;
let db: Store;
let smtp: SMTPServer;
let smtpUrl: string;
let delivered: Delivered[];
let rejectWith: number | null;
let stall = false;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "channels-email-"));
  db = await openStore(dir);
  delivered = [];
  rejectWith = null;
  stall = false;
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    closeTimeout: 200,
    logger: false,
    onData(stream, session, callback) {
      if (stall) {
        stream.resume();
        return;
      }
      simpleParser(stream)
        .then((mail) => {
          if (rejectWith !== null) {
            callback(Object.assign(new Error("refused"), { responseCode: rejectWith }));
            return;
          }
          delivered.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), mail });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

const NOW = Date.UTC(2026, 10, 30, 23, 0, 0);
const PUBLIC = new URL("https://dash.example/");

function channel(to: string): AlertChannel {
  return { id: "ch1", type: "email", name: "Mail", target: to, secret: null, clientIds: [], states: ["failed"], anomalies: false, enabled: true, createdBy: null, createdAt: 1, updatedAt: 1 };
}

function incident(id: string, deviceId: string, deviceName: string): AlertIncident {
  return {
    id, kind: "health", state: "failed", reason: "The last backup failed", deviceId, deviceName, plugin: "FileSystem",
    clientId: "20", clientName: "Acme <i>Corp</i>", siteId: "30", siteName: "HQ", openedAt: "2026-11-30T22:59:00.000Z", resolvedAt: null,
    durationSeconds: null, url: `https://dash.example/devices/${deviceId}`,
  };
}

const message: AlertMessage = {
  schema: ALERT_SCHEMA,
  event: "incident.opened",
  id: "n-1",
  createdAt: "2026-11-30T23:00:00.000Z",
  summary: "Acme: 2 backups failed",
  client: { id: "20", name: "Acme <i>Corp</i>" },
  incidents: [incident("i1", "1001", `<script>alert("x")</script> & SRV`), incident("i2", "1002", "SRV-02")],
  nsight: null,
  dashboardUrl: "https://dash.example/",
};

const sender = (over: { smtpUrl?: string | null; from?: string | null } = {}) =>
  createChannelSender({ db, publicUrl: PUBLIC, smtpUrl: over.smtpUrl === undefined ? smtpUrl : over.smtpUrl, from: over.from === undefined ? "alerts@dash.example" : over.from, now: () => NOW });

describe("e-mail channel", () => {
  it("sends text and HTML listing every incident, names escaped, with device links for a dashboard user", async () => {
    await createUser(db, { email: "tech@msp.example", role: "technician" });
    const result = await sender().deliver(channel("Tech@MSP.example"), message, AbortSignal.timeout(10_000));
    expect(result).toEqual({ ok: true, statusCode: 250 });
    expect(delivered).toHaveLength(1);
    const { mail, envelopeTo } = delivered[0]!;
    expect(envelopeTo).toEqual(["Tech@msp.example"]);
    expect(mail.from?.text).toBe("alerts@dash.example");
    expect(mail.subject).toBe("[Backup problem] Acme: 2 backups failed");
    expect(mail.text).toContain(`<script>alert("x")</script> & SRV · FileSystem`);
    expect(mail.text).toContain("SRV-02 · FileSystem");
    expect(mail.text).toContain("https://dash.example/devices/1001");
    expect(mail.text).toContain("https://dash.example/devices/1002");
    const html = String(mail.html);
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<i>Corp");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; SRV");
    expect(html).toContain(`<a href="https://dash.example/devices/1002">Open SRV-02</a>`);
    expect(mail.headers.get("x-nsight-dashboard-incident")).toBe("i1, i2");
    expect(mail.headers.get("x-nsight-dashboard-event")).toBe("incident.opened");
    expect(mail.references).toEqual(["<incident.i1@dash.example>", "<incident.i2@dash.example>"]);
    expect(await listShareLinks(db)).toEqual([]);
  });

  it("gives a recipient who is not a user, or a viewer of another client, share links to the devices instead", async () => {
    await createUser(db, { email: "viewer@other.example", role: "viewer", clientIds: ["99"] });
    const result = await sender().deliver(channel("client@customer.example, viewer@other.example"), message, AbortSignal.timeout(10_000));
    expect(result.ok).toBe(true);
    expect(delivered.map((d) => d.envelopeTo)).toEqual([["client@customer.example"], ["viewer@other.example"]]);
    const links = await listShareLinks(db);
    // One link per device, shared by both recipients of this message.
    expect(links.map((l) => [l.deviceId, l.clientId, l.createdBy, l.expiresAt - NOW]).sort()).toEqual([
      ["1001", "20", null, 7 * 86_400_000],
      ["1002", "20", null, 7 * 86_400_000],
    ]);
    expect(delivered[0]!.mail.text).not.toContain("Dashboard: ");
    for (const { mail } of delivered) {
      expect(mail.text).not.toContain("/devices/");
      const tokens = [...(mail.text ?? "").matchAll(/https:\/\/dash\.example\/s\/([A-Za-z0-9_-]{43})/g)].map((m) => m[1]!);
      expect(tokens).toHaveLength(2);
      const opened = await Promise.all(tokens.map((t) => findLiveShareLink(db, hashToken(t), NOW + 1)));
      expect(opened.map((l) => l?.deviceId)).toEqual(["1001", "1002"]);
    }
  });

  it("fails permanently and clearly without SMTP_URL or ALERT_FROM", async () => {
    expect(await sender({ smtpUrl: null }).deliver(channel("a@b.example"), message, AbortSignal.timeout(1_000))).toEqual({
      ok: false, statusCode: null, error: "SMTP_URL is not set: e-mail cannot be sent", permanent: true,
    });
    expect(await sender({ from: null }).deliver(channel("a@b.example"), message, AbortSignal.timeout(1_000))).toMatchObject({ ok: false, permanent: true, error: "ALERT_FROM is not set: e-mail cannot be sent" });
    expect(delivered).toEqual([]);
  });

  it("gives up on a server that never answers when the dispatcher's deadline passes, to try again later", async () => {
    stall = true;
    const result = await sender().deliver(channel("a@b.example"), message, AbortSignal.timeout(300));
    expect(result).toEqual({ ok: false, statusCode: null, error: "timed out" });
  });

  it("tells a permanent refusal (5xx) from a temporary one (4xx) and an unreachable server", async () => {
    rejectWith = 550;
    expect(await sender().deliver(channel("a@b.example"), message, AbortSignal.timeout(10_000))).toMatchObject({ ok: false, statusCode: 550, permanent: true });
    rejectWith = 451;
    const temporary = await sender().deliver(channel("a@b.example"), message, AbortSignal.timeout(10_000));
    expect(temporary).toMatchObject({ ok: false, statusCode: 451 });
    expect(!temporary.ok && temporary.permanent).toBeFalsy();
    const port = (smtp.server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    const down = await sender({ smtpUrl: `smtp://127.0.0.1:${port}` }).deliver(channel("a@b.example"), message, AbortSignal.timeout(10_000));
    expect(down).toMatchObject({ ok: false, statusCode: null });
    expect(!down.ok && down.permanent).toBeFalsy();
    smtp = new SMTPServer({ logger: false });
    await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  });
});
