import { apiRoute, jsonResponse } from "@/lib/http/api-route";
import { JSON_OBJECT, readJsonBody } from "@/lib/http/json-body";
import { createWindowFor, windowsOf } from "@/lib/incidents/quiet-controls";

// POST /api/maintenance-windows { clientId, weekdays, start, durationMinutes, reason } → 201: a weekly window in the client's zone.
export const POST = apiRoute({
  route: "POST /api/maintenance-windows",
  ids: [],
  capability: "incidents.snooze",
  handler: async ({ principal, request }) => {
    const body = await readJsonBody(request, JSON_OBJECT);
    return jsonResponse({ data: await createWindowFor(principal, request, body) }, 201);
  },
});

// GET /api/maintenance-windows: the windows of the clients the principal may see.
export const GET = apiRoute({
  route: "GET /api/maintenance-windows",
  ids: [],
  capability: "incidents.read",
  handler: async ({ principal }) => ({ data: await windowsOf(principal), fetchedAt: Date.now(), stale: false }),
});
