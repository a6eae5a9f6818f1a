import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FleetStore } from "../fleet/fleet-store";
import { FleetRefresher, type RefresherSource } from "../fleet/refresher";
import { UpstreamTracker } from "../nsight/upstream-health";
import { openStore } from "../store/db";
import type { BackupSession, Client, ClientDevice } from "../types";
import { startTestRedis, type TestRedis } from "../testing/redis-server";
import { FleetChangePublisher, FleetFollower, parseNotice } from "./fleet-notices";
import { RedisLink } from "./redis-link";
import { testSession } from "../testing/backup-session";
import { until } from "../testing/until";

const HOUR = 3_600_000;
const T0 = Date.parse("2026-11-27T12:00:00Z");
const ACCOUNT = { server: "https://www.systemmonitor.us", keyHint: "hint" };

const session = (id: string, startMs: number, status: string): BackupSession => testSession({ id, startMs, status });

/** Ten nightly backups, the last `failures` of them failed. */
const nightly = (id: string, failures: number) => Array.from({ length: 10 }, (_, i) => session(`${id}-${i}`, T0 - (3 + (9 - i) * 24) * HOUR, i >= 10 - failures ? "FAILED" : "COMPLETED"));

const client = (clientId: string, name: string): Client => ({ clientId, name, timezone: null, createdOn: null, serverCount: 1, workstationCount: 0, mobileDeviceCount: 0, deviceCount: 1, viewDashboard: false, viewWorkstationAssets: false });
const device = (deviceId: string, clientId: string): ClientDevice => ({ deviceId, clientId, siteId: "10", siteName: "HQ", type: "server", name: `D${deviceId}`, description: null, username: null, status: "Ok", backupEnabled: true });

/** What N-sight would answer the leader; the follower's source fails every call, so any read would show. */
function sources() {
  const failures: Record<string, number> = { "11": 0, "12": 0, "21": 0 };
  const devices: Record<string, ClientDevice[]> = { "1": [device("11", "1"), device("12", "1")], "2": [device("21", "2")] };
  const tracker = new UpstreamTracker(() => T0);
  const leader: RefresherSource = {
    listClients: async () => [client("1", "Acme"), client("2", "Beta")],
    listClientDevices: async (clientId) => devices[clientId] ?? [],
    readSessions: async (deviceId) => ({ sessions: nightly(deviceId, failures[deviceId] ?? 0), fetchedAt: T0 }),
    pausedUntil: () => null,
    upstream: () => tracker.snapshot(),
  };
  const followerCalls: string[] = [];
  const refuse = (what: string) => {
    followerCalls.push(what);
    return Promise.reject(new Error("a follower must not read N-sight"));
  };
  const follower: RefresherSource = {
    listClients: () => refuse("listClients"),
    listClientDevices: () => refuse("listClientDevices"),
    readSessions: () => refuse("readSessions"),
    pausedUntil: () => null,
    upstream: () => tracker.snapshot(),
  };
  return { failures, devices, leader, follower, followerCalls };
}

let redis: TestRedis;
let dir: string;
const closers: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.close();
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "fleet-follow-"));
});
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  rmSync(dir, { recursive: true, force: true });
});

let account = 0;

/** Counts whole loads: what a follower's catching up costs. */
class CountingStore extends FleetStore {
  loads = 0;
  override load(options?: { readOnly?: boolean }) {
    this.loads++;
    return super.load(options);
  }
}

/** Its own connection, as another process would have; opened one after another (two would migrate at once). */
async function storeIn(where: string): Promise<CountingStore> {
  const store = new CountingStore(await openStore(where), ACCOUNT, null, true);
  closers.push(() => store.close());
  return store;
}

/** A leader and a follower as two processes would have them: each its own store connection and Redis link. */
async function leaderAndFollower() {
  account++;
  const src = sources();
  const links = [0, 1].map(() => new RedisLink({ url: redis.url, account: `follow-${account}`, commandTimeoutMs: 500, probeEveryMs: 100 }));
  const [leaderLink, followerLink] = links as [RedisLink, RedisLink];
  const leaderStore = await storeIn(dir);
  const followerStore = await storeIn(dir);
  closers.push(() => Promise.all(links.map((l) => l.close())).then(() => undefined));
  leaderStore.fence = 1;
  const publisher = new FleetChangePublisher(leaderLink, 1);
  const published: Promise<void>[] = [];
  const leader = new FleetRefresher({ source: src.leader, store: leaderStore, now: () => T0, policy: { workers: 1, saveEveryMs: 60_000 }, onSaved: (ids) => void published.push(publisher.publish(ids)) });
  const follower = new FleetRefresher({ source: src.follower, store: followerStore, now: () => T0, policy: { workers: 1, saveEveryMs: 60_000 } });
  await until(() => leaderLink.up && followerLink.up);
  const write = async () => {
    await leader.saveNow();
    await Promise.all(published.splice(0));
  };
  return { src, leader, follower, followerStore, leaderLink, followerLink, write };
}

async function readAll(r: FleetRefresher) {
  await r.discover();
  for (let next = r.pickNext(T0); next; next = r.pickNext(T0)) await r.read(next.deviceId);
}

const stateOf = (r: FleetRefresher, id: string) => r.device(id)?.state;

