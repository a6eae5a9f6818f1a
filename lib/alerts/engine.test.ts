import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { FleetDevice, FleetKnowledge, FleetPlugin, UpstreamHealth } from "../fleet/types";
import { openStore, type Store } from "../store/db";
import { listIncidents } from "../store/incidents";
import { listDeliveryLog } from "../store/notifications";
import { createMaintenanceWindow, createSnooze } from "../store/snoozes";
import { AlertEngine, type AlertInput } from "./engine";
import type { AlertChannel, AlertMessage, ChannelSender, DeliveryResult } from "./types";
import { withLoopTurns } from "../testing/loop-turns";

const HOUR = 3_600_000;
const MIN = 60_000;
const T0 = Date.parse("2026-11-30T12:00:00Z");
const config = { repeatMs: 24 * HOUR, groupMs: 60_000, unreachableAfterMs: 15 * MIN };

let dir: string;
let db: Store;
let clock: number;
let sent: { channelId: string; message: AlertMessage }[];
let answer: (channel: AlertChannel) => DeliveryResult;

/** A real ChannelSender that records what it is handed, as a receiver would. */
const recorder: ChannelSender = {
  async deliver(channel, message) {
    sent.push({ channelId: channel.id, message });
    return answer(channel);
  },
};

const engine = () => new AlertEngine({ db, sender: recorder, config, publicUrl: new URL("https://backup.example.com"), now: () => clock });

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "alert-engine-"));
  db = await openStore(dir);
  clock = T0;
  sent = [];
  answer = () => ({ ok: true, statusCode: 200 });
});

