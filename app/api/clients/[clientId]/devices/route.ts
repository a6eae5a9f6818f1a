import { getClientDevices } from "@/lib/data/nsight-data";
import { apiRoute } from "@/lib/http/api-route";

// GET /api/clients/:clientId/devices: every server and workstation of a client, with site and B&R flag.
export const GET = apiRoute<{ clientId: string }>({
  route: "GET /api/clients/:clientId/devices",
  ids: ["clientId"],
  handler: ({ principal, params, signal }) => getClientDevices(principal, params.clientId, { signal }),
});
