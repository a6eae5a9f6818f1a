import { parseClientFilter } from "@/lib/http/client-filter";
import { apiRoute } from "@/lib/http/api-route";
import { readIncidentCounts } from "@/lib/incidents/incident-views";

// GET /api/incidents/counts[?clients=1,2]: open incidents and how many of them are snoozed, counted like the fleet (a wall polls it).
export const GET = apiRoute({
  route: "GET /api/incidents/counts",
  ids: [],
  query: ["clients"],
  capability: "fleet.read",
  handler: async ({ principal, query }) => {
    const filter = parseClientFilter(query.get("clients"));
    return { data: await readIncidentCounts(principal, "fleet.read", filter), fetchedAt: Date.now(), stale: false };
  },
});
