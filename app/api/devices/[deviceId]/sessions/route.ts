import { getDeviceSessions } from "@/lib/data/nsight-data";
import { apiRoute, encodeListSuccess } from "@/lib/http/api-route";
import type { EncodedAnswer } from "@/lib/http/encoded-answer";
import { parseTimeBounds, sessionsBetween } from "@/lib/sessions/time-bounds";
import type { BackupSession } from "@/lib/types";

/**
 * Encoded answers per cached history, bounds and staleness: a device's history can be
 * megabytes of JSON, and everyone asking within a cache period gets the same bytes. Keyed
 * weakly by the cached array, so a refreshed or evicted history takes its encodings with it.
 */
const encoded = new WeakMap<readonly BackupSession[], Map<string, Promise<EncodedAnswer>>>();

// GET /api/devices/:deviceId/sessions[?from=&to=]: backup sessions of one device, sorted by
// start; ISO bounds are applied here so the browser only receives what it asked for.
export const GET = apiRoute<{ deviceId: string }>({
  route: "GET /api/devices/:deviceId/sessions",
  ids: ["deviceId"],
  query: ["from", "to"],
  handler: async ({ params, query }) => {
    const bounds = parseTimeBounds(query.get("from"), query.get("to"));
    const sessions = await getDeviceSessions(params.deviceId);
    let forHistory = encoded.get(sessions.data);
    if (!forHistory) encoded.set(sessions.data, (forHistory = new Map()));
    const key = `${bounds.fromMs}|${bounds.toMs}|${sessions.stale}`;
    let answer = forHistory.get(key);
    if (!answer) {
      // Kept while it is being made, so viewers asking meanwhile share the one encoding.
      answer = encodeListSuccess({ ...sessions, data: sessionsBetween(sessions.data, bounds) });
      if (forHistory.size >= 16) forHistory.clear();
      forHistory.set(key, answer);
    }
    return answer;
  },
});
