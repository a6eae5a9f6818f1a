import { pairDisplayAs } from "@/lib/auth/display-admin";
import { requestAddress } from "@/lib/auth/request-info";
import { apiRoute, jsonResponse, RequestError } from "@/lib/http/api-route";

const MAX_BODY_BYTES = 32 * 1024;

// POST /api/displays/pair {"code","name","clients":[…]}: pairs the wall showing the code → 201 with the display.
export const POST = apiRoute({
  route: "POST /api/displays/pair",
  ids: [],
  capability: "displays.manage",
  handler: async ({ principal, request }) => {
    const text = await request.text();
    if (text.length > MAX_BODY_BYTES) throw new RequestError("This request is too large.");
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new RequestError('Expected JSON: {"code", "name", "clients"}.');
    }
    if (typeof body !== "object" || body === null || Array.isArray(body)) throw new RequestError('Expected JSON: {"code", "name", "clients"}.');
    const { code, name, clients } = body as Record<string, unknown>;
    const outcome = await pairDisplayAs(principal, { code, name, clients }, requestAddress(request.headers));
    if (!outcome.ok) return jsonResponse({ error: { code: outcome.status === 404 ? "not_found" : "bad_request", message: outcome.message } }, outcome.status);
    return jsonResponse({ data: outcome.display }, 201);
  },
});
