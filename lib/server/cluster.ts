import "server-only";
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { RedisLink } from "../cluster/redis-link";
import { getClusterConfig, getConfig, type ClusterConfig } from "../config";
import { log } from "../log";
import { normaliseServer } from "../nsight/account";

/** This process's place among instances (README.md § Deployment): alone without REDIS_URL, sharing through Redis with it. */
export interface ClusterRuntime {
  config: ClusterConfig;
  /** Unique per process start: a restarted instance is a new member, never the old lease holder. */
  instanceId: string;
  /** null: one process, nothing shared. */
  redis: RedisLink | null;
}

const CLUSTER = Symbol.for("nsight-backup-dashboard.cluster");
type GlobalWithCluster = typeof globalThis & { [CLUSTER]?: ClusterRuntime };

function createCluster(): ClusterRuntime {
  const config = getClusterConfig();
  const instanceId = `${config.instanceName ?? `${hostname()}:${process.pid}`}:${randomUUID().slice(0, 8)}`;
  if (!config.redisUrl) return { config, instanceId, redis: null };
  if (!config.databaseUrl) {
    // Followers read the fleet the leader wrote: without PostgreSQL that works only on one machine with one DATA_DIR.
    log("warn", "cluster.store_not_shared", { instance: instanceId, hint: "REDIS_URL is set without DATABASE_URL: instances share the store only if they share DATA_DIR on one machine." });
  }
  const app = getConfig();
  const redis = new RedisLink({
    url: config.redisUrl,
    account: `${normaliseServer(app.nsightBaseUrl)}|${app.apiKey}`,
    onChange: (up) => log(up ? "info" : "warn", up ? "redis.up" : "redis.down", { instance: instanceId }),
  });
  return { config, instanceId, redis };
}

export function getCluster(): ClusterRuntime {
  const g = globalThis as GlobalWithCluster;
  g[CLUSTER] ??= createCluster();
  return g[CLUSTER];
}
