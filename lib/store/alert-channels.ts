import "server-only";
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
