import { requireReport } from "@/lib/auth/access";
import { getReportClient, getReportDevices } from "@/lib/data/nsight-data";
import { displayName } from "@/lib/display-name";
import { safeZone } from "@/lib/format";
import { fileRoute, RequestError } from "@/lib/http/api-route";
import { buildClientReport, monthBounds, monthKey, monthTiming, parseReportMonth, previousFullMonth } from "@/lib/reports/client-report";
import { clientReportFilename, clientReportToCsv } from "@/lib/reports/client-report-csv";
import { readReportDevices } from "@/lib/reports/report-data";

// GET /api/reports/clients/:clientId/csv?month=YYYY-MM: the client report's table as a CSV file (default: the previous full month in the client's zone).
export const GET = fileRoute<{ clientId: string }>({
  route: "GET /api/reports/clients/:clientId/csv",
  ids: ["clientId"],
  query: ["month"],
  handler: async ({ principal, params, query, signal }) => {
    const asked = query.get("month");
    const parsed = asked === null ? null : parseReportMonth(asked);
    if (parsed && !parsed.ok) throw new RequestError(parsed.problem);
    requireReport(principal, params.clientId, parsed ? monthKey(parsed.month) : null);
    const client = (await getReportClient(principal, params.clientId, null, { signal })).data;
    const zone = safeZone(client.timezone);
    const now = Date.now();
    const month = parsed?.month ?? previousFullMonth(now, zone);
    const key = monthKey(month);
    if (monthTiming(monthBounds(month, zone), now) === "future") throw new RequestError(`${key} has not begun in ${zone}: there is nothing to report yet.`);
    const devices = (await getReportDevices(principal, params.clientId, key, { signal })).data;
    const results = await Promise.all(readReportDevices(principal, params.clientId, key, monthBounds(month, zone), devices, now, signal));
    const report = buildClientReport({ month, zone, now, devices: results });
    const name = displayName(client.name, `Client ${params.clientId}`);
    return new Response(clientReportToCsv(report, name), {
      status: 200,
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="${clientReportFilename(name, params.clientId, key)}"`,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
      },
    });
  },
});
