import "server-only";
import { isConfigError } from "../config";
import { describeError, log } from "../log";
import { startAlerts } from "./alerts";
import { fleetRestored, getFleet } from "./fleet";

export async function startFleetAtBoot(): Promise<void> {
  try {
    const fleet = getFleet();
    await fleetRestored();
    // Alerts judge what the refresher reads, so they start with it and never without it.
    startAlerts(fleet).catch((error: unknown) => log("error", "alerts.not_started", { error: isConfigError(error) ? error.message : describeError(error) }));
  } catch (error) {
    // A server without configuration still serves pages that explain it.
    log("error", "fleet.not_started", { error: isConfigError(error) ? error.message : String(error) });
  }
}
