import { revokeShareLinkFor } from "@/lib/auth/share-links";
import { apiRoute, jsonResponse, RequestError } from "@/lib/http/api-route";

const LINK_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// DELETE /api/share-links/:id → 204: its creator or an admin revokes a link.
export const DELETE = apiRoute<{ id: string }>({
  route: "DELETE /api/share-links/:id",
  ids: [],
  capability: "share.create",
  handler: async ({ principal, request, params }) => {
    if (!LINK_ID.test(params.id)) throw new RequestError("Invalid share link id.");
    if (!(await revokeShareLinkFor(principal, request, params.id))) {
      return jsonResponse({ error: { code: "not_found", message: "No such share link." } }, 404);
    }
    return new Response(null, { status: 204 });
  },
});
