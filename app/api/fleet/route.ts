import { isDemo } from "@/lib/config";
import type { FleetSnapshot } from "@/lib/fleet/types";
import { apiRoute, RequestError } from "@/lib/http/api-route";
import { EncodedAnswer } from "@/lib/http/encoded-answer";
import { isNsightId } from "@/lib/nsight/client";
import { getFleet } from "@/lib/server/fleet";
import type { ApiSuccess } from "@/lib/types";

/**
 * Encoded answers per snapshot. The refresher hands out the same snapshot object for a few
 * seconds per filter, while every NOC wall and overview polls this route: each poll then
 * costs a lookup, not a JSON encoding and a gzip.
 */
const encoded = new WeakMap<FleetSnapshot, EncodedAnswer>();

// GET /api/fleet[?clients=1,2]: fleet backup health from the refresher's state (never calls
// N-sight): counts, problem devices worst first, client rollups, progress, N-sight's status.
export const GET = apiRoute({
  route: "GET /api/fleet",
  ids: [],
  query: ["clients"],
  handler: async ({ query }) => {
    const clients = query.get("clients");
    let filter: Set<string> | undefined;
    if (clients !== null) {
      const ids = clients.split(",").filter(Boolean);
      if (ids.length === 0 || ids.length > 500 || !ids.every(isNsightId)) {
        throw new RequestError("Invalid clients: expected client ids separated by commas.");
      }
      filter = new Set(ids);
    }
    const snapshot = getFleet().snapshot(filter);
    let answer = encoded.get(snapshot);
    if (!answer) {
      const newest = snapshot.newestReadAt ?? snapshot.asOf;
      const meta = { fetchedAt: new Date(newest).toISOString(), stale: snapshot.upstream.status === "failing", demo: isDemo() };
      answer = new EncodedAnswer(Buffer.from(JSON.stringify({ data: snapshot, meta } satisfies ApiSuccess<FleetSnapshot>)));
      encoded.set(snapshot, answer);
    }
    return answer;
  },
});
