import { getConfig, isConfigError } from "@/lib/config";
import { jsonResponse } from "@/lib/http/api-route";
import { leaderStatus } from "@/lib/server/leader-status";
import { getRuntime } from "@/lib/server/nsight";

// GET /api/health: whether this server is configured and up. Never calls N-sight.
export function GET(): Response {
  try {
    const config = getConfig();
    const { instance, role, redis } = leaderStatus();
    return jsonResponse({ status: "ok", demo: config.demo, instance, role, redis, budget: getRuntime().budget.mode }, 200);
  } catch (error) {
    const message = isConfigError(error) ? error.message : "Configuration could not be read.";
    return jsonResponse({ status: "misconfigured", error: { code: "internal", message } }, 500);
  }
}

export const dynamic = "force-dynamic";
