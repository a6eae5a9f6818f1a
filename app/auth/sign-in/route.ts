import { credentialCookieOptions, serializeCookie } from "@/lib/auth/cookies";
import { seeOther } from "@/lib/auth/form-post";
import { OidcSignInError, oidcSettings, SIGN_IN_STATE_COOKIE_PATH, SIGN_IN_STATE_MAX_AGE_MS, signInStateCookieName, startOidcSignIn } from "@/lib/auth/oidc";
import { safeNext } from "@/lib/auth/page";
import { log } from "@/lib/log";

/** `next` travels in the state cookie, which must stay well under a browser's 4 KB. */
const MAX_NEXT_LENGTH = 1_000;

// GET /auth/sign-in?next=…: sends the browser to the identity provider.
export async function GET(request: Request): Promise<Response> {
  if (!oidcSettings()) return new Response("Single sign-on is not configured.", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
  const asked = safeNext(new URL(request.url).searchParams.get("next"));
  const next = asked.length > MAX_NEXT_LENGTH ? "/" : asked;
  try {
    const { url, stateCookie } = await startOidcSignIn(next);
    return seeOther(url.href, [serializeCookie(signInStateCookieName(), stateCookie, credentialCookieOptions(SIGN_IN_STATE_MAX_AGE_MS, SIGN_IN_STATE_COOKIE_PATH))]);
  } catch (error) {
    const failure = error instanceof OidcSignInError ? error : new OidcSignInError("sso_unavailable", "unexpected error");
    log("warn", "oidc.sign_in_not_started", { reason: failure.reason });
    return seeOther(`/login?error=${failure.failure}&next=${encodeURIComponent(next)}`);
  }
}
