import "server-only";
import type { FleetLeadership } from "../cluster/fleet-leadership";
import { getCluster } from "./cluster";

// Apart from lib/server/leader.ts so /api/health reads the role without loading the refresher and the alert engine.

/** Which instance leads the once-per-fleet work, as /api/health tells it (docs/deployment.md § One refresher: the leader). */
export interface LeaderStatus {
  instance: string;
  /** "alone": no REDIS_URL, this process does everything. */
  role: "leader" | "follower" | "alone";
  fence: number | null;
  /** Since when this instance has had its role. */
  since: string;
  redis: "up" | "down" | "none";
}

const LEADERSHIP = Symbol.for("nsight-backup-dashboard.leadership");
type GlobalWithLeadership = typeof globalThis & { [LEADERSHIP]?: FleetLeadership };

const startedAt = Date.now() - Math.round(process.uptime() * 1000);

export function registerLeadership(leadership: FleetLeadership): void {
  (globalThis as GlobalWithLeadership)[LEADERSHIP] = leadership;
}

export function runningLeadership(): FleetLeadership | undefined {
  return (globalThis as GlobalWithLeadership)[LEADERSHIP];
}

export function leaderStatus(): LeaderStatus {
  const { instanceId, redis } = getCluster();
  if (!redis) return { instance: instanceId, role: "alone", fence: null, since: new Date(startedAt).toISOString(), redis: "none" };
  const lease = runningLeadership()?.lease.status();
  return {
    instance: instanceId,
    role: lease?.role ?? "follower",
    fence: lease?.fence ?? null,
    since: new Date(lease?.since ?? startedAt).toISOString(),
    redis: redis.up ? "up" : "down",
  };
}
