import { findDeviceLocation } from "@/lib/data/device-location";
import { fileSlug, sessionsToCsv } from "@/lib/device-view/csv";
import { getDeviceSessionsInView, viewFromQuery } from "@/lib/device-view/device-data";
import { rangeSlug, VIEW_QUERY_PARAMS } from "@/lib/device-view/view";
import { fileRoute, RequestError } from "@/lib/http/api-route";
import { isNsightId } from "@/lib/nsight/client";

// GET /api/devices/:deviceId/sessions/csv?…[&client=]: every session of the current view as a CSV file.
export const GET = fileRoute<{ deviceId: string }>({
  route: "GET /api/devices/:deviceId/sessions/csv",
  ids: ["deviceId"],
  query: [...VIEW_QUERY_PARAMS, "client"],
  handler: async ({ principal, params, query, signal }) => {
    const hint = query.get("client");
    if (hint !== null && !isNsightId(hint)) throw new RequestError("Invalid client id: expected a positive whole number.");
    query.delete("client");
    const { view, zone } = viewFromQuery(query);
    const [sessions, location] = await Promise.all([
      getDeviceSessionsInView(principal, params.deviceId, view, zone, signal),
      findDeviceLocation(principal, params.deviceId, hint ?? undefined, { signal }).catch(() => null),
    ]);
    const filename = `${location ? fileSlug(location.device.name) : "device"}-${params.deviceId}-${rangeSlug(view)}.csv`;
    return new Response(sessionsToCsv(sessions.data, zone), {
      status: 200,
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="${filename}"`,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
      },
    });
  },
});
