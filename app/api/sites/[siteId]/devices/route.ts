import { getSiteDevices } from "@/lib/data/nsight-data";
import { apiRoute, RequestError } from "@/lib/http/api-route";
import { isNsightId } from "@/lib/nsight/client";

// GET /api/sites/:siteId/devices[?clientId=]: servers and workstations of a site (B&R flag with clientId).
export const GET = apiRoute<{ siteId: string }>({
  route: "GET /api/sites/:siteId/devices",
  ids: ["siteId"],
  query: ["clientId"],
  handler: ({ principal, params, query, signal }) => {
    const clientId = query.get("clientId") ?? undefined;
    if (clientId !== undefined && !isNsightId(clientId)) {
      throw new RequestError("Invalid client id: expected a positive whole number.");
    }
    return getSiteDevices(principal, params.siteId, clientId, { signal });
  },
});
