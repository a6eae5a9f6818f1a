import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAccessError } from "../auth/access";
import type { Principal } from "../auth/principal";
import { FleetRefresher } from "../fleet/refresher";
import { listAudit } from "../store/audit";
import { getStore } from "../store/db";
import type { IncidentsTable } from "../store/schema";
import type { User } from "../store/users";
import type { Client, ClientDevice } from "../types";
import { parseIncidentQuery } from "./incident-query";
import { readClientQuiet, readDeviceIncidents, readIncidentCounts, readIncidents } from "./incident-views";
import { createSnoozeFor, createWindowFor, deleteWindowFor, endSnoozeFor, snoozesOf, windowsOf } from "./quiet-controls";

const dir = mkdtempSync(join(tmpdir(), "incidents-"));
const STORE = Symbol.for("nsight-backup-dashboard.store");
const FLEET = Symbol.for("nsight-backup-dashboard.fleet");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.parse("2026-11-30T12:00:00Z");

// Two clients: the viewer's (Paris) and another (New York), each with a device.
const MINE = "10";
const OTHER = "20";
const MY_DEVICE = "1001";
const OTHER_DEVICE = "2001";

function client(clientId: string, name: string, timezone: string): Client {
  return { clientId, name, timezone, createdOn: null, serverCount: 1, workstationCount: 0, mobileDeviceCount: 0, deviceCount: 1, viewDashboard: true, viewWorkstationAssets: true };
}
function device(deviceId: string, clientId: string, name: string): ClientDevice {
  return { deviceId, clientId, siteId: `${clientId}1`, siteName: "Main", type: "server", name, description: null, username: null, status: null, backupEnabled: true };
}
const CLIENTS = [client(MINE, "Mine & Co", "Europe/Paris"), client(OTHER, "Other Ltd", "America/New_York")];
const DEVICES = [device(MY_DEVICE, MINE, "mine-srv"), device(OTHER_DEVICE, OTHER, "other-srv")];

function user(role: User["role"], clientIds: string[] | null = null): Principal {
  return { kind: "user", via: "session", credentialId: "c", user: { id: `u-${role}`, email: `${role}@example.com`, name: `${role} person`, role, clientIds, disabledAt: null, createdAt: 0, updatedAt: 0 } };
}
const admin = user("admin");
const technician = user("technician");
const viewer = user("viewer", [MINE]);
const wall: Principal = { kind: "display", displayId: "d", name: "Wall", clientIds: [MINE] };
const request = () => new Request("http://localhost/api/snoozes", { headers: { "x-forwarded-for": "192.0.2.7" } });

async function insertIncident(over: Partial<IncidentsTable> & { device_id: string; client_id: string }): Promise<string> {
  const id = randomUUID();
  await (await getStore())
    .insertInto("incidents")
    .values({
      id,
      kind: "health",
      plugin: "FILE_SYSTEM",
      site_id: `${over.client_id}1`,
      device_name: over.device_id === MY_DEVICE ? "mine-srv" : "other-srv",
      client_name: over.client_id === MINE ? "Mine & Co" : "Other Ltd",
      site_name: "Main",
      state: "failed",
      reason: "The latest backup failed.",
      opened_at: NOW - HOUR,
      changed_at: NOW - HOUR,
      flapping: 0,
      successes_needed: 1,
      last_session_at: null,
      last_notified_at: null,
      resolved_at: null,
      resolution: null,
      ...over,
    })
    .execute();
  return id;
}

async function refusal(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    return isAccessError(error) ? `access: ${error.kind}` : error instanceof Error ? error.message : String(error);
  }
  return "no refusal";
}

beforeAll(async () => {
  process.env.DATA_DIR = dir;
  const fleet = new FleetRefresher({
    source: {
      listClients: async () => CLIENTS,
      listClientDevices: async (clientId) => DEVICES.filter((d) => d.clientId === clientId),
      readSessions: async () => ({ sessions: [], fetchedAt: NOW }),
      pausedUntil: () => null,
      upstream: () => ({ status: "ok", lastOkAt: null, failingSince: null, lastProblem: null, problem: null }),
    },
  });
  await fleet.discover();
  (globalThis as Record<symbol, unknown>)[FLEET] = fleet;
});
afterAll(async () => {
  delete (globalThis as Record<symbol, unknown>)[FLEET];
  await (await getStore()).destroy();
  delete (globalThis as Record<symbol, unknown>)[STORE];
  rmSync(dir, { recursive: true, force: true });
});

