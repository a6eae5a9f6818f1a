import { audit } from "@/lib/auth/audit";
import { readCookie, serializeCookie, credentialCookieOptions, sessionCookieName } from "@/lib/auth/cookies";
import { readFormPost, seeOther } from "@/lib/auth/form-post";
import { signInWithPassword } from "@/lib/auth/local-login";
import { safeNext } from "@/lib/auth/page";
import { requestAddress, requestUserAgent } from "@/lib/auth/request-info";
import { getStore } from "@/lib/store/db";

// POST /auth/login (form: email, password, next): local sign-in; every failure gets the same error.
export async function POST(request: Request): Promise<Response> {
  const form = await readFormPost(request);
  if ("refused" in form) return form.refused;
  const next = safeNext(form.fields("next"));
  const address = requestAddress(request.headers);
  const db = await getStore();
  const result = await signInWithPassword(db, {
    email: form.fields("email"),
    password: form.fields("password"),
    address,
    userAgent: requestUserAgent(request.headers),
    previousToken: readCookie(request.headers.get("cookie"), sessionCookieName()),
  });
  if (!result.ok) {
    await audit("anonymous", { action: "session.sign_in_failed", detail: { email: form.fields("email").trim().toLowerCase().slice(0, 320), reason: result.reason }, address });
    return seeOther(`/login?error=${result.reason}&next=${encodeURIComponent(next)}`);
  }
  await audit(`user:${result.userId}`, { action: "session.sign_in", detail: { method: "password" }, address });
  return seeOther(next, [serializeCookie(sessionCookieName(), result.session.token, credentialCookieOptions(result.session.maxAgeMs))]);
}
