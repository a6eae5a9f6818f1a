import { isAccessError } from "@/lib/auth/access";
import { revokeDisplayAs } from "@/lib/auth/display-admin";
import { readFormPost, seeOther } from "@/lib/auth/form-post";
import { requestAddress } from "@/lib/auth/request-info";
import { resolvePrincipal } from "@/lib/auth/resolve";
import { errorResponse } from "@/lib/http/api-route";

// POST /admin/displays/revoke: the Revoke button of a row on /admin/displays.
export async function POST(request: Request): Promise<Response> {
  const form = await readFormPost(request);
  if ("refused" in form) return form.refused;
  try {
    const revoked = await revokeDisplayAs(await resolvePrincipal(request), form.fields("id"), requestAddress(request.headers));
    return seeOther(revoked ? "/admin/displays?done=revoked" : "/admin/displays?error=revoke");
  } catch (error) {
    if (isAccessError(error)) return errorResponse(error, "POST /admin/displays/revoke");
    throw error;
  }
}
