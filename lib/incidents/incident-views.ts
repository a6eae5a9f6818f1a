import "server-only";
/** Incidents as the pages show them: scoped to the principal's clients before the store is read, each open one with what holds its alerts. */
import { clientScope, requireCapability, type Capability } from "../auth/access";
import type { Principal } from "../auth/principal";
import { quietState } from "../alerts/quiet";
import type { IncidentRow } from "../alerts/types";
import { getStore, type Store } from "../store/db";
import { countOpenIncidents, listIncidents } from "../store/incidents";
import { listActiveSnoozes, listMaintenanceWindows } from "../store/snoozes";
import { clientZones } from "./fleet-places";
import type { IncidentCounts, IncidentQuery } from "./incident-query";

/** Resolved incidents stay on /incidents this long. */
export const RECENT_DAYS = 30;
const DAY_MS = 86_400_000;

export interface QuietMark {
  kind: "snooze" | "maintenance";
  /** For a snooze: whether the device's own or its whole client's. */
  scope: "device" | "client" | null;
  byName: string;
  until: number;
  reason: string;
}

export type IncidentView = IncidentRow & { quiet: QuietMark | null };

type QuietOf = (device: { deviceId: string; clientId: string }) => QuietMark | null;

async function quietLookup(db: Store, clientIds: readonly string[] | null, now: number): Promise<QuietOf> {
  const [snoozes, windows] = await Promise.all([listActiveSnoozes(db, now, clientIds), listMaintenanceWindows(db, clientIds)]);
  if (snoozes.length === 0 && windows.length === 0) return () => null;
  const zones = windows.length ? clientZones(clientIds) : new Map<string, string>();
  return (device) => {
    const state = quietState(device, snoozes, windows, zones.get(device.clientId) ?? "UTC", now);
    if (!state.by || state.until === null) return null;
    if (state.by.kind === "snooze") {
      const { snooze } = state.by;
      return { kind: "snooze", scope: snooze.scope, byName: snooze.createdByName, until: state.until, reason: snooze.reason };
    }
    return { kind: "maintenance", scope: null, byName: state.by.window.createdByName, until: state.until, reason: state.by.window.reason };
  };
}

/** The clients to read: the principal's scope, narrowed to those asked for; an empty list reads nothing. */
function clientsToRead(principal: Principal, requested: readonly string[] | null): string[] | null {
  const scope = clientScope(principal);
  if (scope === null) return requested ? [...requested] : null;
  return requested ? requested.filter((id) => scope.has(id)) : [...scope];
}

/** Open first (newest first), then those resolved in the last RECENT_DAYS. */
export async function readIncidents(principal: Principal, query: IncidentQuery, now = Date.now()): Promise<IncidentView[]> {
  requireCapability(principal, "incidents.read");
  const clientIds = clientsToRead(principal, query.clientId ? [query.clientId] : null);
  const db = await getStore();
  const rows = await listIncidents(db, {
    clientIds,
    deviceId: query.deviceId ?? undefined,
    open: query.state === "open" ? true : query.state === "resolved" ? false : undefined,
    resolvedSince: now - RECENT_DAYS * DAY_MS,
  });
  const kept = query.kind ? rows.filter((r) => r.kind === query.kind) : rows;
  const quietOf = await quietLookup(db, clientIds, now);
  return kept.map((row) => ({ ...row, quiet: row.resolvedAt === null ? quietOf(row) : null }));
}

/** Counted like the fleet view: a wall or a viewer counts its own clients only. */
export async function readIncidentCounts(principal: Principal, capability: Extract<Capability, "fleet.read" | "noc.read">, requested?: ReadonlySet<string>, now = Date.now()): Promise<IncidentCounts> {
  requireCapability(principal, capability);
  const clientIds = clientsToRead(principal, requested ? [...requested] : null);
  const db = await getStore();
  const perDevice = await countOpenIncidents(db, clientIds);
  if (perDevice.length === 0) return { open: 0, snoozed: 0 };
  const quietOf = await quietLookup(db, clientIds, now);
  let open = 0;
  let snoozed = 0;
  for (const device of perDevice) {
    open += device.open;
    if (quietOf(device)) snoozed += device.open;
  }
  return { open, snoozed };
}

export interface DeviceQuiet {
  quiet: QuietMark | null;
  open: IncidentView[];
}

/** A device page's incident panel: its open incidents and what holds its alerts now (even with nothing open). */
export async function readDeviceIncidents(principal: Principal, device: { deviceId: string; clientId: string }, now = Date.now()): Promise<DeviceQuiet> {
  requireCapability(principal, "incidents.read");
  const clientIds = clientsToRead(principal, [device.clientId]);
  if (clientIds && clientIds.length === 0) return { quiet: null, open: [] };
  const db = await getStore();
  const rows = await listIncidents(db, { clientIds, deviceId: device.deviceId, open: true });
  const quietOf = await quietLookup(db, clientIds, now);
  const quiet = quietOf(device);
  return { quiet, open: rows.map((row) => ({ ...row, quiet })) };
}

/** What holds a whole client's alerts now (its own snooze or a maintenance window), and its open incidents: the client page's line. */
export async function readClientQuiet(principal: Principal, clientId: string, now = Date.now()): Promise<{ quiet: QuietMark | null; open: number }> {
  requireCapability(principal, "incidents.read");
  const clientIds = clientsToRead(principal, [clientId]);
  if (clientIds && clientIds.length === 0) return { quiet: null, open: 0 };
  const db = await getStore();
  const open = (await countOpenIncidents(db, [clientId])).reduce((sum, d) => sum + d.open, 0);
  // No device has an empty id: only the client's own snooze and its windows apply.
  return { quiet: (await quietLookup(db, [clientId], now))({ deviceId: "", clientId }), open };
}
