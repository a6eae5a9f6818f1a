import "server-only";
import { randomUUID } from "node:crypto";
import type { AlertEvent, AlertMessage, DeliveryResult } from "../alerts/types";
import type { Store } from "./db";
import type { NotificationsTable } from "./schema";

export type NotificationStatus = "pending" | "sent" | "given_up";

export interface NotificationRow {
  id: string;
  channelId: string;
  event: AlertEvent;
  dedupeKey: string;
  incidentIds: string[];
  message: AlertMessage;
  createdAt: number;
  status: NotificationStatus;
  attempts: number;
  nextAttemptAt: number;
  sentAt: number | null;
  lastError: string | null;
}

function toNotification(row: NotificationsTable): NotificationRow {
  return {
    id: row.id,
    channelId: row.channel_id,
    event: row.event as AlertEvent,
    dedupeKey: row.dedupe_key,
    incidentIds: JSON.parse(row.incident_ids) as string[],
    message: JSON.parse(row.payload) as AlertMessage,
    createdAt: Number(row.created_at),
    status: row.status as NotificationStatus,
    attempts: row.attempts,
    nextAttemptAt: Number(row.next_attempt_at),
    sentAt: row.sent_at === null ? null : Number(row.sent_at),
    lastError: row.last_error,
  };
}

export interface NewNotification {
  channelId: string;
  event: AlertEvent;
  dedupeKey: string;
  incidentIds: string[];
  /** Built by the caller with `id` left for this function to fill. */
  message: Omit<AlertMessage, "id">;
  /** Not before: the end of a grouping window, or now. */
  notBefore: number;
}

/** Queued once per channel and dedupe key: a second call with the same key does nothing and answers null. */
export async function enqueueNotification(db: Store, n: NewNotification, now = Date.now()): Promise<NotificationRow | null> {
  const id = randomUUID();
  const message: AlertMessage = { ...n.message, id } as AlertMessage;
  const result = await db
    .insertInto("notifications")
    .values({
      id,
      channel_id: n.channelId,
      event: n.event,
      dedupe_key: n.dedupeKey,
      incident_ids: JSON.stringify(n.incidentIds),
      payload: JSON.stringify(message),
      created_at: now,
      status: "pending",
      attempts: 0,
      next_attempt_at: n.notBefore,
    })
    .onConflict((oc) => oc.columns(["channel_id", "dedupe_key"]).doNothing())
    .executeTakeFirst();
  if (!result.numInsertedOrUpdatedRows) return null;
  return findNotification(db, id);
}

export async function findNotification(db: Store, id: string): Promise<NotificationRow | null> {
  const row = await db.selectFrom("notifications").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toNotification(row) : null;
}

export async function dueNotifications(db: Store, now: number, limit = 50): Promise<NotificationRow[]> {
  const rows = await db
    .selectFrom("notifications")
    .selectAll()
    .where("status", "=", "pending")
    .where("next_attempt_at", "<=", now)
    .orderBy("next_attempt_at")
    .orderBy("created_at")
    .limit(limit)
    .execute();
  return rows.map(toNotification);
}

export async function nextNotificationDueAt(db: Store): Promise<number | null> {
  const row = await db
    .selectFrom("notifications")
    .select((eb) => eb.fn.min("next_attempt_at").as("due"))
    .where("status", "=", "pending")
    .executeTakeFirst();
  return row?.due === null || row?.due === undefined ? null : Number(row.due);
}

export interface AttemptOutcome {
  result: DeliveryResult;
  at: number;
  durationMs: number;
  /** When to try again; null: give up (or nothing more to do when it succeeded). */
  retryAt: number | null;
}

/** The attempt and the notification's new state in one transaction: a crash between them cannot send it twice. */
export async function recordAttempt(db: Store, notification: NotificationRow, outcome: AttemptOutcome): Promise<void> {
  const { result } = outcome;
  const error = result.ok ? null : result.error.slice(0, 500);
  await db.transaction().execute(async (tx) => {
    await tx
      .insertInto("delivery_attempts")
      .values({
        id: randomUUID(),
        notification_id: notification.id,
        channel_id: notification.channelId,
        at: outcome.at,
        ok: result.ok ? 1 : 0,
        status_code: result.statusCode,
        error,
        duration_ms: Math.max(0, Math.round(outcome.durationMs)),
      })
      .execute();
    await tx
      .updateTable("notifications")
      .set({
        attempts: notification.attempts + 1,
        status: result.ok ? "sent" : outcome.retryAt === null ? "given_up" : "pending",
        sent_at: result.ok ? outcome.at : null,
        next_attempt_at: outcome.retryAt ?? outcome.at,
        last_error: error,
      })
      .where("id", "=", notification.id)
      .execute();
  });
}

export interface DeliveryLogEntry {
  attemptId: string;
  notificationId: string;
  channelId: string;
  event: AlertEvent;
  summary: string;
  at: number;
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  attempt: number;
  notificationStatus: NotificationStatus;
}

