/**
 * The alerting "done when" scenarios on the real path: the simulator over HTTP, the N-sight client, the fleet
 * refresher and its saved state, the engine, the outbox in SQLite and the four channel types, delivered to
 * receivers on loopback. Only the clock is ours, so grouping windows and outages take no wall time.
 */
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type DeviceReckoning, type Simulator } from "../../simulator/server";
import { FleetStore } from "../fleet/fleet-store";
import { FleetRefresher } from "../fleet/refresher";
import { CallBudget } from "../nsight/budget";
import { NsightClient } from "../nsight/client";
import { UpstreamTracker } from "../nsight/upstream-health";
import { AlertService } from "../server/alerts";
import { createChannel } from "../store/alert-channels";
import { openStore, STORE_FILE, type Store } from "../store/db";
import { nextNotificationDueAt } from "../store/notifications";
import { createSnooze } from "../store/snoozes";
import {
  startSlackReceiver,
  startSmtpReceiver,
  startTeamsReceiver,
  startWebhookReceiver,
  type ChatReceiver,
  type SlackMessage,
  type SmtpReceiver,
  type TeamsMessage,
} from "../testing/alert-receivers";
import { createChannelSender } from "./channels";
import { AlertEngine } from "./engine";
import type { AlertMessage } from "./types";

const KEY = "scenario-key-5b1e0c";
const SECRET = "scenario-webhook-secret";
const T0 = Date.parse("2026-11-27T12:00:00Z");
const MINUTE = 60_000;
const CONFIG = { repeatMs: 24 * 60 * MINUTE, groupMs: MINUTE, unreachableAfterMs: 15 * MINUTE };
const PUBLIC_URL = new URL("https://backup.example.test/");
const USER_AGENT = "Mozilla/5.0 (compatible; AlertScenarios/1.0)";

let sim: Simulator;
let baseDir: string;
/** A client whose backup devices all succeed steadily and run nothing for hours: nothing but the test changes them. */
let targets: DeviceReckoning[];
const counted: Record<string, Record<string, number>> = {};

interface Receivers {
  webhook: ChatReceiver<AlertMessage>;
  teams: ChatReceiver<TeamsMessage>;
  slack: ChatReceiver<SlackMessage>;
  email: SmtpReceiver;
}

