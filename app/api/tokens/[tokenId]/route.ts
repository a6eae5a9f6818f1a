import { revokeToken } from "@/lib/admin/admin";
import { changeContext, noContent } from "@/lib/admin/api";
import { apiRoute } from "@/lib/http/api-route";

// DELETE /api/tokens/:tokenId: revokes a token (204, also when it was revoked already).
export const DELETE = apiRoute<{ tokenId: string }>({
  route: "DELETE /api/tokens/:tokenId",
  ids: [],
  capability: "tokens.manage",
  handler: async ({ principal, request, params }) => {
    await revokeToken(changeContext(principal, request), params.tokenId);
    return noContent();
  },
});
