import { endUserSessions } from "@/lib/admin/admin";
import { changeContext } from "@/lib/admin/api";
import { apiRoute, jsonResponse } from "@/lib/http/api-route";

// DELETE /api/users/:userId/sessions: ends every session of a user; answers how many were open.
export const DELETE = apiRoute<{ userId: string }>({
  route: "DELETE /api/users/:userId/sessions",
  ids: [],
  capability: "users.manage",
  handler: async ({ principal, request, params }) => jsonResponse({ data: { ended: await endUserSessions(changeContext(principal, request), params.userId) } }, 200),
});