async function control(method: "GET" | "POST", path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${sim.controlUrl}${path}`, { method, headers: { "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw new Error(`simulator ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

function fleetOver(db: Store, clock: { now: number }) {
  const upstream = new UpstreamTracker(() => clock.now);
  // Generous: the real budget's pacing is tested on its own; here it would only make the test slow.
  const budget = new CallBudget({ perMinute: 100_000, maxConcurrent: 4 });
  const client = new NsightClient({
    transport: { baseUrl: new URL(sim.url), apiKey: KEY, timeoutMs: 1_500, maxBodyBytes: 64 * 1024 * 1024, userAgent: USER_AGENT },
    budget,
    retry: { maxAttempts: 1 },
    now: () => clock.now,
    onCall: (event) => upstream.record(event),
  });
  return new FleetRefresher({
    source: {
      listClients: () => client.listClients({ priority: "background" }),
      listClientDevices: async (id) => [...(await client.listDevicesAtClient(id, "server")), ...(await client.listDevicesAtClient(id, "workstation"))],
      readSessions: async (id) => ({ sessions: await client.listMobSessions(id, { priority: "background" }), fetchedAt: clock.now }),
      pausedUntil: () => null,
      upstream: () => upstream.snapshot(),
    },
    policy: { minRereadMs: 90_000 },
    store: new FleetStore(db, { server: sim.url, keyHint: KEY.slice(-4) }),
    now: () => clock.now,
  });
}

beforeAll(async () => {
  sim = await startSimulator({ port: 0, controlPort: 0, key: KEY, devices: 54, now: new Date(T0).toISOString(), retryAfterSeconds: 1 });
  const { devices } = (await control("GET", "/devices")) as { devices: DeviceReckoning[] };
  const byClient = new Map<string, DeviceReckoning[]>();
  for (const d of devices) byClient.set(d.clientId, [...(byClient.get(d.clientId) ?? []), d]);
  const quiet = (d: DeviceReckoning) => d.state === "off" || (d.steady && d.nextSessionAt !== null && Date.parse(d.nextSessionAt) > T0 + 3 * 60 * MINUTE);
  const client = [...byClient.values()].find((list) => list.every(quiet) && list.filter((d) => d.state === "ok").length >= 2);
  if (!client) throw new Error("no client in the simulated fleet has two or more steady, quiet devices and nothing else");
  targets = client.filter((d) => d.state === "ok");

  // Read the whole fleet once; each scenario starts from this saved state, as a restarted dashboard would.
  baseDir = mkdtempSync(join(tmpdir(), "alert-scenarios-base-"));
  const clock = { now: T0 };
  const baseDb = await openStore(baseDir);
  const refresher = fleetOver(baseDb, clock);
  await refresher.discover();
  for (const d of refresher.alertView().devices) if (d.backupEnabled) await refresher.read(d.deviceId).catch(() => undefined);
  expect(refresher.alertView().knowledge.kind).toBe("current");
  await refresher.stop();
  // Closing the last connection folds the write-ahead log into the file, so copying the file copies the state.
  await baseDb.destroy();
}, 120_000);

afterAll(async () => {
  await sim?.close();
  rmSync(baseDir, { recursive: true, force: true });
  // The closing note's figures.
  console.log(`alert scenario counts: ${JSON.stringify(counted)}`);
});

interface World {
  clock: { now: number };
  dir: string;
  db: Store;
  refresher: FleetRefresher;
  service: AlertService;
  receivers: Receivers;
}

const worlds: World[] = [];
const receiverSets: Receivers[] = [];

afterEach(async () => {
  for (const w of worlds.splice(0)) {
    w.service.stop();
    await w.refresher.stop();
    await w.db.destroy().catch(() => undefined);
    rmSync(w.dir, { recursive: true, force: true });
  }
  for (const r of receiverSets.splice(0)) await Promise.all([r.webhook.close(), r.teams.close(), r.slack.close(), r.email.close()]);
});

async function startReceivers(clock: { now: number }): Promise<Receivers> {
  const receivers = {
    webhook: await startWebhookReceiver({ secret: SECRET, now: () => clock.now }),
    teams: await startTeamsReceiver(),
    slack: await startSlackReceiver(),
    email: await startSmtpReceiver(),
  };
  receiverSets.push(receivers);
  return receivers;
}

/** The dashboard starting over `dir`: the store reopened, fleet state restored from it, a new engine. */
async function boot(dir: string, clock: { now: number }, receivers: Receivers): Promise<World> {
  const db = await openStore(dir);
  const refresher = fleetOver(db, clock);
  await refresher.restore();
  await refresher.confirmAccount();
  const sender = createChannelSender({ db, publicUrl: PUBLIC_URL, smtpUrl: receivers.email.url, from: "alerts@backup.example.test", now: () => clock.now });
  const engine = new AlertEngine({ db, sender, config: CONFIG, publicUrl: PUBLIC_URL, now: () => clock.now });
  const world = { clock, dir, db, refresher, service: new AlertService(engine, db, refresher, () => clock.now), receivers };
  worlds.push(world);
  return world;
}

/** A fresh dashboard with the four channels for the target client, made after a first pass so old problems stay unsent. */
async function freshWorld(): Promise<World> {
  await control("POST", "/reset");
  const dir = mkdtempSync(join(tmpdir(), "alert-scenario-"));
  copyFileSync(join(baseDir, STORE_FILE), join(dir, STORE_FILE));
  const clock = { now: T0 + 1_000 };
  const world = await boot(dir, clock, await startReceivers(clock));
  await world.service.tick();
  clock.now += 1_000;
  const clientIds = [targets[0]!.clientId];
  const common = { clientIds, states: ["failed", "overdue"] as ("failed" | "overdue")[], anomalies: false, enabled: true, createdBy: null };
  const { webhook, teams, slack } = world.receivers;
  await createChannel(world.db, { ...common, type: "webhook", name: "Ops webhook", target: webhook.url, secret: SECRET }, clock.now);
  await createChannel(world.db, { ...common, type: "teams", name: "Ops Teams", target: teams.url, secret: null }, clock.now);
  await createChannel(world.db, { ...common, type: "slack", name: "Ops Slack", target: slack.url, secret: null }, clock.now);
  await createChannel(world.db, { ...common, type: "email", name: "Ops mail", target: "ops@example.test", secret: null }, clock.now);
  return world;
}

async function advance(world: World, ms: number): Promise<void> {
  world.clock.now += ms;
  await control("POST", "/faults", { now: new Date(world.clock.now).toISOString() });
}

/** A backup of the device's first plugin ends now with this status, and the dashboard re-reads the device and judges. */
async function backup(world: World, device: DeviceReckoning, status: "FAILED" | "COMPLETED", afterMs = 2 * MINUTE): Promise<void> {
  await advance(world, afterMs);
  await control("POST", "/sessions", { deviceId: device.deviceId, plugin: device.plugins[0]!.plugin, status });
  await world.refresher.read(device.deviceId);
  await world.service.tick();
}

/** Lets the clock run until nothing is due: grouping windows close, held messages go out. */
async function settle(world: World): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await world.service.tick();
    const due = await nextNotificationDueAt(world.db);
    if (due === null) return;
    await advance(world, Math.max(1_000, due - world.clock.now + 1));
  }
  throw new Error("notifications still due after 20 rounds");
}

