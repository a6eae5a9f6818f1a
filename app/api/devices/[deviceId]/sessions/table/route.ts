import { getDeviceSessionPage, viewFromQuery } from "@/lib/device-view/device-data";
import { VIEW_QUERY_PARAMS } from "@/lib/device-view/view";
import { apiRoute } from "@/lib/http/api-route";

// GET /api/devices/:deviceId/sessions/table?…&sort&dir&page: one page of the session table.
export const GET = apiRoute<{ deviceId: string }>({
  route: "GET /api/devices/:deviceId/sessions/table",
  ids: ["deviceId"],
  query: [...VIEW_QUERY_PARAMS],
  handler: ({ principal, params, query, signal }) => {
    const { view, zone } = viewFromQuery(query);
    return getDeviceSessionPage(principal, params.deviceId, view, zone, signal);
  },
});
