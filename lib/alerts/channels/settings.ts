import "server-only";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { isLoopbackHost } from "../../config";
import { isNsightId } from "../../nsight/client";
import { ALERT_STATES, CHANNEL_TYPES, type AlertChannel, type ChannelType } from "../types";
import { recipientsOf } from "./email";
import { isLegacyTeamsConnector } from "./teams";

export const NAME_MAX = 80;
export const SECRET_MIN = 16;
const URL_MAX = 2_000;
const RECIPIENTS_MAX = 20;
// Deliberately plain: one @, no spaces, commas or angle brackets (no display names, nothing to smuggle a header in).
const ADDRESS = /^[^\s@,<>"()\\;:]+@[^\s@,<>"()\\;:]+\.[^\s@,<>"()\\;:]+$/;

/** https, or http to this machine only (a receiver on loopback); never credentials in the URL. */
export function channelUrlProblem(type: ChannelType, text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "url: not a valid URL";
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopbackHost(url.hostname))) return "url: must be https (http only to localhost)";
  if (url.username || url.password) return "url: must not contain a user name or password";
  if (type === "teams" && isLegacyTeamsConnector(url)) {
    return "url: Office 365 connector webhooks (webhook.office.com) are retired; create a Teams Workflows webhook (Power Automate) and use its URL";
  }
  return null;
}

export function recipientsProblem(to: string): string | null {
  if (/[\r\n]/.test(to)) return "to: must be one line";
  const list = recipientsOf(to);
  if (list.length === 0) return "to: at least one e-mail address";
  if (list.length > RECIPIENTS_MAX) return `to: at most ${RECIPIENTS_MAX} addresses`;
  const bad = list.find((a) => a.length > 254 || !ADDRESS.test(a));
  return bad === undefined ? null : `to: "${bad.slice(0, 60)}" is not an e-mail address`;
}

const Name = z.string().trim().min(1, "must not be empty").max(NAME_MAX, `at most ${NAME_MAX} characters`);
const Clients = z.array(z.string().refine(isNsightId, "client ids are positive whole numbers")).max(1_000);
const States = z.array(z.enum(ALERT_STATES)).min(1, "choose at least one of failed, overdue, warning").max(3);
const Secret = z.string().min(SECRET_MIN, `at least ${SECRET_MIN} characters`).max(200);

export const CREATE_CHANNEL_BODY = z.strictObject({
  type: z.enum(CHANNEL_TYPES),
  name: Name,
  url: z.string().trim().max(URL_MAX).optional(),
  to: z.string().trim().max(5_000).optional(),
  secret: Secret.optional(),
  clients: Clients.default([]),
  states: States.default(["failed", "overdue"]),
  anomalies: z.boolean().default(false),
  enabled: z.boolean().default(true),
});

export const UPDATE_CHANNEL_BODY = z.strictObject({
  name: Name.optional(),
  url: z.string().trim().max(URL_MAX).optional(),
  to: z.string().trim().max(5_000).optional(),
  secret: Secret.optional(),
  clients: Clients.optional(),
  states: States.optional(),
  anomalies: z.boolean().optional(),
  enabled: z.boolean().optional(),
});

export type CreateChannelBody = z.infer<typeof CREATE_CHANNEL_BODY>;
export type UpdateChannelBody = z.infer<typeof UPDATE_CHANNEL_BODY>;

export function newWebhookSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** The target for this type, or the reason it is refused: e-mail takes `to`, the others `url`. */
export function targetProblem(type: ChannelType, body: { url?: string; to?: string }, required: boolean): string | null {
  if (type === "email") {
    if (body.url !== undefined) return "url: an e-mail channel takes `to`, not `url`";
    if (body.to === undefined) return required ? "to: required for an e-mail channel" : null;
    return recipientsProblem(body.to);
  }
  if (body.to !== undefined) return `to: a ${type} channel takes \`url\`, not \`to\``;
  if (body.url === undefined) return required ? `url: required for a ${type} channel` : null;
  return channelUrlProblem(type, body.url);
}

export function secretProblem(type: ChannelType, secret: string | undefined): string | null {
  return secret !== undefined && type !== "webhook" ? "secret: only a webhook channel is signed" : null;
}

/** What a webhook, Teams or Slack URL may show: the host and the end of the path, since the path is the credential. */
export function maskUrl(text: string): string {
  try {
    const url = new URL(text);
    const path = url.pathname + url.search;
    return path.length <= 1 ? url.origin : `${url.origin}/…${path.length > 12 ? path.slice(-4) : ""}`;
  } catch {
    return "(invalid URL)";
  }
}

/** A channel as the API and the page show it: never the secret, never a whole URL. */
export function channelJson(channel: AlertChannel) {
  return {
    id: channel.id,
    type: channel.type,
    name: channel.name,
    target: channel.type === "email" ? channel.target : maskUrl(channel.target),
    signed: channel.secret !== null,
    clients: channel.clientIds,
    states: channel.states,
    anomalies: channel.anomalies,
    enabled: channel.enabled,
    createdAt: new Date(channel.createdAt).toISOString(),
    updatedAt: new Date(channel.updatedAt).toISOString(),
  };
}

export type ChannelJson = ReturnType<typeof channelJson>;
