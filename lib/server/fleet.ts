import "server-only";
import { isAbsolute, join } from "node:path";
import { readClientDevices, readClients, readDeviceSessions } from "../data/cached-reads";
import { FleetStore } from "../fleet/fleet-store";
import { refresherPolicyFor } from "../fleet/refresh-schedule";
import { FleetRefresher } from "../fleet/refresher";
import { describeError, log } from "../log";
import { keyHint, normaliseServer } from "../nsight/account";
import { getStore } from "../store/db";
import { getCluster } from "./cluster";
import { startLeadership } from "./leader";
import { getRuntime } from "./nsight";

const FLEET = Symbol.for("nsight-backup-dashboard.fleet");
const SHOWN = Symbol.for("nsight-backup-dashboard.fleet-shown");
const RESTORED = Symbol.for("nsight-backup-dashboard.fleet-restored");
type GlobalWithFleet = typeof globalThis & { [FLEET]?: FleetRefresher; [SHOWN]?: Promise<void>; [RESTORED]?: Promise<void> };

function createFleet(): FleetRefresher {
  const runtime = getRuntime();
  const { config } = runtime;
  // A runtime path, not a build input: without the hint Turbopack traces the whole project
  // into the server bundle.
  const dataDir = isAbsolute(config.dataDir) ? config.dataDir : join(/* turbopackIgnore: true */ process.cwd(), config.dataDir);
  const store = new FleetStore(getStore(), { server: normaliseServer(config.nsightBaseUrl), keyHint: keyHint(config.apiKey) }, dataDir);
  // With REDIS_URL one instance leads (lib/server/leader.ts); the others follow what it writes.
  let leadership: ReturnType<typeof startLeadership> | null = null;
  const refresher = new FleetRefresher({
    source: {
      listClients: async () => (await readClients({ priority: "background" })).data,
      listClientDevices: async (clientId) => (await readClientDevices(clientId, { priority: "background" })).data,
      readSessions: async (deviceId, { maxAgeMs } = {}) => {
        const sessions = await readDeviceSessions(deviceId, { priority: "background", maxAgeMs });
        return { sessions: sessions.data, fetchedAt: sessions.fetchedAt };
      },
      pausedUntil: () => {
        const breaker = runtime.client.breakerState().until;
        const pause = runtime.budget.stats().pausedForMs;
        const until = Math.max(breaker ?? 0, pause > 0 ? Date.now() + pause : 0);
        return until > 0 ? until : null;
      },
      upstream: () => (runtime.sharedUpstream ?? runtime.upstream).snapshot(),
    },
    policy: refresherPolicyFor(config),
    store,
    log,
    onSaved: (deviceIds) => leadership?.published(deviceIds),
    onFenced: () => leadership?.fenced(),
  });
  if (getCluster().redis) {
    leadership = startLeadership({ refresher, store, warm: ({ upstreamLastOkAt }) => runtime.upstream.restore(upstreamLastOkAt) });
    const following = leadership.begin().catch((error: unknown) => log("error", "fleet.follow_failed", { error: describeError(error) }));
    (globalThis as GlobalWithFleet)[SHOWN] = following;
    (globalThis as GlobalWithFleet)[RESTORED] = following;
    return refresher;
  }
  let shown: () => void = () => undefined;
  let stopping = false;
  (globalThis as GlobalWithFleet)[SHOWN] = new Promise<void>((resolve) => (shown = resolve));
  (globalThis as GlobalWithFleet)[RESTORED] = refresher
    .restore({
      onShown: ({ upstreamLastOkAt }) => {
        runtime.upstream.restore(upstreamLastOkAt);
        shown();
      },
    })
    .then(
      () => undefined,
      // Without its last state the fleet is read afresh: slower to a full picture, never wrong.
      (error: unknown) => log("error", "fleet.restore_failed", { error: describeError(error) }),
    )
    .finally(() => {
      shown();
      // A stop during the restore's second step is final.
      if (!stopping) refresher.start();
    });
  const stop = () => {
    stopping = true;
    void refresher.stop();
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  process.once("beforeExit", stop);
  return refresher;
}

export function getFleet(): FleetRefresher {
  const g = globalThis as GlobalWithFleet;
  g[FLEET] ??= createFleet();
  return g[FLEET];
}

/** Resolves once snapshots show the last known state (the boot waits for it before serving); the rest may still be loading. */
export function fleetShown(): Promise<void> {
  getFleet();
  return (globalThis as GlobalWithFleet)[SHOWN] ?? Promise.resolve();
}

/** Resolves once the whole last known state is back from the store and the refresher has started from it. */
export function fleetRestored(): Promise<void> {
  getFleet();
  return (globalThis as GlobalWithFleet)[RESTORED] ?? Promise.resolve();
}

export function runningFleet(): FleetRefresher | undefined {
  return (globalThis as GlobalWithFleet)[FLEET];
}
