import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FleetStore } from "../fleet/fleet-store";
import { FleetRefresher, type RefresherSource } from "../fleet/refresher";
import { UpstreamTracker } from "../nsight/upstream-health";
import { openStore } from "../store/db";
import { readFleetFence } from "../store/fleet-state";
import { startTestRedis, type TestRedis } from "../testing/redis-server";
import type { BackupSession, Client, ClientDevice } from "../types";
import { FleetLeadership } from "./fleet-leadership";
import { RedisLink } from "./redis-link";
import { testSession } from "../testing/backup-session";

const ACCOUNT = { server: "https://www.systemmonitor.us", keyHint: "hint" };
const TTL_MS = 1_500;
const TRY_MS = 300;

const client = (clientId: string): Client => ({ clientId, name: `C${clientId}`, timezone: null, createdOn: null, serverCount: 3, workstationCount: 0, mobileDeviceCount: 0, deviceCount: 3, viewDashboard: false, viewWorkstationAssets: false });
const device = (deviceId: string, clientId: string): ClientDevice => ({ deviceId, clientId, siteId: "10", siteName: "HQ", type: "server", name: `D${deviceId}`, description: null, username: null, status: "Ok", backupEnabled: true });
const failedOnce = (deviceId: string, at: number): BackupSession[] => [testSession({ id: `${deviceId}-1`, startMs: at - 3_600_000, status: "FAILED", errorCount: 1 })];

interface Instance {
  name: string;
  link: RedisLink;
  store: FleetStore;
  refresher: FleetRefresher;
  leadership: FleetLeadership;
  /** N-sight calls this instance made. */
  calls: string[];
  alertsRunning: boolean;
}

let redis: TestRedis;
let dir: string;
const instances: Instance[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  dir = mkdtempSync(join(tmpdir(), "fleet-leadership-"));
  for (const name of ["a", "b", "c"]) instances.push(await instance(name));
});
afterAll(async () => {
  for (const i of instances) {
    i.leadership.lease.abandon();
    i.leadership.follower.stop();
    await i.refresher.stop();
    await i.link.close();
    await i.store.close();
  }
  await redis?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function instance(name: string): Promise<Instance> {
  const link = new RedisLink({ url: redis.url, account: "leadership", commandTimeoutMs: 300, probeEveryMs: 100 });
  // Opened one after another: two connections would run the migrations at once.
  const store = new FleetStore(await openStore(dir), ACCOUNT, null, true);
  const calls: string[] = [];
  const tracker = new UpstreamTracker();
  const source: RefresherSource = {
    listClients: async () => {
      calls.push("clients");
      return [client("1")];
    },
    listClientDevices: async () => {
      calls.push("devices");
      return ["11", "12", "13"].map((id) => device(id, "1"));
    },
    readSessions: async (deviceId) => {
      calls.push(deviceId);
      return { sessions: failedOnce(deviceId, Date.now()), fetchedAt: Date.now() };
    },
    pausedUntil: () => null,
    upstream: () => tracker.snapshot(),
  };
  let leadership: FleetLeadership | null = null;
  const refresher = new FleetRefresher({
    source,
    store,
    policy: { workers: 1, saveEveryMs: 50 },
    onSaved: (ids) => leadership?.published(ids),
    onFenced: () => leadership?.fenced(),
  });
  const self: Partial<Instance> = { name, link, store, refresher, calls, alertsRunning: false };
  leadership = new FleetLeadership({
    link,
    instanceId: name,
    refresher,
    store,
    alerts: {
      start: async () => void (self.alertsRunning = true),
      stop: () => void (self.alertsRunning = false),
    },
    lease: { ttlMs: TTL_MS, tryEveryMs: TRY_MS },
  });
  self.leadership = leadership;
  return self as Instance;
}

async function watch(all: Instance[], done: () => boolean, timeoutMs = 15_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    const leading = all.filter((i) => i.leadership.lease.isLeader || i.alertsRunning);
    if (leading.length > 1) throw new Error(`two leaders at once: ${leading.map((i) => i.name).join(", ")}`);
    if (done()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const leaderOf = (all: Instance[]) => all.find((i) => i.leadership.lease.isLeader);
const failedShown = (i: Instance) => i.refresher.snapshot().counts.failed;

describe("FleetLeadership, three instances on one Redis and one store", () => {
  it("one reads N-sight and runs the alerts; the others show what it wrote; when it dies another takes over from the store", async () => {
    for (const i of instances) await i.leadership.begin();
    await watch(instances, () => instances.every((i) => failedShown(i) === 3));
    const first = leaderOf(instances)!;
    expect(first.alertsRunning).toBe(true);
    for (const other of instances.filter((i) => i !== first)) {
      expect(other.calls).toEqual([]);
      expect(other.alertsRunning).toBe(false);
    }
    const firstFence = first.leadership.lease.status().fence!;

    // Dies: its loops end, its lease is neither renewed nor released.
    first.leadership.lease.abandon();
    first.leadership.follower.stop();
    await first.refresher.stop();
    first.alertsRunning = false;
    await first.link.close();
    const rest = instances.filter((i) => i !== first);
    const takeoverMs = await watch(rest, () => rest.some((i) => i.alertsRunning));
    const next = leaderOf(rest)!;
    expect(next.leadership.lease.status().fence).toBeGreaterThan(firstFence);
    // Warmed from the store: it shows the whole fleet before reading anything again.
    expect(failedShown(next)).toBe(3);
    // Its first call: list_clients, confirming the restored state is this account's (devices read a moment ago wait their turn).
    await watch(rest, () => next.calls.length > 0);
    const fenceDb = await openStore(dir);
    try {
      await watch(rest, () => true);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await readFleetFence(fenceDb)).toBe(next.leadership.lease.status().fence);
    } finally {
      await fenceDb.destroy();
    }
    const other = rest.find((i) => i !== next)!;
    expect(other.calls).toEqual([]);
    console.info(`takeover after the leader died: ${takeoverMs} ms to the next leader's alerts (ttl ${TTL_MS} ms, try every ${TRY_MS} ms)`);

    // Stops on SIGTERM: the lease is handed over at once.
    await next.leadership.stop();
    const handoverMs = await watch(rest, () => other.alertsRunning);
    console.info(`handover on stop: ${handoverMs} ms`);
    expect(other.calls.length).toBeGreaterThan(0);
  });

  it("after Redis restarts empty (its fence counter back at 1), the next leader's fence is raised above what the store has seen", async () => {
    const remaining = instances.find((i) => i.alertsRunning)!;
    const fenceDb = await openStore(dir);
    try {
      expect(await readFleetFence(fenceDb)).toBeGreaterThanOrEqual(3);
      // As after many elections: counting up to it one election at a time would take far longer than the test waits.
      const seen = 1_000;
      await fenceDb.updateTable("leader_fences").set({ fence: seen }).execute();
      await redis.stop();
      await redis.start();
      const resumedMs = await watch(instances, () => remaining.alertsRunning && remaining.leadership.lease.status().fence! > seen, 20_000);
      // Its writes are accepted again.
      await remaining.refresher.read("12");
      await remaining.refresher.saveNow();
      expect(await readFleetFence(fenceDb)).toBe(remaining.leadership.lease.status().fence);
      console.info(`leading again ${resumedMs} ms after Redis restarted empty, fence ${remaining.leadership.lease.status().fence} > ${seen}`);
    } finally {
      await fenceDb.destroy();
    }
  });
});
