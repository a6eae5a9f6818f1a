import { changeUserRole, parseClientIds } from "@/lib/admin/admin";
import { changeContext, noContent, ROLE_BODY } from "@/lib/admin/api";
import { apiRoute } from "@/lib/http/api-route";
import { readJsonBody } from "@/lib/http/json-body";

// POST /api/users/:userId/role { role, clients? }: sets a user's role (null: no access) and a viewer's clients.
export const POST = apiRoute<{ userId: string }>({
  route: "POST /api/users/:userId/role",
  ids: [],
  capability: "users.manage",
  handler: async ({ principal, request, params }) => {
    const body = await readJsonBody(request, ROLE_BODY);
    const clients = body.clients === undefined ? null : parseClientIds(body.clients);
    await changeUserRole(changeContext(principal, request), params.userId, body.role, clients);
    return noContent();
  },
});
