import { apiRoute, jsonResponse } from "@/lib/http/api-route";
import { endSnoozeFor } from "@/lib/incidents/quiet-controls";

// DELETE /api/snoozes/:id → 204: end a snooze early.
export const DELETE = apiRoute<{ id: string }>({
  route: "DELETE /api/snoozes/:id",
  ids: [],
  capability: "incidents.snooze",
  handler: async ({ principal, request, params }) => {
    if (!(await endSnoozeFor(principal, request, params.id))) return jsonResponse({ error: { code: "not_found", message: "No such running snooze." } }, 404);
    return new Response(null, { status: 204 });
  },
});
