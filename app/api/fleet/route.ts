import { apiRoute, RequestError } from "@/lib/http/api-route";
import { isNsightId } from "@/lib/nsight/client";
import { getFleet } from "@/lib/server/fleet";

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
    const newest = snapshot.newestReadAt ? Date.parse(snapshot.newestReadAt) : Date.parse(snapshot.asOf);
    return { data: snapshot, fetchedAt: newest, stale: snapshot.upstream.status === "failing" };
  },
});