describe("a follower's fleet", () => {
  it("shows what the leader wrote, follows its notices, and never reads N-sight or writes the store", async () => {
    const { src, leader, follower, followerLink, write } = await leaderAndFollower();
    await readAll(leader);
    await write();
    await follower.follow();
    expect(follower.snapshot().counts).toEqual(leader.snapshot().counts);

    const notices: string[] = [];
    followerLink.subscribe("fleet:changed", (m) => notices.push(m));
    const following = new FleetFollower(followerLink, follower);
    following.start();
    closers.push(() => following.stop());
    await new Promise((resolve) => setTimeout(resolve, 100));
    const reloadsBefore = following.counts.reloads;

    // First notice of this leader for this follower: it reloads whole (it cannot know what it missed before).
    src.failures["11"] = 2;
    await leader.read("11");
    await write();
    await until(() => stateOf(follower, "11") === "failed");

    src.failures["12"] = 3;
    await leader.read("12");
    expect(stateOf(follower, "12")).toBe("ok");
    await write();
    await until(() => stateOf(follower, "12") === "failed");
    expect(following.counts.applied).toBe(1);
    expect(following.counts.reloads).toBe(reloadsBefore + 1);
    expect(parseNotice(notices.at(-1)!)).toEqual({ fence: 1, generation: 3, ids: ["12"] });

    // A device gone from N-sight leaves the follower's view too.
    src.devices["2"] = [];
    await leader.discover();
    await write();
    await until(() => follower.device("21") === undefined);
    expect(follower.snapshot()).toMatchObject({ total: 2, counts: leader.snapshot().counts });

    expect(src.followerCalls).toEqual([]);
    await follower.saveNow();
    await follower.stop();
    const rows = await storeIn(dir);
    expect(await rows.deviceIdsOf("current")).toEqual(["11", "12"]);
  });

  it("catches up after a missed notice: the gap in the numbers makes it reload whole", async () => {
    const { src, leader, follower, followerLink, write } = await leaderAndFollower();
    await readAll(leader);
    await write();
    await follower.follow();
    const following = new FleetFollower(followerLink, follower);
    // Hears every notice but the third, as a follower whose link dropped for a moment would.
    let heard = 0;
    const unsubscribe = followerLink.subscribe("fleet:changed", (message) => {
      if (++heard !== 3) void following.handle(message);
    });
    closers.push(unsubscribe);
    await new Promise((resolve) => setTimeout(resolve, 100));

    src.failures["11"] = 1;
    await leader.read("11");
    await write();
    await until(() => following.counts.reloads === 1);
    src.failures["12"] = 2;
    await leader.read("12");
    await write();
    await until(() => following.counts.applied === 1);
    // Missed: device 21 fails, and the follower is not told.
    src.failures["21"] = 3;
    await leader.read("21");
    await write();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stateOf(follower, "21")).toBe("ok");
    // The next notice names only device 11, but its number shows one was missed.
    src.failures["11"] = 0;
    await leader.read("11");
    await write();
    await until(() => following.counts.reloads === 2);
    await until(() => stateOf(follower, "21") === "failed");
    expect(stateOf(follower, "11")).toBe("ok");
    expect(follower.snapshot().counts).toEqual(leader.snapshot().counts);
  });

  it("a deposed leader's write is refused once the next leader has written, and tells it to stop", async () => {
    const { leader, write } = await leaderAndFollower();
    await readAll(leader);
    await write();
    const next = await storeIn(dir);
    next.fence = 2;
    const nextLeader = new FleetRefresher({ source: sources().leader, store: next, now: () => T0 });
    await nextLeader.restore();
    await nextLeader.read("21");
    await nextLeader.saveNow();

    let fenced = 0;
    const stale = await storeIn(dir);
    stale.fence = 1;
    const src = sources();
    src.failures["21"] = 5;
    const deposed = new FleetRefresher({ source: src.leader, store: stale, now: () => T0, onFenced: () => fenced++ });
    await deposed.restore();
    await deposed.read("21");
    await deposed.saveNow();
    expect(fenced).toBe(1);
    const check = await storeIn(dir);
    const { devices } = await check.readDevices(["21"]);
    expect(devices[0]?.state).toBe("ok");
  });

  it("catches up when the last notice was lost, and otherwise checks with two small queries, loading nothing", async () => {
    const { src, leader, follower, followerStore, leaderLink, followerLink, write } = await leaderAndFollower();
    await readAll(leader);
    await write();
    await follower.follow();
    const following = new FleetFollower(followerLink, follower, { checkEveryMs: 50 });
    following.start();
    closers.push(() => following.stop());
    await new Promise((resolve) => setTimeout(resolve, 100));
    src.failures["11"] = 1;
    await leader.read("11");
    await write();
    await until(() => stateOf(follower, "11") === "failed" && following.counts.reloads === 1);
    // Queued behind the reload that notice asked for (a check may have shown the change first).
    await follower.catchUp();
    const loads = followerStore.loads;
    // Several checks with nothing new: no whole load.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(followerStore.loads).toBe(loads);

    // The leader loses Redis for a moment: its store write lands, its notice does not.
    await leaderLink.close();
    src.failures["21"] = 2;
    await leader.read("21");
    await write();
    await until(() => stateOf(follower, "21") === "failed");
    expect(followerStore.loads).toBe(loads + 1);
    expect(follower.snapshot().counts).toEqual(leader.snapshot().counts);
  });
});
