// fleet-50k: detection latency (a backup session ending → the refresher's read of it) on the simulator's fleet at
// 5,000 and 50,000 devices, over a compressed clock: the real FleetRefresher with the app's policy picks, reads and
// applies; its reads go through the app's sessions cache (same TTL, same max-age rule) to the simulator's session
// generator, and the budget is modelled as one background call a second (a read the cache answers costs none).
import { monitorEventLoopDelay } from "node:perf_hooks";
import { SwrCache } from "../../lib/cache/swr-cache";
import { getConfig } from "../../lib/config";
import { cacheKey, maxAgeFloored } from "../../lib/data/cached-reads";
import { DEFAULT_REFRESHER_POLICY, RANK, readOrder, readRank, refresherPolicyFor, type RefresherPolicy } from "../../lib/fleet/refresh-schedule";
import { FleetRefresher } from "../../lib/fleet/refresher";
import type { BackupSession, Client, ClientDevice } from "../../lib/types";
import { generateFleet, type FleetDevice } from "../../simulator/fleet";
import { generateSessions, listedAt, type Session } from "../../simulator/sessions";
import { median, percentile, printTable, saveResult } from "./util";

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** The background share: 60 calls a minute. FLEET_50K_CALL_EVERY_MS=10000 with 5,000 devices gives each device the share it has at 50,000, in a tenth of the time. */
const CALL_EVERY_MS = Number(process.env.FLEET_50K_CALL_EVERY_MS ?? SECOND);
const START = Date.parse("2026-11-23T00:00:00Z");
/** Sessions ending in the second simulated day are measured: by then every reader has read the whole fleet once. */
const WINDOW_FROM = START + DAY;
const WINDOW_TO = START + 2 * DAY;
/** Long enough for round robin to come round at 50,000 devices (13.9 h a turn). */
const RUN_UNTIL = WINDOW_TO + 16 * HOUR;
/** A variant to weigh against the app's policy, e.g. FLEET_50K_POLICY='{"likelyForMs":90000}': the app's unless set. */
const POLICY_TRIED = policyTried(process.env.FLEET_50K_POLICY ?? "{}");

/** A misspelt field would otherwise measure the app's policy under the variant's name. */
function policyTried(json: string): Partial<RefresherPolicy> {
  const tried = JSON.parse(json) as Record<string, unknown>;
  for (const [field, value] of Object.entries(tried)) {
    if (!(field in DEFAULT_REFRESHER_POLICY)) throw new Error(`FLEET_50K_POLICY: ${field} is not a field of RefresherPolicy`);
    // A part of the health policy would replace all of it (the merge is shallow): only the scalar fields vary here.
    if (typeof DEFAULT_REFRESHER_POLICY[field as keyof RefresherPolicy] === "object") throw new Error(`FLEET_50K_POLICY: ${field} cannot be varied here`);
    if (typeof value !== typeof DEFAULT_REFRESHER_POLICY[field as keyof RefresherPolicy]) throw new Error(`FLEET_50K_POLICY: ${field} must be a ${typeof DEFAULT_REFRESHER_POLICY[field as keyof RefresherPolicy]}`);
  }
  return tried as Partial<RefresherPolicy>;
}
/** At most this many reads the cache answers in one simulated second (the refresher's workers go on at once). */
const CACHED_READS_PER_SECOND = 10;
/** N-sight lists a session a few minutes after it ends: the simulator's own model, which its server answers by. */
const recordedAt = listedAt;

interface Watched {
  /** Sessions ending in the window, by the time N-sight lists them. */
  visible: number[];
  ends: number[];
  next: number;
  /** Every session recorded during the run, by listing time, and how many of them the reads have seen. */
  recorded: number[];
  seen: number;
}

function toSession(s: Session): BackupSession {
  return {
    sessionId: s.sessionId,
    type: s.type,
    storageAccountId: s.storageAccountId,
    plugin: s.plugin,
    start: new Date(s.startMs).toISOString(),
    end: new Date(s.endMs).toISOString(),
    durationSeconds: Math.round((s.endMs - s.startMs) / SECOND),
    selectionSize: s.selectionSize,
    selectionItemCount: s.selectionItemCount,
    sizeChange: s.sizeChange,
    itemCountChange: s.itemCountChange,
    removedItemCount: s.removedItemCount,
    processedSize: s.processedSize,
    processedItemCount: s.processedItemCount,
    transferredSize: s.transferredSize,
    errorCount: s.errorCount,
    status: s.status,
  };
}