export async function listDeliveryLog(db: Store, filter: { channelId?: string; limit?: number } = {}): Promise<DeliveryLogEntry[]> {
  let query = db
    .selectFrom("delivery_attempts as a")
    .innerJoin("notifications as n", "n.id", "a.notification_id")
    .select(["a.id", "a.notification_id", "a.channel_id", "a.at", "a.ok", "a.status_code", "a.error", "a.duration_ms", "n.event", "n.payload", "n.status"])
    .orderBy("a.at", "desc")
    .orderBy("a.id")
    .limit(Math.min(filter.limit ?? 200, 1_000));
  if (filter.channelId !== undefined) query = query.where("a.channel_id", "=", filter.channelId);
  const rows = await query.execute();
  // Attempt numbers count oldest first within each notification, among the rows shown.
  const seenPerNotification = new Map<string, number>();
  const attemptNumber = new Map<string, number>();
  for (const row of [...rows].reverse()) {
    const n = (seenPerNotification.get(row.notification_id) ?? 0) + 1;
    seenPerNotification.set(row.notification_id, n);
    attemptNumber.set(row.id, n);
  }
  return rows.map((row) => ({ row, message: JSON.parse(row.payload) as AlertMessage })).map(({ row, message }) => ({
    attemptId: row.id,
    notificationId: row.notification_id,
    channelId: row.channel_id,
    event: row.event as AlertEvent,
    summary: message.summary,
    at: Number(row.at),
    ok: row.ok === 1,
    statusCode: row.status_code,
    error: row.error,
    durationMs: row.duration_ms,
    attempt: attemptNumber.get(row.id)!,
    notificationStatus: row.status as NotificationStatus,
  }));
}

// Writes for the alert engine's grouping and the dispatcher (docs/alerts.md).

/** Messages still held for their grouping window (not due before `after`, never tried), of one channel and event. */
export async function heldNotifications(db: Store, channelId: string, event: AlertEvent, after: number): Promise<NotificationRow[]> {
  const rows = await db
    .selectFrom("notifications")
    .selectAll()
    .where("channel_id", "=", channelId)
    .where("event", "=", event)
    .where("status", "=", "pending")
    .where("attempts", "=", 0)
    .where("next_attempt_at", ">", after)
    .orderBy("created_at")
    .limit(200)
    .execute();
  return rows.map(toNotification);
}

/** Rewrites a held message (a grouped one gaining or losing an incident); false when it was tried or sent meanwhile. */
export async function rewriteHeldNotification(db: Store, id: string, incidentIds: string[], message: AlertMessage, heldAfter: number): Promise<boolean> {
  const result = await db
    .updateTable("notifications")
    .set({ incident_ids: JSON.stringify(incidentIds), payload: JSON.stringify(message) })
    .where("id", "=", id)
    .where("status", "=", "pending")
    .where("attempts", "=", 0)
    .where("next_attempt_at", ">", heldAfter)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Drops a held message left without incidents: nothing was sent, nothing is logged. */
export async function dropHeldNotification(db: Store, id: string): Promise<void> {
  await db.deleteFrom("notifications").where("id", "=", id).where("status", "=", "pending").where("attempts", "=", 0).execute();
}

export interface IncidentNotice {
  id: string;
  channelId: string;
  event: AlertEvent;
  incidentIds: string[];
  status: NotificationStatus;
  attempts: number;
  nextAttemptAt: number;
}

/** Openings queued since `since`, without their bodies: who has heard of which incident. */
export async function openingNoticesSince(db: Store, since: number): Promise<IncidentNotice[]> {
  const rows = await db
    .selectFrom("notifications")
    .select(["id", "channel_id", "event", "incident_ids", "status", "attempts", "next_attempt_at"])
    .where("event", "=", "incident.opened")
    .where("created_at", ">=", since)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    channelId: row.channel_id,
    event: row.event as AlertEvent,
    incidentIds: JSON.parse(row.incident_ids) as string[],
    status: row.status as NotificationStatus,
    attempts: row.attempts,
    nextAttemptAt: Number(row.next_attempt_at),
  }));
}

/** Gives a message up without trying it (its channel was disabled): the reason stays on the row. */
export async function abandonNotification(db: Store, id: string, reason: string): Promise<void> {
  await db.updateTable("notifications").set({ status: "given_up", last_error: reason.slice(0, 500) }).where("id", "=", id).where("status", "=", "pending").execute();
}

/**
 * Delivered or abandoned messages older than `before` go, with their attempts (cascade), but never
 * one as new as the oldest open incident: the engine reads openings back that far to know who heard.
 */
export async function pruneAlertHistory(db: Store, before: number, resolvedBefore: number): Promise<{ notifications: number; incidents: number }> {
  const oldestOpen = await db
    .selectFrom("incidents")
    .select((eb) => eb.fn.min("opened_at").as("at"))
    .where("resolved_at", "is", null)
    .executeTakeFirst();
  const cutoff = Math.min(before, oldestOpen?.at === null || oldestOpen?.at === undefined ? Infinity : Number(oldestOpen.at));
  const notifications = await db.deleteFrom("notifications").where("status", "!=", "pending").where("created_at", "<", cutoff).executeTakeFirst();
  const incidents = await db.deleteFrom("incidents").where("resolved_at", "is not", null).where("resolved_at", "<", resolvedBefore).executeTakeFirst();
  return { notifications: Number(notifications.numDeletedRows), incidents: Number(incidents.numDeletedRows) };
}