describe("POST /api/snoozes validation", () => {
  const body = { scope: "device", targetId: MY_DEVICE, hours: 4, reason: "Disk swap" };

  it.each([
    ["no reason", { ...body, reason: "  " }, "Invalid snooze: reason: say why"],
    ["a reason over 200 characters", { ...body, reason: "x".repeat(201) }, "Invalid snooze: reason: at most 200 characters"],
    ["both until and hours", { ...body, until: "2026-12-01T00:00:00Z" }, 'Invalid snooze: give either "until" or "hours".'],
    ["neither until nor hours", { scope: "device", targetId: MY_DEVICE, reason: "x" }, 'Invalid snooze: give either "until" or "hours".'],
    ["an until in the past", { scope: "device", targetId: MY_DEVICE, until: "2026-11-30T11:59:00Z", reason: "x" }, "Invalid snooze: until: must be in the future."],
    ["an until more than 30 days ahead", { scope: "device", targetId: MY_DEVICE, until: "2026-12-30T12:00:01Z", reason: "x" }, "Invalid snooze: until: at most 30 days ahead."],
    ["an until without its offset", { scope: "device", targetId: MY_DEVICE, until: "2026-12-01T10:00", reason: "x" }, "Invalid snooze: until:"],
    ["an impossible date", { scope: "device", targetId: MY_DEVICE, until: "2026-13-45T10:00:00Z", reason: "x" }, "Invalid snooze: until: not a real date."],
    ["hours beyond 30 days", { ...body, hours: 721 }, "Invalid snooze: hours:"],
    ["an unknown scope", { ...body, scope: "site" }, "Invalid snooze: scope:"],
    ["a malformed id", { ...body, targetId: "../1" }, "Invalid snooze: targetId:"],
    ["an unknown field", { ...body, extra: 1 }, "Invalid snooze: body:"],
    ["a device not in the fleet", { ...body, targetId: "999" }, "No such device in the fleet."],
    ["a client not in the fleet", { ...body, scope: "client", targetId: "999" }, "No such client in the fleet."],
  ])("refuses %s", async (_, input, message) => {
    expect(await refusal(createSnoozeFor(technician, request(), input, NOW))).toContain(message);
  });

  it("refuses a viewer and a wall (no incidents.snooze), whatever the body", async () => {
    expect(await refusal(createSnoozeFor(viewer, request(), body, NOW))).toBe("access: forbidden");
    expect(await refusal(createSnoozeFor(wall, request(), body, NOW))).toBe("access: forbidden");
  });
});

describe("snoozes", () => {
  it("lets a technician snooze any client's device, says who and until when, and audits it", async () => {
    const made = await createSnoozeFor(technician, request(), { scope: "device", targetId: OTHER_DEVICE, hours: 4, reason: " Disk swap " }, NOW);
    expect(made).toMatchObject({ scope: "device", targetId: OTHER_DEVICE, targetName: "other-srv", clientId: OTHER, until: "2026-11-30T16:00:00.000Z", reason: "Disk swap", createdByName: "technician person" });
    const entry = (await listAudit(await getStore())).find((e) => e.target === made.id);
    expect(entry).toMatchObject({ actor: "user:u-technician", action: "snooze.create", address: "192.0.2.7" });
    expect(entry?.detail).toMatchObject({ targetId: OTHER_DEVICE, clientId: OTHER, reason: "Disk swap" });
  });

  it("lists to a viewer only its own clients' snoozes, and only a snoozer may end one, once", async () => {
    const mine = await createSnoozeFor(admin, request(), { scope: "client", targetId: MINE, until: "2026-12-01T12:00:00+01:00", reason: "Office move" }, NOW);
    expect(mine.until).toBe("2026-12-01T11:00:00.000Z");
    const seen = (await snoozesOf(viewer, NOW)).map((s) => s.clientId);
    expect(seen).toContain(MINE);
    expect(seen).not.toContain(OTHER);
    expect((await snoozesOf(technician, NOW)).map((s) => s.clientId)).toEqual(expect.arrayContaining([MINE, OTHER]));
    expect(await refusal(endSnoozeFor(viewer, request(), mine.id, NOW))).toBe("access: forbidden");
    expect(await refusal(endSnoozeFor(technician, request(), "not-an-id", NOW))).toBe("Invalid snooze id.");
    expect(await endSnoozeFor(technician, request(), mine.id, NOW + 1)).toBe(true);
    expect(await endSnoozeFor(technician, request(), mine.id, NOW + 2)).toBe(false);
    expect((await snoozesOf(admin, NOW + 3)).map((s) => s.id)).not.toContain(mine.id);
    expect((await listAudit(await getStore())).some((e) => e.action === "snooze.end" && e.target === mine.id)).toBe(true);
  });
});

