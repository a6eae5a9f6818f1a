import { getDeviceSessions } from "@/lib/data/nsight-data";
import { apiRoute } from "@/lib/http/api-route";
import { parseTimeBounds, sessionsBetween } from "@/lib/sessions/time-bounds";

// GET /api/devices/:deviceId/sessions[?from=&to=]: backup sessions of one device, sorted by
// start; ISO bounds are applied here so the browser only receives what it asked for.
export const GET = apiRoute<{ deviceId: string }>({
  route: "GET /api/devices/:deviceId/sessions",
  ids: ["deviceId"],
  query: ["from", "to"],
  handler: async ({ params, query }) => {
    const bounds = parseTimeBounds(query.get("from"), query.get("to"));
    const sessions = await getDeviceSessions(params.deviceId);
    return { ...sessions, data: sessionsBetween(sessions.data, bounds) };
  },
});
