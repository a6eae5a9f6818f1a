import { getDeviceSessions } from "@/lib/data/nsight-data";
import { apiRoute } from "@/lib/http/api-route";
import { parseTimeBounds, sessionsBetween } from "@/lib/sessions/time-bounds";
import type { BackupSession } from "@/lib/types";

/**
 * Serialized answers per cached history and bounds: a device's history can be megabytes of
 * JSON, and everyone asking within a cache period gets the same bytes. Keyed weakly by the
 * cached array, so a refreshed or evicted history takes its serializations with it.
 */
const serialized = new WeakMap<readonly BackupSession[], Map<string, string>>();

// GET /api/devices/:deviceId/sessions[?from=&to=]: backup sessions of one device, sorted by
// start; ISO bounds are applied here so the browser only receives what it asked for.
export const GET = apiRoute<{ deviceId: string }>({
  route: "GET /api/devices/:deviceId/sessions",
  ids: ["deviceId"],
  query: ["from", "to"],
  handler: async ({ params, query }) => {
    const bounds = parseTimeBounds(query.get("from"), query.get("to"));
    const sessions = await getDeviceSessions(params.deviceId);
    let forHistory = serialized.get(sessions.data);
    if (!forHistory) serialized.set(sessions.data, (forHistory = new Map()));
    const key = `${bounds.fromMs}|${bounds.toMs}`;
    let json = forHistory.get(key);
    if (json === undefined) {
      json = JSON.stringify(sessionsBetween(sessions.data, bounds));
      if (forHistory.size >= 16) forHistory.clear();
      forHistory.set(key, json);
    }
    return { fetchedAt: sessions.fetchedAt, stale: sessions.stale, json };
  },
});