describe("maintenance windows", () => {
  const body = { clientId: OTHER, weekdays: [1, 3], start: "22:30", durationMinutes: 120, reason: "Patch night" };

  it.each([
    ["a start past 23:59", { ...body, start: "24:00" }, "Invalid maintenance window: start:"],
    ["a weekday 0", { ...body, weekdays: [0] }, "Invalid maintenance window: weekdays.0:"],
    ["no weekday", { ...body, weekdays: [] }, "Invalid maintenance window: weekdays:"],
    ["more than 7 days", { ...body, durationMinutes: 7 * 24 * 60 + 1 }, "Invalid maintenance window: durationMinutes: at most 7 days"],
    ["no reason", { ...body, reason: "" }, "Invalid maintenance window: reason: say why"],
    ["a client not in the fleet", { ...body, clientId: "999" }, "No such client in the fleet."],
  ])("refuses %s", async (_, input, message) => {
    expect(await refusal(createWindowFor(technician, request(), input, NOW))).toContain(message);
  });

  it("keeps the start in the client's own zone, says which, and is running when that local time has come", async () => {
    // Monday 30 November 2026 22:30 in New York is 03:30 UTC on the Tuesday.
    const made = await createWindowFor(technician, request(), body, NOW);
    expect(made).toMatchObject({ clientId: OTHER, clientName: "Other Ltd", zone: "America/New_York", weekdays: [1, 3], start: "22:30", activeUntil: null });
    const during = Date.parse("2026-12-01T04:00:00Z");
    expect((await windowsOf(admin, during)).find((w) => w.id === made.id)?.activeUntil).toBe("2026-12-01T05:30:00.000Z");
    expect((await windowsOf(viewer, NOW)).map((w) => w.clientId)).not.toContain(OTHER);
    expect(await refusal(deleteWindowFor(viewer, request(), made.id))).toBe("access: forbidden");
    expect(await deleteWindowFor(technician, request(), made.id)).toBe(true);
    expect(await deleteWindowFor(technician, request(), made.id)).toBe(false);
  });
});

