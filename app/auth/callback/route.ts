import { audit } from "@/lib/auth/audit";
import { clearedCookie, credentialCookieOptions, readCookie, serializeCookie, sessionCookieName } from "@/lib/auth/cookies";
import { seeOther } from "@/lib/auth/form-post";
import { describeOidcError, finishOidcSignIn, OidcSignInError, SIGN_IN_STATE_COOKIE_PATH, signInStateCookieName, signInWithIdentity } from "@/lib/auth/oidc";
import { safeNext } from "@/lib/auth/page";
import { requestAddress, requestUserAgent } from "@/lib/auth/request-info";
import { log } from "@/lib/log";
import { getStore } from "@/lib/store/db";

// GET /auth/callback?code=…&state=…: the identity provider's answer; a failure's reason goes to the log only.
export async function GET(request: Request): Promise<Response> {
  const cookieHeader = request.headers.get("cookie");
  const address = requestAddress(request.headers);
  // The state is for one answer only, whatever happens next.
  const clearState = clearedCookie(signInStateCookieName(), SIGN_IN_STATE_COOKIE_PATH);
  try {
    const { identity, next } = await finishOidcSignIn(new URL(request.url).search, readCookie(cookieHeader, signInStateCookieName()));
    const db = await getStore();
    const result = await signInWithIdentity(db, identity, {
      address,
      userAgent: requestUserAgent(request.headers),
      previousToken: readCookie(cookieHeader, sessionCookieName()),
    });
    const actor = `user:${result.user.id}`;
    if (result.created) await audit(actor, { action: "user.create", target: actor, detail: { via: "oidc", issuer: identity.issuer, role: identity.role }, address });
    if (result.previousRole !== undefined) {
      await audit(actor, { action: "user.set_role", target: actor, detail: { via: "oidc", from: result.previousRole, to: identity.role, claims: identity.roleClaims }, address });
    }
    if (!result.session) throw new OidcSignInError("sso_disabled", "user is disabled");
    await audit(actor, { action: "session.sign_in", detail: { method: "oidc", role: identity.role }, address });
    return seeOther(safeNext(next), [clearState, serializeCookie(sessionCookieName(), result.session.token, credentialCookieOptions(result.session.maxAgeMs))]);
  } catch (error) {
    const failure = error instanceof OidcSignInError ? error : new OidcSignInError("sso_rejected", describeOidcError(error));
    log("warn", "oidc.sign_in_failed", { failure: failure.failure, reason: failure.reason });
    await audit("anonymous", { action: "session.sign_in_failed", detail: { method: "oidc", reason: failure.failure }, address });
    return seeOther(`/login?error=${failure.failure}`, [clearState]);
  }
}