function counts(r: Receivers): Record<string, number> {
  return { webhook: r.webhook.messages.length, teams: r.teams.messages.length, slack: r.slack.messages.length, email: r.email.messages.length };
}

const each = (n: number) => ({ webhook: n, teams: n, slack: n, email: n });
const events = (r: Receivers) => r.webhook.messages.map((m) => m.event);

function expectNamed(r: Receivers, index: number, name: string): void {
  expect(r.teams.messages[index]!.text).toContain(name);
  expect(r.slack.messages[index]!.blockText).toContain(name);
  expect(`${r.email.messages[index]!.subject}\n${r.email.messages[index]!.text}`).toContain(name);
}

describe("alert scenarios", () => {
  it("fail: a failed backup is one 'opened' message per channel, signed, naming the device, with its link", async () => {
    const world = await freshWorld();
    const [device] = targets;
    await backup(world, device!, "FAILED");
    await settle(world);
    const r = world.receivers;
    expect(counts(r)).toEqual(each(1));
    const [message] = r.webhook.messages;
    expect(message).toMatchObject({ event: "incident.opened", client: { id: device!.clientId } });
    expect(message!.incidents.map((i) => [i.deviceId, i.state, i.url])).toEqual([[device!.deviceId, "failed", `${PUBLIC_URL.href}devices/${device!.deviceId}`]]);
    expect(r.webhook.rejected).toEqual([]);
    expectNamed(r, 0, device!.name);
    expect(r.email.messages[0]!.text).toContain(`${PUBLIC_URL.href}`);
    expect(r.email.messages[0]!.envelopeTo).toEqual(["ops@example.test"]);
    await settle(world);
    expect(counts(r)).toEqual(each(1));
    counted.fail = counts(r);
  });

  it("throttling: a Teams 429 with Retry-After and a Slack 500 are retried, and each receiver still gets exactly one message", async () => {
    const world = await freshWorld();
    const [device] = targets;
    const r = world.receivers;
    r.teams.refuseNext(1, 429, 30);
    r.slack.refuseNext(2, 500);
    await backup(world, device!, "FAILED");
    await settle(world);
    expect(counts(r)).toEqual(each(1));
    expect(r.teams.requests.map((q) => q.outcome)).toEqual(["refused", "accepted"]);
    expect(r.slack.requests.map((q) => q.outcome)).toEqual(["refused", "refused", "accepted"]);
    counted.throttling = counts(r);
  });

  it("recovery: the next successful backup is exactly one 'resolved' message per channel", async () => {
    const world = await freshWorld();
    const [device] = targets;
    await backup(world, device!, "FAILED");
    await settle(world);
    await backup(world, device!, "COMPLETED");
    await settle(world);
    const r = world.receivers;
    expect(counts(r)).toEqual(each(2));
    expect(events(r)).toEqual(["incident.opened", "incident.resolved"]);
    expectNamed(r, 1, device!.name);
    counted.recovery = counts(r);
  });

  it("flap: fail, ok, fail, ok: the second incident needs two successes in a row before it resolves", async () => {
    const world = await freshWorld();
    const [device] = targets;
    const r = world.receivers;
    await backup(world, device!, "FAILED");
    await settle(world);
    await backup(world, device!, "COMPLETED");
    await settle(world);
    await backup(world, device!, "FAILED");
    await settle(world);
    expect(events(r)).toEqual(["incident.opened", "incident.resolved", "incident.opened"]);
    await backup(world, device!, "COMPLETED");
    await settle(world);
    expect(counts(r)).toEqual(each(3));
    await backup(world, device!, "COMPLETED");
    await settle(world);
    expect(counts(r)).toEqual(each(4));
    expect(events(r)).toEqual(["incident.opened", "incident.resolved", "incident.opened", "incident.resolved"]);
    counted.flap = counts(r);
  });

  it("grouping: devices of one client failing within the window go out as one message", async () => {
    const world = await freshWorld();
    // 20 s apart: all within one ALERT_GROUP_SECONDS window.
    for (const device of targets) await backup(world, device, "FAILED", 20_000);
    await settle(world);
    const r = world.receivers;
    expect(counts(r)).toEqual(each(1));
    expect(r.webhook.messages[0]!.incidents.map((i) => i.deviceId).sort()).toEqual(targets.map((d) => d.deviceId).sort());
    for (const device of targets) expectNamed(r, 0, device.name);
    counted.grouping = counts(r);
  });

  it("outage: N-sight down past ALERT_UNREACHABLE_MINUTES is one 'unreachable' notice and one 'recovered', nothing opened or resolved from missing data", async () => {
    const world = await freshWorld();
    const [failing, other] = targets;
    const r = world.receivers;
    await backup(world, failing!, "FAILED");
    await settle(world);
    expect(events(r)).toEqual(["incident.opened"]);

    await control("POST", "/outage", { on: true });
    // The device recovers while nobody can see it: that must not resolve anything yet.
    await control("POST", "/sessions", { deviceId: failing!.deviceId, plugin: failing!.plugins[0]!.plugin, status: "COMPLETED" });
    for (let minute = 0; minute <= 20; minute += 5) {
      for (const device of targets) await world.refresher.read(device.deviceId).catch(() => undefined);
      await settle(world);
      await advance(world, 5 * MINUTE);
    }
    expect(world.refresher.alertView().knowledge.kind).toBe("unreachable");
    expect(events(r)).toEqual(["incident.opened", "nsight.unreachable"]);
    expect(counts(r)).toEqual(each(2));

    await control("POST", "/outage", { on: false });
    await world.refresher.read(other!.deviceId);
    await settle(world);
    expect(events(r)).toEqual(["incident.opened", "nsight.unreachable", "nsight.recovered"]);
    expect(counts(r)).toEqual(each(3));
    expect(r.teams.messages[2]!.text).toMatch(/N-sight/);
    expect(r.slack.messages[1]!.blockText).toMatch(/N-sight/);
    counted.outage = counts(r);
  });

  it("restart: a new refresher and engine over the same data send nothing again, and a message queued before the crash goes out once", async () => {
    const world = await freshWorld();
    const [first, second] = targets;
    await backup(world, first!, "FAILED");
    await settle(world);
    expect(counts(world.receivers)).toEqual(each(1));
    // Queued and held for its grouping window when the process dies.
    await backup(world, second!, "FAILED");
    expect(await nextNotificationDueAt(world.db)).toBeGreaterThan(world.clock.now);
    world.service.stop();
    await world.refresher.stop();
    await world.db.destroy();
    worlds.splice(worlds.indexOf(world), 1);

    const again = await boot(world.dir, world.clock, world.receivers);
    await again.service.tick();
    await settle(again);
    for (const device of targets) await again.refresher.read(device.deviceId);
    await advance(again, 10 * MINUTE);
    await settle(again);
    const r = again.receivers;
    expect(counts(r)).toEqual(each(2));
    expect(r.webhook.messages.map((m) => m.incidents.map((i) => i.deviceId))).toEqual([[first!.deviceId], [second!.deviceId]]);
    expect(new Set(r.webhook.messages.map((m) => m.id)).size).toBe(2);
    counted.restart = counts(r);
  });

  it("snooze: a snoozed device's failure sends nothing; when the snooze ends, one message", async () => {
    const world = await freshWorld();
    const [device] = targets;
    await createSnooze(
      world.db,
      { scope: "device", targetId: device!.deviceId, clientId: device!.clientId, until: world.clock.now + 30 * MINUTE, reason: "disk swap", createdBy: null, createdByName: "Test" },
      world.clock.now,
    );
    await backup(world, device!, "FAILED");
    await settle(world);
    for (let i = 0; i < 5; i++) {
      await advance(world, 5 * MINUTE);
      await settle(world);
    }
    expect(counts(world.receivers)).toEqual(each(0));
    await advance(world, 10 * MINUTE);
    await settle(world);
    expect(counts(world.receivers)).toEqual(each(1));
    expect(world.receivers.webhook.messages[0]).toMatchObject({ event: "incident.opened" });
    counted.snooze = counts(world.receivers);
  });
});
