import "server-only";
import { FleetLeadership, type LeadershipParts } from "../cluster/fleet-leadership";
import { describeError, log } from "../log";
import { runningAlerts, startAlerts } from "./alerts";
import { getCluster } from "./cluster";
import { registerLeadership, runningLeadership } from "./leader-status";

/** With REDIS_URL: this process's part in the election, once per process; stopping hands the lease over. */
export function startLeadership(parts: Omit<LeadershipParts, "link" | "instanceId" | "alerts" | "log">): FleetLeadership {
  const running = runningLeadership();
  if (running) return running;
  const cluster = getCluster();
  if (!cluster.redis) throw new Error("startLeadership needs REDIS_URL");
  const leadership = new FleetLeadership({
    ...parts,
    link: cluster.redis,
    instanceId: cluster.instanceId,
    alerts: {
      start: (mayRun) => startAlerts(parts.refresher, mayRun),
      stop: async () => (await runningAlerts()?.catch(() => undefined))?.stop(),
    },
    log,
  });
  registerLeadership(leadership);
  const stop = () => void leadership.stop().catch((error: unknown) => log("warn", "leader.stop_failed", { error: describeError(error) }));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  return leadership;
}
