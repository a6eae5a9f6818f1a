import "server-only";
import { SwrCache } from "../cache/swr-cache";
import { SharedBudget } from "../cluster/shared-budget";
import { SharedCache } from "../cluster/shared-cache";
import { SharedUpstream } from "../cluster/shared-upstream";
import { getConfig, type AppConfig } from "../config";
import { log } from "../log";
import { CallBudget, type CallGate } from "../nsight/budget";
import { NsightClient } from "../nsight/client";
import { UpstreamTracker } from "../nsight/upstream-health";
import { getCluster } from "./cluster";

/** On globalThis: Next.js may load this module once per route bundle, and two budgets would break N-sight's call rate. */
export interface NsightRuntime {
  config: AppConfig;
  client: NsightClient;
  budget: CallGate;
  cache: SwrCache;
  /** With REDIS_URL: the level between `cache` and N-sight that all instances share. */
  shared: SharedCache | null;
  upstream: UpstreamTracker;
  /** With REDIS_URL: what every instance sees of N-sight, for the fleet's pages (a follower's own calls are few). */
  sharedUpstream: SharedUpstream | null;
}

const RUNTIME = Symbol.for("nsight-backup-dashboard.runtime");
type GlobalWithRuntime = typeof globalThis & { [RUNTIME]?: NsightRuntime };

const USER_AGENT = "Mozilla/5.0 (compatible; NsightBackupDashboard/0.1)";

function createRuntime(): NsightRuntime {
  const config = getConfig();
  const limits = { perMinute: config.callsPerMinute, maxConcurrent: config.maxConcurrent, perAsker: config.callsPerPrincipal };
  const cluster = getCluster();
  const budget: CallGate = cluster.redis
    ? new SharedBudget({ ...limits, link: cluster.redis, instanceId: cluster.instanceId, maxInstances: cluster.config.maxInstances, callTimeoutMs: config.timeoutMs, log })
    : new CallBudget(limits);
  const upstream = new UpstreamTracker();
  const client = new NsightClient({
    transport: {
      baseUrl: config.nsightBaseUrl,
      apiKey: config.apiKey,
      timeoutMs: config.timeoutMs,
      maxBodyBytes: config.maxResponseBytes,
      userAgent: USER_AGENT,
    },
    budget,
    onCall: (event) => {
      upstream.record(event);
      const level = event.outcome === "ok" ? "info" : "warn";
      log(level, "nsight.call", {
        service: event.service,
        ...event.params,
        attempt: event.attempt,
        outcome: event.outcome,
        ms: event.ms,
        bytes: event.bytes,
        diagnostic: event.diagnostic,
      });
    },
    onDrop: (service, reason) => log("warn", "nsight.record_dropped", { service, reason }),
  });
  const cache = new SwrCache({ maxWeight: config.cacheMaxRecords, staleAfterMs: config.staleAfterMs });
  // A claim outlives one call attempt only while its holder renews it.
  const shared = cluster.redis ? new SharedCache(cluster.redis, { claimMs: config.timeoutMs }) : null;
  const sharedUpstream = cluster.redis ? new SharedUpstream(cluster.redis, cluster.instanceId, () => upstream.snapshot()) : null;
  sharedUpstream?.start();
  return { config, client, budget, cache, shared, upstream, sharedUpstream };
}

export function getRuntime(): NsightRuntime {
  const g = globalThis as GlobalWithRuntime;
  g[RUNTIME] ??= createRuntime();
  return g[RUNTIME];
}
