import "server-only";
import { isConfigError } from "../config";
import { describeError, log } from "../log";
import { startAlerts } from "./alerts";
import { getCluster } from "./cluster";
import { fleetRestored, fleetShown, getFleet } from "./fleet";

/** Resolves once the wall can show the last known state; the rest of it, the refresher and the alerts follow. */
export async function startFleetAtBoot(): Promise<void> {
  try {
    const fleet = getFleet();
    await fleetShown();
    // With REDIS_URL the leader starts them on its election (lib/server/leader.ts).
    if (getCluster().redis) return;
    // Alerts judge what the refresher reads, so they start with it and never without it.
    void fleetRestored().then(() =>
      startAlerts(fleet).catch((error: unknown) => log("error", "alerts.not_started", { error: isConfigError(error) ? error.message : describeError(error) })),
    );
  } catch (error) {
    // A server without configuration still serves pages that explain it.
    log("error", "fleet.not_started", { error: isConfigError(error) ? error.message : String(error) });
  }
}
