import { audit } from "@/lib/auth/audit";
import { clearedCookie, credentialCookieOptions, displayCookieName, pairingCookieName, readCookie, serializeCookie } from "@/lib/auth/cookies";
import { DISPLAY_LIFETIME_MS, pollPairing } from "@/lib/auth/displays";
import { originAllowed } from "@/lib/auth/origin";
import { requestAddress } from "@/lib/auth/request-info";
import { looksLikeToken } from "@/lib/auth/tokens";
import { jsonResponse } from "@/lib/http/api-route";
import { getStore } from "@/lib/store/db";

// POST /api/displays/pairing/claim: a waiting wall asks if it is paired; only the claim cookie's holder gets the display cookie.
export async function POST(request: Request): Promise<Response> {
  if (!originAllowed(request)) return jsonResponse({ error: { code: "forbidden", message: "This request came from another site; it was refused." } }, 403);
  const claim = readCookie(request.headers.get("cookie"), pairingCookieName());
  if (!looksLikeToken(claim)) return jsonResponse({ data: { status: "expired" } }, 200);
  const address = requestAddress(request.headers);
  const poll = await pollPairing(await getStore(), claim, address);
  if (poll.status === "waiting") return jsonResponse({ data: { status: "waiting", expiresAt: new Date(poll.expiresAt).toISOString() } }, 200);
  if (poll.status === "expired") return jsonResponse({ data: { status: "expired" } }, 200, { "Set-Cookie": clearedCookie(pairingCookieName()) });
  await audit(`display:${poll.displayId}`, { action: "display.claim", target: `display:${poll.displayId}`, address });
  const response = jsonResponse({ data: { status: "paired" } }, 200);
  response.headers.append("Set-Cookie", serializeCookie(displayCookieName(), poll.token, credentialCookieOptions(DISPLAY_LIFETIME_MS)));
  response.headers.append("Set-Cookie", clearedCookie(pairingCookieName()));
  return response;
}