afterEach(async () => {
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

async function addChannel(id: string, over: { states?: string[]; clients?: string[]; anomalies?: boolean; type?: string; enabled?: boolean } = {}) {
  await db
    .insertInto("alert_channels")
    .values({
      id,
      type: over.type ?? "webhook",
      name: id,
      target: "https://hooks.example.com/" + id,
      secret: "s",
      client_ids: JSON.stringify(over.clients ?? []),
      states: JSON.stringify(over.states ?? ["failed", "overdue"]),
      anomalies: over.anomalies ? 1 : 0,
      enabled: over.enabled === false ? 0 : 1,
      created_by: null,
      created_at: 0,
      updated_at: 0,
    })
    .execute();
}

const at = (hoursAgo: number) => new Date(clock - hoursAgo * HOUR).toISOString();

/** Sessions as [hours ago, status], oldest first; the plugin's state is what the health rule would say of the newest. */
function plugin(name: string, sessions: [number, string][], state?: FleetPlugin["state"]): FleetPlugin {
  const last = sessions[sessions.length - 1]!;
  const derived: FleetPlugin["state"] = last[1] === "FAILED" ? "failed" : last[1] === "COMPLETED" ? "ok" : "warning";
  const successes = sessions.filter((s) => s[1].startsWith("COMPLETED"));
  return {
    plugin: name,
    state: state ?? derived,
    lastStatus: last[1],
    lastEnd: at(last[0]),
    lastSuccessAt: successes.length ? at(successes[successes.length - 1]![0]) : null,
    failedInARow: [...sessions].reverse().findIndex((s) => s[1] !== "FAILED") === -1 ? sessions.length : [...sessions].reverse().findIndex((s) => s[1] !== "FAILED"),
    recent: sessions.map(([h, status]) => ({ start: at(h), status })),
  };
}

function device(deviceId: string, plugins: FleetPlugin[], over: Partial<FleetDevice> = {}): FleetDevice {
  const clientId = over.clientId ?? "c1";
  return {
    deviceId,
    name: `SRV-${deviceId}`,
    type: "server",
    clientId,
    clientName: clientId === "c1" ? "Acme" : "Globex",
    siteId: "s1",
    siteName: "HQ",
    backupEnabled: true,
    state: plugins.some((p) => p.state === "failed") ? "failed" : plugins.some((p) => p.state === "overdue") ? "overdue" : "ok",
    worstPlugin: null,
    since: null,
    lastSuccessAt: null,
    failedInARow: 0,
    sentence: null,
    plugins,
    anomalies: [],
    readAt: at(0),
    readError: null,
    stateChangedAt: null,
    nextBackupDueAt: null,
    ...over,
  };
}

const CURRENT: FleetKnowledge = { kind: "current", since: null, read: 1, total: 1, discovering: false, lastAnswerAt: null, estimatedDoneAt: null };
const UP: UpstreamHealth = { status: "ok", lastOkAt: null, failingSince: null, lastProblem: null, problem: null };

function input(devices: FleetDevice[], over: Partial<AlertInput> = {}): AlertInput {
  return {
    devices,
    clients: [
      { clientId: "c1", name: "Acme", timezone: "Europe/Berlin" },
      { clientId: "c2", name: "Globex", timezone: "America/New_York" },
    ],
    knowledge: CURRENT,
    upstream: { ...UP, lastOkAt: new Date(clock).toISOString() },
    ...over,
  };
}

const failing = (id = "1", over: Partial<FleetDevice> = {}) => device(id, [plugin("FileSystem", [[48, "COMPLETED"], [24, "COMPLETED"], [1, "FAILED"]])], over);
const fine = (id = "1", over: Partial<FleetDevice> = {}) => device(id, [plugin("FileSystem", [[48, "COMPLETED"], [24, "COMPLETED"], [1, "FAILED"], [0.5, "COMPLETED"]])], over);

/** Evaluate, let the grouping window pass, deliver. */
async function step(e: AlertEngine, devices: FleetDevice[], over: Partial<AlertInput> = {}) {
  await e.evaluate(input(devices, over));
  clock += config.groupMs;
  await e.dispatchDue();
}

const events = () => sent.map((s) => `${s.channelId}:${s.message.event}:${s.message.incidents.length}`);

describe("AlertEngine", () => {
  it("opens one incident for a failed plugin and tells each matching channel once", async () => {
    await addChannel("a");
    await addChannel("b", { clients: ["c1"] });
    await addChannel("other-client", { clients: ["c2"] });
    await addChannel("warnings-only", { states: ["warning"] });
    const e = engine();
    await step(e, [failing()]);
    await step(e, [failing()]);
    expect(events().sort()).toEqual(["a:incident.opened:1", "b:incident.opened:1"]);
    const message = sent[0]!.message;
    expect(message.summary).toBe("Failed: SRV-1 (Acme), FileSystem");
    expect(message.incidents[0]!.url).toBe("https://backup.example.com/devices/1");
    expect(message.client).toEqual({ id: "c1", name: "Acme" });
    expect(await listIncidents(db, { clientIds: null, open: true })).toHaveLength(1);
  });

  it("hands the event loop back during a pass over a large fleet, and judges every device as one pass would", async () => {
    const e = engine();
    const fleet = Array.from({ length: 6_000 }, (_, i) => (i % 10 === 0 ? failing(String(i + 1)) : fine(String(i + 1))));
    const { turns } = await withLoopTurns(() => e.evaluate(input(fleet)));
    expect(turns).toBeGreaterThanOrEqual(3);
    const openDevices = async () => (await db.selectFrom("incidents").select("device_id").where("resolved_at", "is", null).execute()).map((r) => r.device_id).sort();
    expect(await openDevices()).toEqual(fleet.filter((_, i) => i % 10 === 0).map((d) => d.deviceId).sort());
    // The next pass, with every device fine again, resolves every one of them.
    await e.evaluate(input(fleet.map((d) => fine(d.deviceId))));
    expect(await openDevices()).toEqual([]);
  });

  it("checks the time zones of clients with incidents only, not of every client on every pass", async () => {
    await addChannel("a");
    const e = engine();
    const many = Array.from({ length: 500 }, (_, i) => ({ clientId: `x${i}`, name: `X${i}`, timezone: "Asia/Tokyo" }));
    const zoneChecks = vi.spyOn(Intl, "DateTimeFormat");
    try {
      await step(e, [failing()], { clients: [...input([]).clients, ...many] });
      expect(zoneChecks.mock.calls.filter(([, options]) => options?.timeZone === "Asia/Tokyo")).toHaveLength(0);
    } finally {
      zoneChecks.mockRestore();
    }
    expect(events()).toEqual(["a:incident.opened:1"]);
  });

  it("moves failed to overdue without a message, and resolves with one message on the next success", async () => {
    await addChannel("a");
    const e = engine();
    await step(e, [failing()]);
    const overdue = device("1", [plugin("FileSystem", [[48, "COMPLETED"], [24, "COMPLETED"], [1, "FAILED"]], "overdue")]);
    await step(e, [overdue]);
    expect((await listIncidents(db, { clientIds: null }))[0]!.state).toBe("overdue");
    expect(events()).toEqual(["a:incident.opened:1"]);
    await step(e, [fine()]);
    await step(e, [fine()]);
    expect(events()).toEqual(["a:incident.opened:1", "a:incident.resolved:1"]);
    const resolved = sent[1]!.message.incidents[0]!;
    expect(resolved.resolvedAt).not.toBeNull();
    expect(resolved.durationSeconds).toBeGreaterThan(0);
  });

  it("needs two successes in a row for a plugin that flapped in the last day", async () => {
    await addChannel("a");
    const e = engine();
    await step(e, [failing()]);
    await step(e, [fine()]);
    clock += HOUR;
    // Fails again within the day: the new incident needs two successes.
    await step(e, [device("1", [plugin("FileSystem", [[26, "COMPLETED"], [2, "FAILED"], [1.5, "COMPLETED"], [0.5, "FAILED"]])])]);
    await step(e, [device("1", [plugin("FileSystem", [[26, "COMPLETED"], [2, "FAILED"], [1.5, "COMPLETED"], [0.7, "FAILED"], [0.1, "COMPLETED"]])])]);
    expect(await listIncidents(db, { clientIds: null, open: true })).toHaveLength(1);
    await step(e, [device("1", [plugin("FileSystem", [[26, "COMPLETED"], [2, "FAILED"], [1.5, "COMPLETED"], [0.9, "FAILED"], [0.3, "COMPLETED"], [0.05, "COMPLETED"]])])]);
    expect(await listIncidents(db, { clientIds: null, open: true })).toHaveLength(0);
    expect(events()).toEqual(["a:incident.opened:1", "a:incident.resolved:1", "a:incident.opened:1", "a:incident.resolved:1"]);
  });

  it("groups incidents of one client opening within the window into one message per channel", async () => {
    await addChannel("a");
    const e = engine();
    await e.evaluate(input([failing("1")]));
    clock += 20_000;
    await e.evaluate(input([failing("1"), failing("2"), failing("3"), failing("9", { clientId: "c2" })]));
    await e.dispatchDue();
    expect(sent).toEqual([]);
    clock += 40_000;
    await e.dispatchDue();
    expect(events()).toEqual(["a:incident.opened:3"]);
    clock += 20_000;
    await e.dispatchDue();
    expect(events()).toEqual(["a:incident.opened:3", "a:incident.opened:1"]);
    expect(sent[1]!.message.client?.name).toBe("Globex");
    const grouped = sent.find((s) => s.message.incidents.length === 3)!.message;
    expect(grouped.summary).toBe("3 backup incidents opened at Acme (3 failed)");
    expect(grouped.incidents.map((i) => i.deviceName).sort()).toEqual(["SRV-1", "SRV-2", "SRV-3"]);
  });

  it("reminds every repeat period while open", async () => {
    await addChannel("a");
    const e = engine();
    await step(e, [failing()]);
    clock += 23 * HOUR;
    await step(e, [failing()]);
    expect(events()).toEqual(["a:incident.opened:1"]);
    clock += HOUR;
    await step(e, [failing()]);
    await step(e, [failing()]);
    expect(events()).toEqual(["a:incident.opened:1", "a:incident.reminder:1"]);
    clock += 24 * HOUR;
    await step(e, [failing()]);
    expect(events()).toHaveLength(3);
    expect(sent[2]!.message.summary).toBe("Still failed: SRV-1 (Acme), FileSystem");
  });

  it("holds messages while a device is snoozed and sends the opening when the snooze ends", async () => {
    await addChannel("a");
    await createSnooze(db, { scope: "device", targetId: "1", clientId: "c1", until: T0 + 2 * HOUR, reason: "disk swap", createdBy: null, createdByName: "Ann" }, T0 - 1);
    const e = engine();
    await step(e, [failing()]);
    expect(await listIncidents(db, { clientIds: null, open: true })).toHaveLength(1);
    clock = T0 + 2 * HOUR;
    await step(e, [failing()]);
    expect(events()).toEqual(["a:incident.opened:1"]);
  });

  it("sends nothing for an incident that opened and closed within a maintenance window", async () => {
    await addChannel("a");
    // Monday 30 Nov 2026, 13:00 in Berlin is 12:00 UTC: a window from 12:00 local for three hours.
    await createMaintenanceWindow(db, { clientId: "c1", weekdays: [1], startMinute: 12 * 60, durationMinutes: 180, reason: "patching", createdBy: null, createdByName: "Ann" });
    const e = engine();
    await step(e, [failing()]);
    await step(e, [fine()]);
    expect(await listIncidents(db, { clientIds: null })).toHaveLength(1);
    clock = T0 + 3 * HOUR;
    await step(e, [fine()]);
    expect(sent).toEqual([]);
  });

  it("neither opens nor resolves while the fleet is not fully read or N-sight fails", async () => {
    await addChannel("a");
    const e = engine();
    await step(e, [failing()], { knowledge: { ...CURRENT, kind: "reading" } });
    expect(await listIncidents(db, { clientIds: null })).toEqual([]);
    await step(e, [failing()]);
    await step(e, [fine()], { knowledge: { ...CURRENT, kind: "reading" } });
    await step(e, [failing("1", { readAt: null, state: "unknown" })]);
    await step(e, [fine("1", { readError: "timeout" })]);
    expect(await listIncidents(db, { clientIds: null, open: true })).toHaveLength(1);
    expect(events()).toEqual(["a:incident.opened:1"]);
  });

  it("takes state restored from disk at start-up as no evidence until the device is read again", async () => {
    await addChannel("a");
    const e = engine();
    clock += MIN;
    await step(e, [failing("1", { readAt: new Date(T0 - HOUR).toISOString() })]);
    expect(await listIncidents(db, { clientIds: null })).toEqual([]);
    await step(e, [failing("1")]);
    expect(events()).toEqual(["a:incident.opened:1"]);
  });

  it("sends no reminder after a restart before N-sight has answered", async () => {
    await addChannel("a");
    await step(engine(), [failing()]);
    clock += 25 * HOUR;
    const restarted = engine();
    await step(restarted, [failing("1", { readAt: new Date(T0).toISOString() })], { upstream: { ...UP, status: "ok", lastOkAt: new Date(T0).toISOString() } });
    expect(events()).toEqual(["a:incident.opened:1"]);
    await step(restarted, [failing("1", { readAt: new Date(T0).toISOString() })]);
    expect(events()).toEqual(["a:incident.opened:1", "a:incident.reminder:1"]);
  });

  it("sends one unreachable and one recovered notice for an outage, across a restart, and nothing else", async () => {
    await addChannel("a");
    await addChannel("b", { clients: ["c2"] });
    let e = engine();
    await step(e, [failing()]);
    const failingSince = new Date(clock).toISOString();
    const down = { knowledge: { ...CURRENT, kind: "unreachable" as const }, upstream: { ...UP, status: "failing" as const, failingSince, problem: "unreachable" as const } };
    for (let i = 0; i < 20; i++) {
      clock += MIN;
      await step(e, [fine()], down);
      if (i === 17) {
        e = engine();
        // Restarted: the last answer restored from disk, none since, no failure seen yet.
        await step(e, [failing("1", { readAt: new Date(T0).toISOString() })], { knowledge: CURRENT, upstream: { ...UP, status: "ok", lastOkAt: new Date(T0 - MIN).toISOString() } });
      }
    }
    expect(events()).toEqual(["a:incident.opened:1", "a:nsight.unreachable:0", "b:nsight.unreachable:0"]);
    // The restarted server sees a later failingSince; the stored outage is the same one.
    await step(e, [fine()], { ...down, upstream: { ...down.upstream, failingSince: new Date(clock).toISOString() } });
    await step(e, [failing()]);
    await step(e, [failing()]);
    expect(events()).toEqual(["a:incident.opened:1", "a:nsight.unreachable:0", "b:nsight.unreachable:0", "a:nsight.recovered:0", "b:nsight.recovered:0"]);
    expect(sent[1]!.message.nsight?.failingSince).toBe(failingSince);
  });

  it("sends nothing twice across a restart, and a message queued before it once", async () => {
    await addChannel("a");
    const e1 = engine();
    await e1.evaluate(input([failing("1")]));
    clock += 10_000;
    // Restart within the grouping window: the held message is in the store, the new engine adds to it.
    const e2 = engine();
    await e2.evaluate(input([failing("1"), failing("2")]));
    clock += config.groupMs;
    await e2.dispatchDue();
    await step(e2, [failing("1"), failing("2")]);
    const e3 = engine();
    await step(e3, [failing("1"), failing("2")]);
    expect(events()).toEqual(["a:incident.opened:2"]);
  });

  it("resolves the incidents of a device that left the inventory, telling those who heard of it", async () => {
    await addChannel("a");
    const e = engine();
    await step(e, [failing("1"), failing("2")]);
    await step(e, [failing("2")]);
    const removed = (await listIncidents(db, { clientIds: null, deviceId: "1" }))[0]!;
    expect(removed.resolution).toBe("device removed");
    expect(events()).toEqual(["a:incident.opened:2", "a:incident.resolved:1"]);
  });

  it("tells only channels that ask for warnings of a warning, and only channels that ask for anomalies of an anomaly", async () => {
    await addChannel("problems");
    await addChannel("warnings", { states: ["warning"] });
    await addChannel("anomalies", { states: [], anomalies: true });
    const e = engine();
    const warned = device("1", [plugin("FileSystem", [[24, "COMPLETED"], [1, "COMPLETED_WITH_ERRORS"]])]);
    const shrunk = device("2", [plugin("FileSystem", [[24, "COMPLETED"], [1, "COMPLETED"]])], {
      anomalies: [{ plugin: "FileSystem", rule: "transfer_drop", sessionStart: at(1), reason: "Transferred 1 MB, a tenth of its usual 10 MB.", observed: 1, expected: 10 }],
    });
    await step(e, [warned, shrunk]);
    expect(events().sort()).toEqual(["anomalies:incident.opened:1", "warnings:incident.opened:1"]);
    expect(sent.find((s) => s.channelId === "anomalies")!.message.incidents[0]).toMatchObject({ kind: "anomaly", state: "transfer_drop", deviceName: "SRV-2" });
    await step(e, [warned, device("2", [plugin("FileSystem", [[24, "COMPLETED"], [1, "COMPLETED"], [0.5, "COMPLETED"]])])]);
    await step(e, [warned]);
    expect(events().slice(2)).toEqual(["anomalies:incident.resolved:1"]);
  });

  it("opens an incident for a device overdue by the clock, on the plugin that is late", async () => {
    await addChannel("a");
    const e = engine();
    const late = device("1", [plugin("Exchange", [[30, "COMPLETED"]]), plugin("FileSystem", [[60, "COMPLETED"]])], { state: "overdue" });
    await step(e, [late]);
    const [incident] = await listIncidents(db, { clientIds: null, open: true });
    expect(incident).toMatchObject({ plugin: "FileSystem", state: "overdue" });
    expect(events()).toEqual(["a:incident.opened:1"]);
  });

  it("sends nothing for an incident that opens and resolves within the grouping window, and keeps the rest of the group", async () => {
    await addChannel("a");
    const e = engine();
    await e.evaluate(input([failing("1"), failing("2")]));
    clock += 30_000;
    await e.evaluate(input([fine("1"), failing("2")]));
    clock += 30_000;
    await e.dispatchDue();
    await step(e, [fine("1"), failing("2")]);
    expect(events()).toEqual(["a:incident.opened:1"]);
    expect(sent[0]!.message.incidents[0]!.deviceName).toBe("SRV-2");
  });

  it("sends a reminder held by a snooze when the snooze ends", async () => {
    await addChannel("a");
    const e = engine();
    await step(e, [failing()]);
    await createSnooze(db, { scope: "client", targetId: "c1", clientId: "c1", until: clock + 30 * HOUR, reason: "office move", createdBy: null, createdByName: "Ann" }, clock);
    clock += 25 * HOUR;
    await step(e, [failing()]);
    expect(events()).toEqual(["a:incident.opened:1"]);
    clock += 5 * HOUR;
    await step(e, [failing()]);
    await step(e, [failing()]);
    expect(events()).toEqual(["a:incident.opened:1", "a:incident.reminder:1"]);
  });

  it("delivers a message that failed before a restart exactly once after it", async () => {
    await addChannel("a");
    answer = () => ({ ok: false, statusCode: 502, error: "HTTP 502" });
    await step(engine(), [failing()]);
    answer = () => ({ ok: true, statusCode: 200 });
    const restarted = engine();
    clock += 30_000;
    await step(restarted, [failing()]);
    await step(restarted, [failing()]);
    expect(events()).toEqual(["a:incident.opened:1", "a:incident.opened:1"]);
    expect(sent[0]!.message.id).toBe(sent[1]!.message.id);
    expect(await listDeliveryLog(db)).toHaveLength(2);
  });

  it("links under PUBLIC_URL's own path", async () => {
    await addChannel("a");
    const e = new AlertEngine({ db, sender: recorder, config, publicUrl: new URL("https://example.com/backups"), now: () => clock });
    await step(e, [failing("a b/c")]);
    expect(sent[0]!.message.incidents[0]!.url).toBe("https://example.com/backups/devices/a%20b%2Fc");
    expect(sent[0]!.message.dashboardUrl).toBe("https://example.com/backups/incidents");
  });
});
