import { isAccessError } from "@/lib/auth/access";
import { pairDisplayAs } from "@/lib/auth/display-admin";
import { readFormPost, seeOther } from "@/lib/auth/form-post";
import { requestAddress } from "@/lib/auth/request-info";
import { resolvePrincipal } from "@/lib/auth/resolve";
import { errorResponse } from "@/lib/http/api-route";

// POST /admin/displays/pair: the form on /admin/displays (code, name, clients as checkboxes).
export async function POST(request: Request): Promise<Response> {
  const form = await readFormPost(request);
  if ("refused" in form) return form.refused;
  try {
    const clients = form.all("clients");
    const outcome = await pairDisplayAs(await resolvePrincipal(request), { code: form.fields("code"), name: form.fields("name"), clients }, requestAddress(request.headers));
    if (outcome.ok) return seeOther("/admin/displays?done=paired");
    const field = outcome.status === 404 ? "code" : /name/.test(outcome.message) ? "name" : /lients/.test(outcome.message) ? "clients" : "code";
    return seeOther(`/admin/displays?error=${field}`);
  } catch (error) {
    if (isAccessError(error)) return errorResponse(error, "POST /admin/displays/pair");
    throw error;
  }
}
