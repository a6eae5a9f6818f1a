import "server-only";
/** Snoozes and maintenance windows as the API and the pages see them: validated, scoped to the principal's clients, audited. */
import { z } from "zod";
import { canSeeClient, clientScope, requireCapability } from "../auth/access";
import { audit } from "../auth/audit";
import { describePrincipal, type Principal } from "../auth/principal";
import { requestAddress } from "../auth/request-info";
import { maintenanceEndsAt, MAX_WINDOW_MINUTES } from "../alerts/quiet";
import { RequestError } from "../http/request-error";
import { isNsightId } from "../ids";
import { getStore } from "../store/db";
import {
  createMaintenanceWindow,
  createSnooze,
  deleteMaintenanceWindow,
  endSnooze,
  findMaintenanceWindow,
  findSnooze,
  listActiveSnoozes,
  listMaintenanceWindows,
  type MaintenanceWindowRow,
  type SnoozeRow,
  type SnoozeScope,
} from "../store/snoozes";
import { fleetClient, fleetDevice } from "./fleet-places";

export const MAX_SNOOZE_DAYS = 30;
export const MAX_REASON_CHARS = 200;
/** Far more than any team plans; a runaway script stops here instead of filling the store. */
export const MAX_ACTIVE_SNOOZES = 1_000;
export const MAX_WINDOWS = 500;
const DAY_MS = 86_400_000;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const ROW_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const reason = z.string().trim().min(1, "say why").max(MAX_REASON_CHARS, `at most ${MAX_REASON_CHARS} characters`);

const SnoozeBody = z.strictObject({
  scope: z.enum(["device", "client"]),
  targetId: z.string().refine(isNsightId, "expected a positive whole number"),
  until: z.string().max(40).regex(ISO_INSTANT, "expected an ISO 8601 time with its offset, e.g. 2026-12-01T18:00:00Z").optional(),
  hours: z.number().positive().max(MAX_SNOOZE_DAYS * 24).optional(),
  reason,
});

const WindowBody = z.strictObject({
  clientId: z.string().refine(isNsightId, "expected a positive whole number"),
  weekdays: z.array(z.number().int().min(1).max(7)).min(1).max(7),
  start: z.string().regex(HH_MM, 'expected "HH:MM" (00:00 to 23:59)'),
  durationMinutes: z.number().int().min(1).max(MAX_WINDOW_MINUTES, "at most 7 days"),
  reason,
});

function parsed<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new RequestError(`Invalid ${what}: ${issue ? `${issue.path.join(".") || "body"}: ${issue.message}` : "bad body"}`.slice(0, 200));
}

function creator(principal: Principal): { createdBy: string | null; createdByName: string } {
  return { createdBy: principal.kind === "user" ? principal.user.id : null, createdByName: describePrincipal(principal) };
}

function scopeList(principal: Principal): string[] | null {
  const scope = clientScope(principal);
  return scope === null ? null : [...scope];
}

export interface SnoozeInfo {
  id: string;
  scope: SnoozeScope;
  targetId: string;
  /** The fleet's name for the device or client; null when the fleet no longer has it. */
  targetName: string | null;
  clientId: string;
  until: string;
  reason: string;
  createdByName: string;
  createdAt: string;
}

function snoozeInfo(row: SnoozeRow): SnoozeInfo {
  const targetName = row.scope === "device" ? (fleetDevice(row.targetId)?.name ?? null) : (fleetClient(row.targetId)?.name ?? null);
  return {
    id: row.id,
    scope: row.scope,
    targetId: row.targetId,
    targetName,
    clientId: row.clientId,
    until: new Date(row.until).toISOString(),
    reason: row.reason,
    createdByName: row.createdByName,
    createdAt: new Date(row.createdAt).toISOString(),
  };
}

/** The client a snooze's target belongs to, if the fleet knows the target and the principal may see it (else the same refusal: no hint it exists). */
function snoozeClient(principal: Principal, scope: SnoozeScope, targetId: string): string {
  const clientId = scope === "device" ? fleetDevice(targetId)?.clientId : fleetClient(targetId)?.clientId;
  if (clientId === undefined || !canSeeClient(principal, clientId)) throw new RequestError(`No such ${scope} in the fleet.`);
  return clientId;
}

export async function createSnoozeFor(principal: Principal, request: Request, body: unknown, now = Date.now()): Promise<SnoozeInfo> {
  requireCapability(principal, "incidents.snooze");
  const input = parsed(SnoozeBody, body, "snooze");
  if ((input.until === undefined) === (input.hours === undefined)) throw new RequestError('Invalid snooze: give either "until" or "hours".');
  const until = input.until !== undefined ? Date.parse(input.until) : now + Math.round(input.hours! * 3_600_000);
  if (!Number.isFinite(until)) throw new RequestError("Invalid snooze: until: not a real date.");
  if (until <= now) throw new RequestError("Invalid snooze: until: must be in the future.");
  if (until > now + MAX_SNOOZE_DAYS * DAY_MS) throw new RequestError(`Invalid snooze: until: at most ${MAX_SNOOZE_DAYS} days ahead.`);
  const clientId = snoozeClient(principal, input.scope, input.targetId);
  const db = await getStore();
  if ((await listActiveSnoozes(db, now)).length >= MAX_ACTIVE_SNOOZES) throw new RequestError("Too many snoozes are running; end some first.");
  const row = await createSnooze(db, { scope: input.scope, targetId: input.targetId, clientId, until, reason: input.reason, ...creator(principal) }, now);
  await audit(principal, { action: "snooze.create", target: row.id, detail: { scope: row.scope, targetId: row.targetId, clientId, until: new Date(until).toISOString(), reason: row.reason }, address: requestAddress(request.headers) });
  return snoozeInfo(row);
}

