/**
 * Real receivers on loopback for alert tests: a signed generic webhook, Teams- and Slack-shaped
 * chat webhooks that can refuse on demand, and an SMTP server. They check what a real receiver
 * would check (docs/webhooks.md) and keep every request, accepted or not.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { simpleParser, type AddressObject } from "mailparser";
import { SMTPServer } from "smtp-server";
import { ALERT_EVENTS, ALERT_SCHEMA, type AlertMessage } from "../alerts/types";

export type Outcome = "accepted" | "rejected" | "refused";

export interface ReceivedRequest<T> {
  at: number;
  headers: IncomingMessage["headers"];
  raw: string;
  body: T | null;
  /** accepted: a valid message, answered 2xx; rejected: invalid (bad signature, shape, size); refused: answered 429/500 on demand. */
  outcome: Outcome;
  reason: string | null;
  status: number;
}

export interface Receiver<T> {
  readonly url: string;
  /** Accepted messages only, in arrival order. */
  readonly messages: T[];
  /** Everything that arrived, with its outcome. */
  readonly requests: ReceivedRequest<T>[];
  readonly rejected: ReceivedRequest<T>[];
  /** Resolves with the accepted messages once there are at least n; fails after timeoutMs saying what did arrive. */
  waitFor(n: number, timeoutMs?: number): Promise<T[]>;
  close(): Promise<void>;
}

export interface ChatReceiver<T> extends Receiver<T> {
  /** The next `count` requests get this status (429 with Retry-After, or 500) and count as refused. */
  refuseNext(count: number, status: 429 | 500, retryAfterSeconds?: number): void;
}

const MAX_REQUEST_BYTES = 1024 * 1024;
/** Teams Workflows refuses cards over about 28 KB. */
export const TEAMS_MAX_BYTES = 28 * 1024;
export const SLACK_MAX_BLOCKS = 50;
export const SLACK_MAX_SECTION_TEXT = 3000;
export const SLACK_MAX_HEADER_TEXT = 150;

type Verdict<T> = { ok: true; body: T } | { ok: false; status: number; reason: string };

class Waiters<T> {
  private readonly pending = new Set<() => void>();
  constructor(private readonly list: T[]) {}

  notify(): void {
    for (const wake of [...this.pending]) wake();
  }

