import { getDeviceSessions, keptWithDeviceSessions } from "@/lib/data/nsight-data";
import { apiRoute, encodeListSuccess } from "@/lib/http/api-route";
import { parseTimeBounds, sessionIndexRange } from "@/lib/sessions/time-bounds";

// GET /api/devices/:deviceId/sessions[?from=&to=]: backup sessions of one device, sorted by start.
export const GET = apiRoute<{ deviceId: string }>({
  route: "GET /api/devices/:deviceId/sessions",
  ids: ["deviceId"],
  query: ["from", "to"],
  handler: async ({ principal, params, query, signal }) => {
    const bounds = parseTimeBounds(query.get("from"), query.get("to"));
    const sessions = await getDeviceSessions(principal, params.deviceId, { signal });
    // Megabytes of JSON: encoded once per selection (not per spelling of the bounds), cached with the history.
    const { lo, hi } = sessionIndexRange(sessions.data, bounds);
    const name = `json:${lo === hi ? "none" : `${lo}-${hi}`}:${sessions.stale}`;
    return keptWithDeviceSessions(params.deviceId, sessions.data, name, hi - lo, () => encodeListSuccess({ ...sessions, data: sessions.data.slice(lo, hi) }));
  },
});