function latencies(values: number[]): { median: number; p95: number; count: number } {
  return values.length === 0 ? { median: NaN, p95: NaN, count: 0 } : { median: median(values), p95: percentile(values, 95), count: values.length };
}

const minutes = (msValue: number) => `${(msValue / MINUTE).toFixed(1)} min`;

/** The app's configuration as the environment gives it (defaults unless set); no call goes anywhere. */
function appConfig() {
  process.env.NSIGHT_API_KEY ??= "fleet-50k-bench";
  process.env.NSIGHT_SERVER ??= "http://127.0.0.1:9";
  return getConfig();
}

async function runSize(size: number) {
  const config = appConfig();
  const fleet = generateFleet({ seed: 42, devices: size, now: new Date(START) });
  const devices: FleetDevice[] = fleet.sites.flatMap((s) => s.devices);
  const byId = new Map(devices.map((d) => [d.id, d]));
  const backup = devices.filter((d) => d.mob);

  // Every session ending in the window, and those any reader must read (all recorded during the run).
  const watched = new Map<string, Watched>();
  const allRecorded: { visible: number; end: number; inWindow: boolean }[] = [];
  for (const d of backup) {
    const sessions = generateSessions(d, RUN_UNTIL).filter((s) => s.type === "BACKUP" && recordedAt(s) > START && recordedAt(s) <= RUN_UNTIL);
    const inWindow = sessions.filter((s) => s.endMs >= WINDOW_FROM && s.endMs < WINDOW_TO).sort((a, b) => recordedAt(a) - recordedAt(b));
    const recorded = sessions.map(recordedAt).sort((a, b) => a - b);
    watched.set(d.id, { visible: inWindow.map(recordedAt), ends: inWindow.map((s) => s.endMs), next: 0, recorded, seen: 0 });
    for (const s of sessions) allRecorded.push({ visible: recordedAt(s), end: s.endMs, inWindow: s.endMs >= WINDOW_FROM && s.endMs < WINDOW_TO });
  }

  // The bound: each session read once, in the order N-sight lists them, one call a second.
  allRecorded.sort((a, b) => a.visible - b.visible);
  const bound: number[] = [];
  const boundByHour: number[][] = Array.from({ length: 24 }, () => []);
  let free = START;
  for (const s of allRecorded) {
    const readAt = Math.max(s.visible, free);
    free = readAt + CALL_EVERY_MS;
    if (s.inWindow) {
      bound.push(readAt - s.end);
      boundByHour[new Date(s.end).getUTCHours()]!.push(readAt - s.end);
    }
  }

  // Round robin: the backup devices in turn, one a second, from the start.
  const roundRobin: number[] = [];
  const turn = backup.length * CALL_EVERY_MS;
  backup.forEach((d, i) => {
    const w = watched.get(d.id)!;
    for (let k = 0; k < w.visible.length; k++) {
      const offset = START + i * CALL_EVERY_MS;
      const readAt = offset + Math.max(0, Math.ceil((w.visible[k]! - offset) / turn)) * turn;
      roundRobin.push(readAt - w.ends[k]!);
    }
  });

  // The refresher itself, on a simulated clock.
  let now = START;
  const cache = new SwrCache({ maxWeight: config.cacheMaxRecords, staleAfterMs: config.staleAfterMs, now: () => now });
  let upstreamCalls = 0;
  /** When the copy the last read of each device got was fetched: what it shows is what N-sight listed then. */
  const seenAt = new Map<string, number>();
  const clients: Client[] = fleet.clients.map((c) => ({
    clientId: c.id,
    name: c.name,
    timezone: c.timezone,
    createdOn: null,
    serverCount: 0,
    workstationCount: 0,
    mobileDeviceCount: 0,
    deviceCount: 0,
    viewDashboard: true,
    viewWorkstationAssets: true,
  }));
  const policy: RefresherPolicy = { ...DEFAULT_REFRESHER_POLICY, ...refresherPolicyFor(config), ...POLICY_TRIED };
  const refresher = new FleetRefresher({
    now: () => now,
    source: {
      listClients: async () => clients,
      listClientDevices: async (clientId): Promise<ClientDevice[]> =>
        fleet.clients
          .find((c) => c.id === clientId)!
          .sites.flatMap((site) =>
            site.devices.map((d) => ({
              deviceId: d.id,
              clientId,
              siteId: site.id,
              siteName: site.name,
              type: d.type,
              name: d.name,
              description: null,
              username: null,
              status: null,
              backupEnabled: d.mob,
            })),
          ),
      readSessions: async (deviceId, { maxAgeMs } = {}) => {
        const hit = await cache.get(cacheKey.sessions(deviceId), {
          ttlMs: config.sessionsTtlMs,
          maxAgeMs: maxAgeFloored(maxAgeMs),
          background: true,
          weigh: (list) => list.length,
          load: async () => {
            upstreamCalls++;
            return generateSessions(byId.get(deviceId)!, now).map(toSession);
          },
        });
        seenAt.set(deviceId, hit.fetchedAt);
        return { sessions: hit.value, fetchedAt: hit.fetchedAt };
      },
      pausedUntil: () => null,
      upstream: () => ({ status: "ok", problem: null, failingSince: null, lastProblem: null, lastOkAt: new Date(now).toISOString() }),
    },
    policy,
  });
  // Discovery (1 + 2 × clients calls) is not charged to the model: it is the same for every reader.
  await refresher.discover();

  const scheduled: number[] = [];
  const scheduledByHour: number[][] = Array.from({ length: 24 }, () => []);
  /** Upstream reads by why the device was picked, and how many of them found a session not seen before. */
  /** early: found nothing, but a session was listed within 10 minutes after it. */
  const readKinds = new Map<string, { reads: number; found: number; early: number }>();
  /** The measured day's reads, by the hour they were made. */
  const hourly = Array.from({ length: 24 }, () => ({ reads: 0, found: 0, early: 0, later: 0, watchReads: 0, watchLagMs: 0 }));
  const attempts = new Map<string, number>();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const started = performance.now();
  let reads = 0;
  let cachedReads = 0;
  /** Reads of a device whose next backup was due: the watch's cost. */
  let watchReads = 0;
  let idle = 0;
  let picks = 0;
  let pickMs = 0;
  for (; now < RUN_UNTIL; now += CALL_EVERY_MS) {
    for (let k = 0; k < CACHED_READS_PER_SECOND; k++) {
      const t = performance.now();
      const next = refresher.pickNext(now);
      pickMs += performance.now() - t;
      picks++;
      if (!next) {
        idle++;
        break;
      }
      const calls = upstreamCalls;
      const due = next.readAt && next.nextBackupDueAt ? Date.parse(next.nextBackupDueAt) : null;
      const watching = due !== null && due <= now;
      const kind = !next.readAt ? "first read" : watching ? (Date.parse(next.readAt) - due! < policy.fastWatchMs ? "watch" : "late watch") : "problem or stale";
      const rank = readRank(next, now, attempts.get(next.deviceId), policy);
      const readable = rank !== null && rank >= RANK.likely && rank <= RANK.lateWatch ? Date.parse(readOrder(next, rank, attempts.get(next.deviceId), policy)) : NaN;
      attempts.set(next.deviceId, now);
      await refresher.read(next.deviceId);
      const w = watched.get(next.deviceId);
      const fetchedAt = seenAt.get(next.deviceId)!;
      while (w && w.next < w.visible.length && w.visible[w.next]! <= fetchedAt) {
        scheduled.push(now - w.ends[w.next]!);
        scheduledByHour[new Date(w.ends[w.next]!).getUTCHours()]!.push(now - w.ends[w.next]!);
        w.next++;
      }
      const ahead = w && w.seen < w.recorded.length ? w.recorded[w.seen]! - fetchedAt : Infinity;
      let found = false;
      while (w && w.seen < w.recorded.length && w.recorded[w.seen]! <= fetchedAt) {
        w.seen++;
        found = true;
      }
      // Each read its own task, as the real refresher's are: the loop delay then shows what one read blocks.
      await new Promise((resolve) => setImmediate(resolve));
      if (upstreamCalls > calls) {
        reads++;
        const tally = readKinds.get(kind) ?? { reads: 0, found: 0, early: 0 };
        tally.reads++;
        if (found) tally.found++;
        else if (ahead <= 10 * MINUTE) tally.early++;
        readKinds.set(kind, tally);
        const h = now >= WINDOW_FROM && now < WINDOW_TO ? hourly[new Date(now).getUTCHours()]! : null;
        if (h) h.reads++;
        if (h && found) h.found++;
        else if (h && ahead <= 10 * MINUTE) h.early++;
        else if (h && ahead <= 2 * HOUR) h.later++;
        if (h && !Number.isNaN(readable)) {
          h.watchReads++;
          h.watchLagMs += now - readable;
        }
        if (watching) watchReads++;
        break;
      }
      cachedReads++;
    }
  }
  loop.disable();
  const missed = [...watched.values()].reduce((n, w) => n + (w.visible.length - w.next), 0);
  return {
    size,
    backupDevices: backup.length,
    sessionsInWindow: bound.length,
    schedule: latencies(scheduled),
    // The median hides a tail: the share read within 5 and within 15 minutes says how much is late.
    within: [5, 15].map((m) => scheduled.filter((v) => v <= m * MINUTE).length / Math.max(1, bound.length)),
    missedBySchedule: missed,
    roundRobin: latencies(roundRobin),
    bound: latencies(bound),
    reads,
    readKinds: Object.fromEntries(readKinds),
    byHour: scheduledByHour.map((values, hour) => ({
      hour,
      sessions: values.length,
      schedule: latencies(values).median,
      bound: latencies(boundByHour[hour]!).median,
      ...hourly[hour]!,
    })),
    watchReads,
    cachedReads,
    idleSeconds: idle,
    wallSeconds: (performance.now() - started) / 1_000,
    pickMicroseconds: (pickMs / Math.max(1, picks)) * 1_000,
    loopDelayP99Ms: loop.percentile(99) / 1e6,
    // The whole bench process: the simulator's generated histories and the sessions it watches included.
    rssMb: process.memoryUsage().rss / 2 ** 20,
  };
}

