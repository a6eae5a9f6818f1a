import { audit } from "@/lib/auth/audit";
import { credentialCookieOptions, pairingCookieName, serializeCookie } from "@/lib/auth/cookies";
import { PAIRING_TTL_MS, startPairing } from "@/lib/auth/displays";
import { originAllowed } from "@/lib/auth/origin";
import { requestAddress } from "@/lib/auth/request-info";
import { jsonResponse } from "@/lib/http/api-route";
import { getStore } from "@/lib/store/db";

// POST /api/displays/pairing: a new pairing code for a wall; the claim secret goes in an HttpOnly cookie.
export async function POST(request: Request): Promise<Response> {
  if (!originAllowed(request)) return jsonResponse({ error: { code: "forbidden", message: "This request came from another site; it was refused." } }, 403);
  const address = requestAddress(request.headers);
  const started = await startPairing(await getStore(), address);
  if (!started.ok) {
    if (started.reason === "table_full") await audit("system", { action: "display.pairing_refused", detail: { reason: started.reason }, address });
    const message = started.reason === "address_limit" ? "Too many pairing codes from this address; try again in a few minutes." : "Too many walls are waiting to be paired; try again in a few minutes.";
    return jsonResponse({ error: { code: "throttled", message } }, 429, { "Retry-After": "60" });
  }
  const response = jsonResponse({ data: { code: started.code, expiresAt: new Date(started.expiresAt).toISOString() } }, 201);
  response.headers.append("Set-Cookie", serializeCookie(pairingCookieName(), started.claim, credentialCookieOptions(PAIRING_TTL_MS)));
  return response;
}