describe("incidents as the pages read them", () => {
  let mineOpen = "";
  let otherOpen = "";
  let mineResolved = "";
  beforeAll(async () => {
    mineResolved = await insertIncident({ device_id: MY_DEVICE, client_id: MINE, plugin: "EXCHANGE", opened_at: NOW - 3 * DAY, resolved_at: NOW - 2 * DAY, resolution: "succeeded" });
    await insertIncident({ device_id: MY_DEVICE, client_id: MINE, plugin: "MSSQL", opened_at: NOW - 40 * DAY, resolved_at: NOW - 31 * DAY, resolution: "succeeded" });
    mineOpen = await insertIncident({ device_id: MY_DEVICE, client_id: MINE, opened_at: NOW - 2 * HOUR });
    otherOpen = await insertIncident({ device_id: OTHER_DEVICE, client_id: OTHER, state: "overdue", opened_at: NOW - HOUR });
    await insertIncident({ device_id: OTHER_DEVICE, client_id: OTHER, kind: "anomaly", state: "size_drop", plugin: "SYSTEM_STATE", opened_at: NOW - 5 * HOUR });
  });

  it("lists open first, then those resolved in the last 30 days, and a viewer only its own clients', whatever the URL asks", async () => {
    const all = await readIncidents(technician, parseIncidentQuery({}), NOW);
    expect(all.map((i) => i.resolvedAt === null)).toEqual([true, true, true, false]);
    expect(all.map((i) => i.id)).toContain(mineResolved);
    const seen = await readIncidents(viewer, parseIncidentQuery({}), NOW);
    expect(seen.map((i) => i.id)).toEqual([mineOpen, mineResolved]);
    expect(await readIncidents(viewer, parseIncidentQuery({ client: OTHER }), NOW)).toEqual([]);
    expect(await readIncidents(viewer, parseIncidentQuery({ device: OTHER_DEVICE }), NOW)).toEqual([]);
    expect(await refusal(readIncidents(wall, parseIncidentQuery({}), NOW))).toBe("access: forbidden");
  });

  it("filters by client, state and kind from the URL, and ignores what it does not understand", async () => {
    expect((await readIncidents(admin, parseIncidentQuery({ client: OTHER, state: "open" }), NOW)).map((i) => i.clientId)).toEqual([OTHER, OTHER]);
    expect((await readIncidents(admin, parseIncidentQuery({ state: "resolved" }), NOW)).map((i) => i.id)).toEqual([mineResolved]);
    expect((await readIncidents(admin, parseIncidentQuery({ kind: "anomaly" }), NOW)).map((i) => i.state)).toEqual(["size_drop"]);
    expect(parseIncidentQuery({ client: "<x>", state: "maybe", kind: ["health", "anomaly"] })).toEqual({ clientId: null, deviceId: null, state: "all", kind: "health" });
  });

  it("counts open incidents like the fleet (a wall its own clients) and marks the snoozed ones, who and why", async () => {
    // The other device is still snoozed from above (until NOW + 4 h) for its two open incidents.
    expect(await readIncidentCounts(technician, "fleet.read", undefined, NOW)).toEqual({ open: 3, snoozed: 2 });
    expect(await readIncidentCounts(wall, "noc.read", undefined, NOW)).toEqual({ open: 1, snoozed: 0 });
    expect(await readIncidentCounts(viewer, "fleet.read", new Set([OTHER]), NOW)).toEqual({ open: 0, snoozed: 0 });
    const at = NOW + 10 * HOUR;
    expect(await readIncidentCounts(technician, "fleet.read", undefined, at)).toEqual({ open: 3, snoozed: 0 });
    await createSnoozeFor(technician, request(), { scope: "client", targetId: OTHER, hours: 2, reason: "Migration" }, at);
    expect(await readIncidentCounts(admin, "fleet.read", undefined, at + 1)).toEqual({ open: 3, snoozed: 2 });
    const other = (await readIncidents(admin, parseIncidentQuery({ client: OTHER }), at + 1)).find((i) => i.id === otherOpen);
    expect(other?.quiet).toMatchObject({ kind: "snooze", scope: "client", byName: "technician person", reason: "Migration", until: at + 2 * HOUR });
    expect(await readClientQuiet(admin, OTHER, at + 1)).toMatchObject({ open: 2, quiet: { kind: "snooze", scope: "client", reason: "Migration" } });
    expect(await readClientQuiet(viewer, OTHER, at + 1)).toEqual({ open: 0, quiet: null });
    expect(await readIncidentCounts(admin, "fleet.read", undefined, at + 2 * HOUR)).toEqual({ open: 3, snoozed: 0 });
  });

  it("gives a device page its open incidents, and none of a client the principal may not see", async () => {
    const mine = await readDeviceIncidents(viewer, { deviceId: MY_DEVICE, clientId: MINE }, NOW);
    expect(mine.open.map((i) => i.id)).toEqual([mineOpen]);
    expect((await readDeviceIncidents(viewer, { deviceId: OTHER_DEVICE, clientId: OTHER }, NOW)).open).toEqual([]);
  });
});
