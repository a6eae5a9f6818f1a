import { changeUserDisabled } from "@/lib/admin/admin";
import { changeContext, DISABLED_BODY, noContent } from "@/lib/admin/api";
import { apiRoute } from "@/lib/http/api-route";
import { readJsonBody } from "@/lib/http/json-body";

// POST /api/users/:userId/disabled { disabled }: disables a user (ending their sessions) or enables them again.
export const POST = apiRoute<{ userId: string }>({
  route: "POST /api/users/:userId/disabled",
  ids: [],
  capability: "users.manage",
  handler: async ({ principal, request, params }) => {
    const body = await readJsonBody(request, DISABLED_BODY);
    await changeUserDisabled(changeContext(principal, request), params.userId, body.disabled);
    return noContent();
  },
});
