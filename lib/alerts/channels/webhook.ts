import "server-only";
import { createHmac } from "node:crypto";
import type { AlertChannel, AlertMessage, DeliveryResult } from "../types";
import { postJson } from "./http-delivery";

/** The signed string, as docs/webhooks.md tells receivers to rebuild it: "<unix seconds>.<raw body>". */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export function webhookRequest(channel: AlertChannel, message: AlertMessage, nowMs: number): { headers: Record<string, string>; body: string } {
  const body = JSON.stringify(message);
  const timestamp = Math.floor(nowMs / 1_000);
  const headers: Record<string, string> = {
    "x-nsight-dashboard-event": message.event,
    "x-nsight-dashboard-delivery": message.id,
    "x-signature-timestamp": String(timestamp),
  };
  if (channel.secret) headers["x-signature"] = webhookSignature(channel.secret, timestamp, body);
  return { headers, body };
}

export async function deliverWebhook(
  channel: AlertChannel,
  message: AlertMessage,
  signal: AbortSignal,
  deps: { fetch: typeof fetch; now: () => number },
): Promise<DeliveryResult> {
  if (!channel.secret) return { ok: false, statusCode: null, error: "the channel has no signing secret", permanent: true };
  const { headers, body } = webhookRequest(channel, message, deps.now());
  return postJson(channel.target, { ...deps, signal, headers, body });
}
