import { apiRoute, jsonResponse } from "@/lib/http/api-route";
import { deleteWindowFor } from "@/lib/incidents/quiet-controls";

// DELETE /api/maintenance-windows/:id → 204.
export const DELETE = apiRoute<{ id: string }>({
  route: "DELETE /api/maintenance-windows/:id",
  ids: [],
  capability: "incidents.snooze",
  handler: async ({ principal, request, params }) => {
    if (!(await deleteWindowFor(principal, request, params.id))) return jsonResponse({ error: { code: "not_found", message: "No such maintenance window." } }, 404);
    return new Response(null, { status: 204 });
  },
});
