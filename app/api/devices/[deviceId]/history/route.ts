import { getDeviceHistory, viewFromQuery } from "@/lib/device-view/device-data";
import { VIEW_QUERY_PARAMS } from "@/lib/device-view/view";
import { apiRoute } from "@/lib/http/api-route";

// GET /api/devices/:deviceId/history?range&from&to&type&plugin&status&tz: summary and chart series (about 1,000 marks at most).
export const GET = apiRoute<{ deviceId: string }>({
  route: "GET /api/devices/:deviceId/history",
  ids: ["deviceId"],
  query: [...VIEW_QUERY_PARAMS],
  handler: ({ principal, params, query, signal }) => {
    const { view, zone } = viewFromQuery(query);
    return getDeviceHistory(principal, params.deviceId, view, zone, signal);
  },
});
