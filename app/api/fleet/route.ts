import { readFleetSnapshot } from "@/lib/data/fleet";
import type { FleetSnapshot } from "@/lib/fleet/types";
import { apiRoute, encodeSuccess, RequestError } from "@/lib/http/api-route";
import type { EncodedAnswer } from "@/lib/http/encoded-answer";
import { isNsightId } from "@/lib/nsight/client";

// Per snapshot, so each poll of every wall costs a lookup, not a JSON encoding and a gzip.
const encoded = new WeakMap<FleetSnapshot, EncodedAnswer>();

// GET /api/fleet[?clients=1,2]: fleet backup health from the refresher's state (never calls N-sight).
export const GET = apiRoute({
  route: "GET /api/fleet",
  ids: [],
  query: ["clients"],
  capability: "fleet.read",
  handler: async ({ principal, query }) => {
    const clients = query.get("clients");
    let filter: Set<string> | undefined;
    if (clients !== null) {
      const ids = clients.split(",").filter(Boolean);
      if (ids.length === 0 || ids.length > 500 || !ids.every(isNsightId)) {
        throw new RequestError("Invalid clients: expected client ids separated by commas.");
      }
      filter = new Set(ids);
    }
    // Only the clients the principal may see, whatever it asks for.
    const snapshot = readFleetSnapshot(principal, filter);
    let answer = encoded.get(snapshot);
    if (!answer) {
      const newest = Date.parse(snapshot.newestReadAt ?? snapshot.asOf);
      answer = encodeSuccess({ data: snapshot, fetchedAt: newest, stale: snapshot.upstream.status === "failing" });
      encoded.set(snapshot, answer);
    }
    return answer;
  },
});
