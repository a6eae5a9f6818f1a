import { apiRoute, jsonResponse } from "@/lib/http/api-route";
import { JSON_OBJECT, readJsonBody } from "@/lib/http/json-body";
import { createSnoozeFor, snoozesOf } from "@/lib/incidents/quiet-controls";

// POST /api/snoozes { scope, targetId, until | hours, reason } → 201: hold a device's or a client's alerts until a time.
export const POST = apiRoute({
  route: "POST /api/snoozes",
  ids: [],
  capability: "incidents.snooze",
  handler: async ({ principal, request }) => {
    const body = await readJsonBody(request, JSON_OBJECT);
    return jsonResponse({ data: await createSnoozeFor(principal, request, body) }, 201);
  },
});

// GET /api/snoozes: the running snoozes of the clients the principal may see.
export const GET = apiRoute({
  route: "GET /api/snoozes",
  ids: [],
  capability: "incidents.read",
  handler: async ({ principal }) => ({ data: await snoozesOf(principal), fetchedAt: Date.now(), stale: false }),
});
