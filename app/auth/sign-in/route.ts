import { credentialCookieOptions, serializeCookie } from "@/lib/auth/cookies";
import { seeOther } from "@/lib/auth/form-post";
import { OidcSignInError, SIGN_IN_STATE_COOKIE_PATH, SIGN_IN_STATE_MAX_AGE_MS, signInStateCookieName, startOidcSignIn } from "@/lib/auth/oidc";
import { safeNext } from "@/lib/auth/page";
import { log } from "@/lib/log";

// GET /auth/sign-in?next=…: sends the browser to the identity provider (a link, not a form:
// the CSP's form-action would block a form's redirect to another site).
export async function GET(request: Request): Promise<Response> {
  const next = safeNext(new URL(request.url).searchParams.get("next"));
  try {
    const { url, stateCookie } = await startOidcSignIn(next);
    return seeOther(url.href, [serializeCookie(signInStateCookieName(), stateCookie, credentialCookieOptions(SIGN_IN_STATE_MAX_AGE_MS, SIGN_IN_STATE_COOKIE_PATH))]);
  } catch (error) {
    const failure = error instanceof OidcSignInError ? error : new OidcSignInError("sso_unavailable", "unexpected error");
    log("warn", "oidc.sign_in_not_started", { reason: failure.reason });
    return seeOther(`/login?error=${failure.failure}&next=${encodeURIComponent(next)}`);
  }
}
