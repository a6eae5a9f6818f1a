import "server-only";
import { isConfigError } from "../config";
import { log } from "../log";
import { getFleet } from "./fleet";

export function startFleetAtBoot(): void {
  try {
    getFleet();
  } catch (error) {
    // A server without configuration still serves pages that explain it.
    log("error", "fleet.not_started", { error: isConfigError(error) ? error.message : String(error) });
  }
}
