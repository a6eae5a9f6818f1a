import { audit } from "@/lib/auth/audit";
import { credentialCookieOptions, serializeCookie, sessionCookieName } from "@/lib/auth/cookies";
import { readFormPost, seeOther } from "@/lib/auth/form-post";
import { hashPassword, passwordProblem } from "@/lib/auth/passwords";
import { requestAddress, requestUserAgent } from "@/lib/auth/request-info";
import { createSession } from "@/lib/auth/sessions";
import { consumeSetupToken, needsFirstAdmin, setupTokenValid } from "@/lib/auth/setup";
import { getStore } from "@/lib/store/db";
import { createUser, setPasswordHash } from "@/lib/store/users";

const EMAIL = /^[^\s@]+@[^\s@]+$/;

// POST /auth/setup (form: token, email, name, password, confirm): creates the first administrator.
export async function POST(request: Request): Promise<Response> {
  const form = await readFormPost(request);
  if ("refused" in form) return form.refused;
  const token = form.fields("token");
  const back = (problem: string) => seeOther(`/setup?token=${encodeURIComponent(token)}&error=${problem}`);
  const db = await getStore();
  if (!(await needsFirstAdmin(db)) || !(await setupTokenValid(db, token))) return seeOther("/setup?error=expired");
  const email = form.fields("email").trim().toLowerCase();
  const password = form.fields("password");
  if (!EMAIL.test(email) || email.length > 320) return back("email");
  if (passwordProblem(password)) return back("password");
  if (password !== form.fields("confirm")) return back("confirm");
  const hash = await hashPassword(password);
  if (!(await consumeSetupToken(db, token))) return seeOther("/setup?error=expired");
  const user = await createUser(db, { email, name: form.fields("name").trim().slice(0, 200) || null, role: "admin" });
  await setPasswordHash(db, user.id, hash);
  const address = requestAddress(request.headers);
  await audit(`user:${user.id}`, { action: "user.create", target: `user:${user.id}`, detail: { role: "admin", via: "setup link" }, address });
  const session = await createSession(db, user.id, { address, userAgent: requestUserAgent(request.headers) });
  await audit(`user:${user.id}`, { action: "session.sign_in", detail: { method: "setup" }, address });
  return seeOther("/", [serializeCookie(sessionCookieName(), session.token, credentialCookieOptions(session.maxAgeMs))]);
}
