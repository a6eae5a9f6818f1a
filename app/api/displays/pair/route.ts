import { pairDisplayAs } from "@/lib/auth/display-admin";
import { requestAddress } from "@/lib/auth/request-info";
import { apiRoute, jsonResponse } from "@/lib/http/api-route";
import { JSON_OBJECT, readJsonBody } from "@/lib/http/json-body";

// POST /api/displays/pair {"code","name","clients":[…]}: pairs the wall showing the code → 201 with the display.
export const POST = apiRoute({
  route: "POST /api/displays/pair",
  ids: [],
  capability: "displays.manage",
  handler: async ({ principal, request }) => {
    const { code, name, clients } = await readJsonBody(request, JSON_OBJECT);
    const outcome = await pairDisplayAs(principal, { code, name, clients }, requestAddress(request.headers));
    if (!outcome.ok) return jsonResponse({ error: { code: outcome.status === 404 ? "not_found" : "bad_request", message: outcome.message } }, outcome.status);
    return jsonResponse({ data: outcome.display }, 201);
  },
});
