import "server-only";
import { randomUUID } from "node:crypto";
import type { Store } from "../../store/db";
import { enqueueNotification, recordAttempt, type NotificationRow } from "../../store/notifications";
import { ALERT_SCHEMA, type AlertChannel, type AlertMessage, type ChannelSender, type DeliveryResult } from "../types";
import { deliverEmail } from "./email";
import { deliverSlack } from "./slack";
import { deliverTeams } from "./teams";
import { deliverWebhook } from "./webhook";

export interface ChannelSenderDeps {
  db: Store;
  /** The base of absolute links in messages; null: messages carry no links. */
  publicUrl: URL | null;
  smtpUrl: string | null;
  from: string | null;
  fetch?: typeof fetch;
  now?: () => number;
}

/** One sender for every channel type: the dispatcher hands it a queued message and gets a classified result back. */
export function createChannelSender(deps: ChannelSenderDeps): ChannelSender {
  const fetchImpl = deps.fetch ?? fetch;
  const now = deps.now ?? Date.now;
  return {
    async deliver(channel: AlertChannel, message: AlertMessage, signal: AbortSignal): Promise<DeliveryResult> {
      const http = { fetch: fetchImpl, now };
      switch (channel.type) {
        case "webhook":
          return deliverWebhook(channel, message, signal, http);
        case "teams":
          return deliverTeams(channel, message, signal, http);
        case "slack":
          return deliverSlack(channel, message, signal, http);
        case "email":
          return deliverEmail(channel, message, signal, { db: deps.db, publicUrl: deps.publicUrl, smtpUrl: deps.smtpUrl, from: deps.from, now });
      }
    },
  };
}

export const TEST_TIMEOUT_MS = 10_000;

export interface TestOutcome {
  notification: NotificationRow;
  result: DeliveryResult;
}

/**
 * The "Send test" button: queues a `test` notification and delivers it at once, so it shows in the delivery log like
 * any other. It is never retried: the admin is watching and can press again.
 */
export async function sendTest(
  db: Store,
  channel: AlertChannel,
  sender: ChannelSender,
  options: { publicUrl?: URL | null; now?: () => number; timeoutMs?: number } = {},
): Promise<TestOutcome> {
  const now = options.now ?? Date.now;
  const queuedAt = now();
  const dashboardUrl = options.publicUrl ? options.publicUrl.href : null;
  const notification = await enqueueNotification(
    db,
    {
      channelId: channel.id,
      event: "test",
      dedupeKey: `test:${randomUUID()}`,
      incidentIds: [],
      message: {
        schema: ALERT_SCHEMA,
        event: "test",
        createdAt: new Date(queuedAt).toISOString(),
        summary: `Test message for the channel "${channel.name}" from the N-sight Backup Dashboard`,
        client: null,
        incidents: [],
        nsight: null,
        dashboardUrl,
      },
      // Out of the dispatcher's reach while this call delivers it.
      notBefore: queuedAt + 5 * 60_000,
    },
    queuedAt,
  );
  if (!notification) throw new Error("the test notification was not queued");
  const started = now();
  const result = await sender.deliver(channel, notification.message, AbortSignal.timeout(options.timeoutMs ?? TEST_TIMEOUT_MS));
  const finished = now();
  await recordAttempt(db, notification, { result, at: finished, durationMs: finished - started, retryAt: null });
  return { notification, result };
}
