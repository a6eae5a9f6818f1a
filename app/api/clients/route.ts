import { getClients } from "@/lib/data/nsight-data";
import { apiRoute } from "@/lib/http/api-route";

// GET /api/clients: every client the principal may see, with device counts and time zone.
export const GET = apiRoute({ route: "GET /api/clients", ids: [], capability: "client.read", handler: ({ principal, signal }) => getClients(principal, { signal }) });
