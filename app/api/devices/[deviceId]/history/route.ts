import { getDeviceHistory, viewFromQuery } from "@/lib/device-view/device-data";
import { VIEW_QUERY_PARAMS } from "@/lib/device-view/view";
import { apiRoute } from "@/lib/http/api-route";

// GET /api/devices/:deviceId/history?range&from&to&type&plugin&status&tz: the device page's
// summary and chart series, aggregated on the server (at most about a thousand marks).
export const GET = apiRoute<{ deviceId: string }>({
  route: "GET /api/devices/:deviceId/history",
  ids: ["deviceId"],
  query: [...VIEW_QUERY_PARAMS],
  handler: ({ principal, params, query, signal }) => {
    const { view, zone } = viewFromQuery(query);
    return getDeviceHistory(principal, params.deviceId, view, zone, signal);
  },
});
