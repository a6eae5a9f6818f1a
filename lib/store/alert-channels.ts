import "server-only";
import { randomUUID } from "node:crypto";
import { ALERT_STATES, CHANNEL_TYPES, type AlertChannel, type AlertState, type ChannelType } from "../alerts/types";
import type { Store } from "./db";
import type { AlertChannelsTable } from "./schema";

function parseList(text: string): unknown[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value : [];
  } catch {
    return [];
  }
}

/** A damaged row notifies nobody rather than everybody: unknown types and states are dropped. */
export function toChannel(row: AlertChannelsTable): AlertChannel | null {
  if (!(CHANNEL_TYPES as readonly string[]).includes(row.type)) return null;
  return {
    id: row.id,
    type: row.type as ChannelType,
    name: row.name,
    target: row.target,
    secret: row.secret,
    clientIds: parseList(row.client_ids).filter((id): id is string => typeof id === "string"),
    states: parseList(row.states).filter((s): s is AlertState => (ALERT_STATES as readonly unknown[]).includes(s)),
    anomalies: row.anomalies === 1,
    enabled: row.enabled === 1,
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export async function listChannels(db: Store): Promise<AlertChannel[]> {
  const rows = await db.selectFrom("alert_channels").selectAll().orderBy("created_at").execute();
  return rows.map(toChannel).filter((c): c is AlertChannel => c !== null);
}

export async function findChannel(db: Store, id: string): Promise<AlertChannel | null> {
  const row = await db.selectFrom("alert_channels").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toChannel(row) : null;
}

export type NewChannel = Omit<AlertChannel, "id" | "createdAt" | "updatedAt">;

export async function createChannel(db: Store, input: NewChannel, now = Date.now()): Promise<AlertChannel> {
  const id = randomUUID();
  await db
    .insertInto("alert_channels")
    .values({
      id,
      type: input.type,
      name: input.name,
      target: input.target,
      secret: input.secret,
      client_ids: JSON.stringify(input.clientIds),
      states: JSON.stringify(input.states),
      anomalies: input.anomalies ? 1 : 0,
      enabled: input.enabled ? 1 : 0,
      created_by: input.createdBy,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return (await findChannel(db, id))!;
}

export type ChannelChanges = Partial<Pick<NewChannel, "name" | "target" | "secret" | "clientIds" | "states" | "anomalies" | "enabled">>;

export async function updateChannel(db: Store, id: string, changes: ChannelChanges, now = Date.now()): Promise<AlertChannel | null> {
  const set: Partial<AlertChannelsTable> = { updated_at: now };
  if (changes.name !== undefined) set.name = changes.name;
  if (changes.target !== undefined) set.target = changes.target;
  if (changes.secret !== undefined) set.secret = changes.secret;
  if (changes.clientIds !== undefined) set.client_ids = JSON.stringify(changes.clientIds);
  if (changes.states !== undefined) set.states = JSON.stringify(changes.states);
  if (changes.anomalies !== undefined) set.anomalies = changes.anomalies ? 1 : 0;
  if (changes.enabled !== undefined) set.enabled = changes.enabled ? 1 : 0;
  const result = await db.updateTable("alert_channels").set(set).where("id", "=", id).executeTakeFirst();
  return result.numUpdatedRows ? findChannel(db, id) : null;
}

/** Its queued notifications and delivery log go with it (the foreign keys cascade). */
export async function deleteChannel(db: Store, id: string): Promise<boolean> {
  const result = await db.deleteFrom("alert_channels").where("id", "=", id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