export async function benchFleet50k(): Promise<void> {
  const results = [];
  // FLEET_50K_SIZES=5000 runs one size only.
  const sizes = (process.env.FLEET_50K_SIZES ?? "5000,50000").split(",").map(Number);
  for (const size of sizes) {
    const r = await runSize(size);
    results.push(r);
    printTable(`fleet-50k: ${size.toLocaleString("en")} devices (${r.backupDevices} with backup, ${r.sessionsInWindow} sessions end in the measured day)`, [
      ["schedule median / p95", `${minutes(r.schedule.median)} / ${minutes(r.schedule.p95)} (${r.missedBySchedule} not read by the end)`],
      ["schedule: read within 5 / 15 min", r.within.map((share) => `${(100 * share).toFixed(0)} %`).join(" / ")],
      ["round robin median / p95", `${minutes(r.roundRobin.median)} / ${minutes(r.roundRobin.p95)}`],
      ["bound median / p95", `${minutes(r.bound.median)} / ${minutes(r.bound.p95)}`],
      ["schedule ÷ bound (median)", `${(r.schedule.median / r.bound.median).toFixed(3)}x (${(r.schedule.median / SECOND).toFixed(0)} s ÷ ${(r.bound.median / SECOND).toFixed(0)} s)`],
      ["reads / idle seconds", `${r.reads} / ${r.idleSeconds} (${r.cachedReads} more answered by the cache)`],
      ["reads that found a new session", Object.entries(r.readKinds).map(([kind, t]) => `${kind} ${t.found}/${t.reads} (${t.early} early)`).join(", ")],
      ["watch reads", `${r.watchReads} (${(r.watchReads / Math.max(1, r.sessionsInWindow * ((RUN_UNTIL - START) / DAY))).toFixed(2)} a session, roughly)`],
      ["pick (mean)", `${r.pickMicroseconds.toFixed(1)} µs`],
      ["event-loop delay p99", `${r.loopDelayP99Ms.toFixed(1)} ms`],
      ["RSS", `${r.rssMb.toFixed(0)} MB`],
      ["wall time", `${r.wallSeconds.toFixed(0)} s for ${((RUN_UNTIL - START) / HOUR).toFixed(0)} simulated hours`],
    ]);
    if (process.env.FLEET_50K_BY_HOUR) {
      printTable("median by hour the session ended (UTC): sessions, schedule, bound; reads in that hour", r.byHour.map((h) => [
        `${h.hour}:00`,
        `${h.sessions}  ${minutes(h.schedule)}  ${minutes(h.bound)}   reads ${h.reads} found ${h.found} early ${h.early} later ${h.later} watch ${h.watchReads} lag ${minutes(h.watchLagMs / Math.max(1, h.watchReads))}`,
      ]));
    }
  }
  saveResult("fleet-50k", results);
}
