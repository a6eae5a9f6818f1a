import { apiRoute, RequestError } from "@/lib/http/api-route";
import { readIncidentCounts } from "@/lib/incidents/incident-views";
import { isNsightId } from "@/lib/nsight/client";

// GET /api/incidents/counts[?clients=1,2]: open incidents and how many of them are snoozed, counted like the fleet (a wall polls it).
export const GET = apiRoute({
  route: "GET /api/incidents/counts",
  ids: [],
  query: ["clients"],
  capability: "fleet.read",
  handler: async ({ principal, query }) => {
    const clients = query.get("clients");
    let filter: Set<string> | undefined;
    if (clients !== null) {
      const ids = clients.split(",").filter(Boolean);
      if (ids.length === 0 || ids.length > 500 || !ids.every(isNsightId)) throw new RequestError("Invalid clients: expected client ids separated by commas.");
      filter = new Set(ids);
    }
    return { data: await readIncidentCounts(principal, "fleet.read", filter), fetchedAt: Date.now(), stale: false };
  },
});
