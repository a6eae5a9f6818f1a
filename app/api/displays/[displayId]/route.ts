import { isDisplayId, revokeDisplayAs } from "@/lib/auth/display-admin";
import { requestAddress } from "@/lib/auth/request-info";
import { apiRoute, jsonResponse, RequestError } from "@/lib/http/api-route";

// DELETE /api/displays/{id}: revokes a display → 204; its wall is refused from its next request on.
export const DELETE = apiRoute<{ displayId: string }>({
  route: "DELETE /api/displays/:displayId",
  ids: [],
  capability: "displays.manage",
  handler: async ({ principal, params, request }) => {
    if (!isDisplayId(params.displayId)) throw new RequestError("Invalid display id.");
    if (!(await revokeDisplayAs(principal, params.displayId, requestAddress(request.headers)))) {
      return jsonResponse({ error: { code: "not_found", message: "No such display (or it was revoked already)." } }, 404);
    }
    return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
  },
});