/** Running snoozes of the clients the principal may see, ending soonest first. */
export async function snoozesOf(principal: Principal, now = Date.now()): Promise<SnoozeInfo[]> {
  requireCapability(principal, "incidents.read");
  return (await listActiveSnoozes(await getStore(), now, scopeList(principal))).map(snoozeInfo);
}

/** False: no such running snooze the principal may see. */
export async function endSnoozeFor(principal: Principal, request: Request, id: string, now = Date.now()): Promise<boolean> {
  requireCapability(principal, "incidents.snooze");
  if (!ROW_ID.test(id)) throw new RequestError("Invalid snooze id.");
  const db = await getStore();
  const row = await findSnooze(db, id);
  if (!row || !canSeeClient(principal, row.clientId)) return false;
  if (!(await endSnooze(db, id, now))) return false;
  await audit(principal, { action: "snooze.end", target: id, detail: { scope: row.scope, targetId: row.targetId, clientId: row.clientId }, address: requestAddress(request.headers) });
  return true;
}

export interface MaintenanceWindowInfo {
  id: string;
  clientId: string;
  clientName: string | null;
  /** The zone its start time is read in: the client's. */
  zone: string;
  weekdays: number[];
  start: string;
  durationMinutes: number;
  reason: string;
  createdByName: string;
  createdAt: string;
  /** When the window running now ends; null when it is not running. */
  activeUntil: string | null;
}

const pad = (n: number) => String(n).padStart(2, "0");

function windowInfo(row: MaintenanceWindowRow, now: number): MaintenanceWindowInfo {
  const client = fleetClient(row.clientId);
  const zone = client?.zone ?? "UTC";
  const end = maintenanceEndsAt(row, zone, now);
  return {
    id: row.id,
    clientId: row.clientId,
    clientName: client?.name ?? null,
    zone,
    weekdays: row.weekdays,
    start: `${pad(Math.floor(row.startMinute / 60))}:${pad(row.startMinute % 60)}`,
    durationMinutes: row.durationMinutes,
    reason: row.reason,
    createdByName: row.createdByName,
    createdAt: new Date(row.createdAt).toISOString(),
    activeUntil: end === null ? null : new Date(end).toISOString(),
  };
}

export async function createWindowFor(principal: Principal, request: Request, body: unknown, now = Date.now()): Promise<MaintenanceWindowInfo> {
  requireCapability(principal, "incidents.snooze");
  const input = parsed(WindowBody, body, "maintenance window");
  if (!fleetClient(input.clientId) || !canSeeClient(principal, input.clientId)) throw new RequestError("No such client in the fleet.");
  const db = await getStore();
  if ((await listMaintenanceWindows(db)).length >= MAX_WINDOWS) throw new RequestError("Too many maintenance windows; delete some first.");
  const [hours, minutes] = input.start.split(":").map(Number) as [number, number];
  const row = await createMaintenanceWindow(
    db,
    { clientId: input.clientId, weekdays: input.weekdays, startMinute: hours * 60 + minutes, durationMinutes: input.durationMinutes, reason: input.reason, ...creator(principal) },
    now,
  );
  const info = windowInfo(row, now);
  await audit(principal, { action: "maintenance_window.create", target: row.id, detail: { clientId: row.clientId, weekdays: row.weekdays, start: info.start, zone: info.zone, durationMinutes: row.durationMinutes, reason: row.reason }, address: requestAddress(request.headers) });
  return info;
}

export async function windowsOf(principal: Principal, now = Date.now()): Promise<MaintenanceWindowInfo[]> {
  requireCapability(principal, "incidents.read");
  return (await listMaintenanceWindows(await getStore(), scopeList(principal))).map((row) => windowInfo(row, now));
}

export async function deleteWindowFor(principal: Principal, request: Request, id: string): Promise<boolean> {
  requireCapability(principal, "incidents.snooze");
  if (!ROW_ID.test(id)) throw new RequestError("Invalid maintenance window id.");
  const db = await getStore();
  const row = await findMaintenanceWindow(db, id);
  if (!row || !canSeeClient(principal, row.clientId)) return false;
  if (!(await deleteMaintenanceWindow(db, id))) return false;
  await audit(principal, { action: "maintenance_window.delete", target: id, detail: { clientId: row.clientId, reason: row.reason }, address: requestAddress(request.headers) });
  return true;
}
