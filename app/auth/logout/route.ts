import { audit } from "@/lib/auth/audit";
import { clearedCookie, readCookie, sessionCookieName } from "@/lib/auth/cookies";
import { readFormPost, seeOther } from "@/lib/auth/form-post";
import { requestAddress } from "@/lib/auth/request-info";
import { endSession } from "@/lib/auth/sessions";
import { hashToken, looksLikeToken } from "@/lib/auth/tokens";
import { getStore } from "@/lib/store/db";
import { findLiveSession } from "@/lib/store/sessions";

// POST /auth/logout: ends this browser's session and clears its cookie.
export async function POST(request: Request): Promise<Response> {
  const form = await readFormPost(request);
  if ("refused" in form) return form.refused;
  const token = readCookie(request.headers.get("cookie"), sessionCookieName());
  if (looksLikeToken(token)) {
    const db = await getStore();
    const session = await findLiveSession(db, hashToken(token));
    if (session) {
      await endSession(db, session.hash);
      await audit(`user:${session.userId}`, { action: "session.sign_out", address: requestAddress(request.headers) });
    }
  }
  return seeOther("/login?signed_out=1", [clearedCookie(sessionCookieName())]);
}
