import "server-only";
import { randomUUID } from "node:crypto";
import type { Store } from "./db";
import type { MaintenanceWindowsTable, SnoozesTable } from "./schema";

export type SnoozeScope = "device" | "client";

export interface SnoozeRow {
  id: string;
  scope: SnoozeScope;
  /** The device id or the client id. */
  targetId: string;
  clientId: string;
  until: number;
  reason: string;
  createdBy: string | null;
  createdByName: string;
  createdAt: number;
  endedAt: number | null;
}

function toSnooze(row: SnoozesTable): SnoozeRow {
  return {
    id: row.id,
    scope: row.scope as SnoozeScope,
    targetId: row.target_id,
    clientId: row.client_id,
    until: Number(row.until),
    reason: row.reason,
    createdBy: row.created_by,
    createdByName: row.created_by_name,
    createdAt: Number(row.created_at),
    endedAt: row.ended_at === null ? null : Number(row.ended_at),
  };
}

export type NewSnooze = Omit<SnoozeRow, "id" | "createdAt" | "endedAt">;

export async function createSnooze(db: Store, s: NewSnooze, now = Date.now()): Promise<SnoozeRow> {
  const row: SnoozesTable = {
    id: randomUUID(),
    scope: s.scope,
    target_id: s.targetId,
    client_id: s.clientId,
    until: s.until,
    reason: s.reason,
    created_by: s.createdBy,
    created_by_name: s.createdByName,
    created_at: now,
    ended_at: null,
  };
  await db.insertInto("snoozes").values(row).execute();
  return toSnooze(row);
}

/** Snoozes still running at `now` (not ended early, not past their time), for the given clients or all. */
export async function listActiveSnoozes(db: Store, now: number, clientIds: readonly string[] | null = null): Promise<SnoozeRow[]> {
  if (clientIds && clientIds.length === 0) return [];
  let query = db.selectFrom("snoozes").selectAll().where("ended_at", "is", null).where("until", ">", now).orderBy("until");
  if (clientIds) query = query.where("client_id", "in", [...clientIds]);
  return (await query.execute()).map(toSnooze);
}

export async function findSnooze(db: Store, id: string): Promise<SnoozeRow | null> {
  const row = await db.selectFrom("snoozes").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toSnooze(row) : null;
}

export async function endSnooze(db: Store, id: string, now = Date.now()): Promise<boolean> {
  const result = await db.updateTable("snoozes").set({ ended_at: now }).where("id", "=", id).where("ended_at", "is", null).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export interface MaintenanceWindowRow {
  id: string;
  clientId: string;
  /** ISO weekdays, 1 (Monday) to 7 (Sunday), on which the window starts. */
  weekdays: number[];
  /** Minutes after local midnight in the client's zone. */
  startMinute: number;
  durationMinutes: number;
  reason: string;
  createdBy: string | null;
  createdByName: string;
  createdAt: number;
}

function toWindow(row: MaintenanceWindowsTable): MaintenanceWindowRow {
  let weekdays: number[] = [];
  try {
    const parsed: unknown = JSON.parse(row.weekdays);
    if (Array.isArray(parsed)) weekdays = parsed.filter((d): d is number => Number.isInteger(d) && d >= 1 && d <= 7);
  } catch {
    weekdays = [];
  }
  return {
    id: row.id,
    clientId: row.client_id,
    weekdays,
    startMinute: row.start_minute,
    durationMinutes: row.duration_minutes,
    reason: row.reason,
    createdBy: row.created_by,
    createdByName: row.created_by_name,
    createdAt: Number(row.created_at),
  };
}

export type NewMaintenanceWindow = Omit<MaintenanceWindowRow, "id" | "createdAt">;

export async function createMaintenanceWindow(db: Store, w: NewMaintenanceWindow, now = Date.now()): Promise<MaintenanceWindowRow> {
  const row: MaintenanceWindowsTable = {
    id: randomUUID(),
    client_id: w.clientId,
    weekdays: JSON.stringify([...new Set(w.weekdays)].sort()),
    start_minute: w.startMinute,
    duration_minutes: w.durationMinutes,
    reason: w.reason,
    created_by: w.createdBy,
    created_by_name: w.createdByName,
    created_at: now,
  };
  await db.insertInto("maintenance_windows").values(row).execute();
  return toWindow(row);
}

export async function listMaintenanceWindows(db: Store, clientIds: readonly string[] | null = null): Promise<MaintenanceWindowRow[]> {
  if (clientIds && clientIds.length === 0) return [];
  let query = db.selectFrom("maintenance_windows").selectAll().orderBy("client_id").orderBy("start_minute");
  if (clientIds) query = query.where("client_id", "in", [...clientIds]);
  return (await query.execute()).map(toWindow);
}

export async function findMaintenanceWindow(db: Store, id: string): Promise<MaintenanceWindowRow | null> {
  const row = await db.selectFrom("maintenance_windows").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toWindow(row) : null;
}

export async function deleteMaintenanceWindow(db: Store, id: string): Promise<boolean> {
  const result = await db.deleteFrom("maintenance_windows").where("id", "=", id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