  wait(n: number, timeoutMs: number, describe: () => string): Promise<T[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.list.length < n) return;
        clearTimeout(timer);
        this.pending.delete(check);
        resolve([...this.list]);
      };
      const timer = setTimeout(() => {
        this.pending.delete(check);
        reject(new Error(`waited for ${n} messages, got ${this.list.length} (${describe()})`));
      }, timeoutMs);
      this.pending.add(check);
      check();
    });
  }
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
    });
    req.on("end", () => resolve(size > MAX_REQUEST_BYTES ? null : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

interface HttpReceiverOptions<T> {
  judge(raw: string, headers: IncomingMessage["headers"]): Verdict<T>;
  accepted: { status: number; body: string };
  refusals?: { count: number; status: number; retryAfterSeconds: number }[];
}

async function startHttpReceiver<T>(options: HttpReceiverOptions<T>): Promise<ChatReceiver<T>> {
  const messages: T[] = [];
  const requests: ReceivedRequest<T>[] = [];
  const waiters = new Waiters(messages);
  const refusals = options.refusals ?? [];
  const sockets = new Set<Socket>();
  const summary = () => requests.map((r) => `${r.outcome}${r.reason ? `: ${r.reason}` : ""}`).join("; ") || "nothing arrived";

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const record = (entry: Omit<ReceivedRequest<T>, "at" | "headers">) => requests.push({ at: Date.now(), headers: req.headers, ...entry });
    const answer = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", ...headers });
      res.end(body);
    };
    const buffer = await readBody(req);
    const raw = buffer?.toString("utf8") ?? "";
    if (req.method !== "POST") {
      record({ raw, body: null, outcome: "rejected", reason: `method ${req.method}`, status: 405 });
      return answer(405, "method not allowed");
    }
    if (buffer === null) {
      record({ raw: "", body: null, outcome: "rejected", reason: "body over 1 MB", status: 413 });
      return answer(413, "too large");
    }
    const refusal = refusals[0];
    if (refusal) {
      if (--refusal.count <= 0) refusals.shift();
      record({ raw, body: null, outcome: "refused", reason: `answered ${refusal.status} on demand`, status: refusal.status });
      return answer(refusal.status, refusal.status === 429 ? "rate_limited" : "internal error", refusal.status === 429 ? { "Retry-After": String(refusal.retryAfterSeconds) } : {});
    }
    const verdict = options.judge(raw, req.headers);
    if (!verdict.ok) {
      record({ raw, body: null, outcome: "rejected", reason: verdict.reason, status: verdict.status });
      return answer(verdict.status, verdict.reason);
    }
    record({ raw, body: verdict.body, outcome: "accepted", reason: null, status: options.accepted.status });
    messages.push(verdict.body);
    answer(options.accepted.status, options.accepted.body);
    waiters.notify();
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    messages,
    requests,
    get rejected() {
      return requests.filter((r) => r.outcome === "rejected");
    },
    waitFor: (n, timeoutMs = 10_000) => waiters.wait(n, timeoutMs, summary),
    refuseNext(count, status, retryAfterSeconds = 1) {
      refusals.push({ count, status, retryAfterSeconds });
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** The check docs/webhooks.md asks of receivers, written here independently of the sender. */
export function verifySignature(secret: string, timestamp: string, raw: string, signature: string): boolean {
  const expected = Buffer.from(`sha256=${createHmac("sha256", secret).update(`${timestamp}.${raw}`).digest("hex")}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface WebhookReceiverOptions {
  secret: string;
  /** A signature older or newer than this is a replay (default 300 s). */
  toleranceSeconds?: number;
  /** The receiver's clock, so a test on a fake clock can sign in its time. */
  now?: () => number;
}

export function startWebhookReceiver(options: WebhookReceiverOptions): Promise<ChatReceiver<AlertMessage>> {
  const tolerance = options.toleranceSeconds ?? 300;
  const now = options.now ?? Date.now;
  return startHttpReceiver<AlertMessage>({
    accepted: { status: 204, body: "" },
    judge(raw, headers) {
      const timestamp = headers["x-signature-timestamp"];
      const signature = headers["x-signature"];
      if (typeof timestamp !== "string" || !/^\d{1,12}$/.test(timestamp)) return { ok: false, status: 401, reason: "no X-Signature-Timestamp" };
      if (typeof signature !== "string") return { ok: false, status: 401, reason: "no X-Signature" };
      if (!verifySignature(options.secret, timestamp, raw, signature)) return { ok: false, status: 401, reason: "wrong signature" };
      if (Math.abs(now() / 1000 - Number(timestamp)) > tolerance) return { ok: false, status: 401, reason: "stale timestamp (replay?)" };
      if (!/^application\/json\b/i.test(headers["content-type"] ?? "")) return { ok: false, status: 415, reason: "not JSON" };
      const body = parseJson(raw);
      if (!isObject(body) || body.schema !== ALERT_SCHEMA) return { ok: false, status: 400, reason: `schema is not ${ALERT_SCHEMA}` };
      if (!(ALERT_EVENTS as readonly unknown[]).includes(body.event)) return { ok: false, status: 400, reason: `unknown event ${String(body.event)}` };
      if (typeof body.id !== "string" || !Array.isArray(body.incidents)) return { ok: false, status: 400, reason: "no id or incidents" };
      return { ok: true, body: body as unknown as AlertMessage };
    },
  });
}

export interface TeamsCard {
  type: "AdaptiveCard";
  version: string;
  body: Record<string, unknown>[];
  actions?: Record<string, unknown>[];
  [key: string]: unknown;
}

/** The card inside a Workflows message, and all its text flattened, for content checks. */
export interface TeamsMessage {
  card: TeamsCard;
  text: string;
}

function collectText(value: unknown, out: string[]): void {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) collectText(v, out);
  else if (isObject(value)) for (const [key, v] of Object.entries(value)) if (key !== "type" && key !== "$schema" && key !== "version") collectText(v, out);
}

/** A Power Automate "When a Teams webhook request is received" trigger: a message with one Adaptive Card attachment. */
export function startTeamsReceiver(): Promise<ChatReceiver<TeamsMessage>> {
  return startHttpReceiver<TeamsMessage>({
    accepted: { status: 202, body: "" },
    judge(raw, headers) {
      if (Buffer.byteLength(raw) > TEAMS_MAX_BYTES) return { ok: false, status: 413, reason: `payload ${Buffer.byteLength(raw)} bytes, over ${TEAMS_MAX_BYTES}` };
      if (!/^application\/json\b/i.test(headers["content-type"] ?? "")) return { ok: false, status: 415, reason: "not JSON" };
      const body = parseJson(raw);
      if (!isObject(body) || body.type !== "message" || !Array.isArray(body.attachments)) return { ok: false, status: 400, reason: 'not {"type":"message","attachments":[…]}' };
      if (body.attachments.length !== 1) return { ok: false, status: 400, reason: `${body.attachments.length} attachments, expected one card` };
      const attachment: unknown = body.attachments[0];
      if (!isObject(attachment) || attachment.contentType !== "application/vnd.microsoft.card.adaptive") return { ok: false, status: 400, reason: "attachment is not an Adaptive Card" };
      const card = attachment.content;
      if (!isObject(card) || card.type !== "AdaptiveCard" || typeof card.version !== "string" || !Array.isArray(card.body) || card.body.length === 0) {
        return { ok: false, status: 400, reason: "card lacks type, version or body" };
      }
      if (!card.body.every((element) => isObject(element) && typeof element.type === "string")) return { ok: false, status: 400, reason: "card element without a type" };
      const text: string[] = [];
      collectText(card.body, text);
      if (Array.isArray(card.actions)) collectText(card.actions, text);
      return { ok: true, body: { card: card as TeamsCard, text: text.join("\n") } };
    },
  });
}

export interface SlackMessage {
  text: string;
  blocks: Record<string, unknown>[];
  /** All block text flattened, for content checks. */
  blockText: string;
}

/** A Slack incoming webhook: fallback text, at most 50 blocks, Slack's text limits; answers "ok" as Slack does. */
export function startSlackReceiver(): Promise<ChatReceiver<SlackMessage>> {
  return startHttpReceiver<SlackMessage>({
    accepted: { status: 200, body: "ok" },
    judge(raw, headers) {
      if (!/^application\/json\b/i.test(headers["content-type"] ?? "")) return { ok: false, status: 400, reason: "invalid_payload" };
      const body = parseJson(raw);
      if (!isObject(body) || !Array.isArray(body.blocks) || body.blocks.length === 0) return { ok: false, status: 400, reason: "invalid_blocks: none" };
      if (typeof body.text !== "string" || body.text.trim() === "") return { ok: false, status: 400, reason: "no_text: the notification fallback is missing" };
      if (body.blocks.length > SLACK_MAX_BLOCKS) return { ok: false, status: 400, reason: `invalid_blocks: ${body.blocks.length} blocks` };
      for (const block of body.blocks) {
        if (!isObject(block) || typeof block.type !== "string") return { ok: false, status: 400, reason: "invalid_blocks: a block without a type" };
        const text = isObject(block.text) ? block.text.text : undefined;
        if (block.type === "header" && (typeof text !== "string" || text.length > SLACK_MAX_HEADER_TEXT)) return { ok: false, status: 400, reason: "invalid_blocks: header text" };
        if (block.type === "section") {
          const fields = Array.isArray(block.fields) ? block.fields : [];
          if (text === undefined && fields.length === 0) return { ok: false, status: 400, reason: "invalid_blocks: empty section" };
          if (typeof text === "string" && text.length > SLACK_MAX_SECTION_TEXT) return { ok: false, status: 400, reason: "invalid_blocks: section text over 3000" };
          if (fields.length > 10) return { ok: false, status: 400, reason: "invalid_blocks: over 10 fields" };
        }
      }
      const text: string[] = [];
      collectText(body.blocks, text);
      return { ok: true, body: { text: body.text, blocks: body.blocks as Record<string, unknown>[], blockText: text.join("\n") } };
    },
  });
}

export interface ReceivedMail {
  from: string;
  to: string[];
  envelopeTo: string[];
  subject: string;
  text: string;
  html: string;
  headers: Map<string, unknown>;
}

export interface SmtpReceiver extends Omit<Receiver<ReceivedMail>, "requests" | "rejected"> {
  /** smtp://user:pass@127.0.0.1:port when credentials were asked for. */
  readonly url: string;
  readonly rejected: string[];
}

function addresses(value: AddressObject | AddressObject[] | undefined): string[] {
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return list.flatMap((a) => a.value.map((v) => v.address ?? "")).filter(Boolean);
}

/** An SMTP server on 127.0.0.1 (no TLS: loopback), parsing every mail it accepts. */
export async function startSmtpReceiver(options: { user?: string; pass?: string } = {}): Promise<SmtpReceiver> {
  const messages: ReceivedMail[] = [];
  const rejected: string[] = [];
  const waiters = new Waiters(messages);
  const needsAuth = options.user !== undefined;
  const server = new SMTPServer({
    disabledCommands: needsAuth ? ["STARTTLS"] : ["STARTTLS", "AUTH"],
    authOptional: !needsAuth,
    allowInsecureAuth: true,
    logger: false,
    size: MAX_REQUEST_BYTES,
    onAuth(auth, _session, callback) {
      if (auth.username === options.user && auth.password === options.pass) return callback(null, { user: auth.username });
      rejected.push(`auth as ${auth.username ?? "?"}`);
      callback(new Error("Invalid username or password"));
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          messages.push({
            from: addresses(mail.from)[0] ?? "",
            to: addresses(mail.to),
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            subject: mail.subject ?? "",
            text: mail.text ?? "",
            html: typeof mail.html === "string" ? mail.html : "",
            headers: mail.headers,
          });
          callback();
          waiters.notify();
        })
        .catch((error: unknown) => {
          rejected.push(error instanceof Error ? error.message : String(error));
          callback(error instanceof Error ? error : new Error(String(error)));
        });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  const credentials = needsAuth ? `${encodeURIComponent(options.user!)}:${encodeURIComponent(options.pass ?? "")}@` : "";
  return {
    url: `smtp://${credentials}127.0.0.1:${port}`,
    messages,
    rejected,
    waitFor: (n, timeoutMs = 10_000) => waiters.wait(n, timeoutMs, () => `${rejected.length} rejected`),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
