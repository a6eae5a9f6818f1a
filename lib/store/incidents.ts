import "server-only";
import { randomUUID } from "node:crypto";
import type { IncidentKind, IncidentRow } from "../alerts/types";
import { TurnCounter } from "../event-loop";
import { isPostgres, type Store } from "./db";
import type { IncidentsTable } from "./schema";

export function toIncident(row: IncidentsTable): IncidentRow {
  return {
    id: row.id,
    kind: row.kind as IncidentKind,
    deviceId: row.device_id,
    plugin: row.plugin,
    clientId: row.client_id,
    siteId: row.site_id,
    deviceName: row.device_name,
    clientName: row.client_name,
    siteName: row.site_name,
    state: row.state,
    reason: row.reason,
    openedAt: Number(row.opened_at),
    changedAt: Number(row.changed_at),
    flapping: row.flapping === 1,
    successesNeeded: row.successes_needed,
    lastSessionAt: row.last_session_at,
    lastNotifiedAt: row.last_notified_at === null ? null : Number(row.last_notified_at),
    resolvedAt: row.resolved_at === null ? null : Number(row.resolved_at),
    resolution: row.resolution,
  };
}

export interface IncidentFilter {
  /** null: every client (the caller has already decided the principal may see them all). */
  clientIds: readonly string[] | null;
  deviceId?: string;
  open?: boolean;
  /** Resolved incidents older than this are left out. */
  resolvedSince?: number;
  limit?: number;
}

/** Open first (newest first), then resolved (most recently resolved first). */
export async function listIncidents(db: Store, filter: IncidentFilter): Promise<IncidentRow[]> {
  if (filter.clientIds && filter.clientIds.length === 0) return [];
  let query = db.selectFrom("incidents").selectAll();
  if (filter.clientIds) query = query.where("client_id", "in", [...filter.clientIds]);
  if (filter.deviceId !== undefined) query = query.where("device_id", "=", filter.deviceId);
  if (filter.open === true) query = query.where("resolved_at", "is", null);
  if (filter.open === false) query = query.where("resolved_at", "is not", null);
  if (filter.resolvedSince !== undefined) {
    const since = filter.resolvedSince;
    query = query.where((eb) => eb.or([eb("resolved_at", "is", null), eb("resolved_at", ">=", since)]));
  }
  const rows = await query
    .orderBy((eb) => eb.case().when("resolved_at", "is", null).then(0).else(1).end())
    .orderBy("resolved_at", "desc")
    .orderBy("opened_at", "desc")
    .limit(Math.min(filter.limit ?? 500, 5_000))
    .execute();
  return rows.map(toIncident);
}

export async function findIncident(db: Store, id: string): Promise<IncidentRow | null> {
  const row = await db.selectFrom("incidents").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toIncident(row) : null;
}

/** On SQLite row by row, yielding between slices: thousands of rows read in one call would block the event loop (PostgreSQL's arrive in chunks). */
export async function listOpenIncidents(db: Store): Promise<IncidentRow[]> {
  const query = db.selectFrom("incidents").selectAll().where("resolved_at", "is", null);
  if (isPostgres(db)) return (await query.execute()).map(toIncident);
  const open: IncidentRow[] = [];
  const turns = new TurnCounter();
  for await (const row of query.stream()) {
    open.push(toIncident(row));
    const turn = turns.tick();
    if (turn) await turn;
  }
  return open;
}

export interface OpenIncidentCount {
  deviceId: string;
  clientId: string;
  open: number;
}

/** Open (not resolved) incidents per device, for the given clients or all: the counts on the fleet view and the NOC wall. */
export async function countOpenIncidents(db: Store, clientIds: readonly string[] | null): Promise<OpenIncidentCount[]> {
  if (clientIds && clientIds.length === 0) return [];
  let query = db
    .selectFrom("incidents")
    .select(["device_id", "client_id", (eb) => eb.fn.countAll<number>().as("open")])
    .where("resolved_at", "is", null)
    .groupBy(["device_id", "client_id"]);
  if (clientIds) query = query.where("client_id", "in", [...clientIds]);
  return (await query.execute()).map((row) => ({ deviceId: row.device_id, clientId: row.client_id, open: Number(row.open) }));
}

// Writes, by the alert engine only (docs/alerts.md).

export type NewIncident = Omit<IncidentRow, "id" | "resolvedAt" | "resolution" | "lastNotifiedAt">;

export async function openIncident(db: Store, incident: NewIncident): Promise<IncidentRow> {
  const row: IncidentsTable = {
    id: randomUUID(),
    kind: incident.kind,
    device_id: incident.deviceId,
    plugin: incident.plugin,
    client_id: incident.clientId,
    site_id: incident.siteId,
    device_name: incident.deviceName,
    client_name: incident.clientName,
    site_name: incident.siteName,
    state: incident.state,
    reason: incident.reason.slice(0, 500),
    opened_at: incident.openedAt,
    changed_at: incident.changedAt,
    flapping: incident.flapping ? 1 : 0,
    successes_needed: incident.successesNeeded,
    last_session_at: incident.lastSessionAt,
    last_notified_at: null,
    resolved_at: null,
    resolution: null,
  };
  await db.insertInto("incidents").values(row).execute();
  return toIncident(row);
}

export interface IncidentChange {
  state?: string;
  reason?: string;
  changedAt?: number;
  deviceName?: string;
  clientName?: string;
  siteName?: string;
  lastNotifiedAt?: number;
}

export async function updateIncident(db: Store, id: string, change: IncidentChange): Promise<void> {
  const set: Partial<IncidentsTable> = {};
  if (change.state !== undefined) set.state = change.state;
  if (change.reason !== undefined) set.reason = change.reason.slice(0, 500);
  if (change.changedAt !== undefined) set.changed_at = change.changedAt;
  if (change.deviceName !== undefined) set.device_name = change.deviceName;
  if (change.clientName !== undefined) set.client_name = change.clientName;
  if (change.siteName !== undefined) set.site_name = change.siteName;
  if (change.lastNotifiedAt !== undefined) set.last_notified_at = change.lastNotifiedAt;
  if (Object.keys(set).length === 0) return;
  await db.updateTable("incidents").set(set).where("id", "=", id).execute();
}

/** Only an open incident resolves: false when it was already resolved. */
export async function resolveIncident(db: Store, id: string, at: number, resolution: string): Promise<boolean> {
  const result = await db
    .updateTable("incidents")
    .set({ resolved_at: at, resolution, changed_at: at })
    .where("id", "=", id)
    .where("resolved_at", "is", null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Whether an incident of this device, plugin and kind resolved at or after `since` (the flap test). */
export async function resolvedSince(db: Store, key: { deviceId: string; plugin: string; kind: IncidentKind }, since: number): Promise<boolean> {
  const row = await db
    .selectFrom("incidents")
    .select("id")
    .where("device_id", "=", key.deviceId)
    .where("plugin", "=", key.plugin)
    .where("kind", "=", key.kind)
    .where("resolved_at", ">=", since)
    .executeTakeFirst();
  return row !== undefined;
}
