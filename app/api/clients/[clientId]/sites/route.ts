import { getSites } from "@/lib/data/nsight-data";
import { apiRoute } from "@/lib/http/api-route";

// GET /api/clients/:clientId/sites: the sites of one client.
export const GET = apiRoute<{ clientId: string }>({
  route: "GET /api/clients/:clientId/sites",
  ids: ["clientId"],
  handler: ({ principal, params, signal }) => getSites(principal, params.clientId, { signal }),
});
