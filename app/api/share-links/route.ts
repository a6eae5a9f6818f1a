import { createShareLinkFor, shareLinksOf } from "@/lib/auth/share-links";
import { apiRoute, jsonResponse, RequestError } from "@/lib/http/api-route";

// POST /api/share-links { deviceId, expiresInDays?, view? } → 201 { data: { id, url, expiresAt } }:
// a read-only link to one device's page (the token is in the URL, and only there).
export const POST = apiRoute({
  route: "POST /api/share-links",
  ids: [],
  capability: "share.create",
  handler: async ({ principal, request }) => {
    let body: unknown;
    try {
      body = await request.json();
    } catch {
      throw new RequestError("Expected a JSON body.");
    }
    return jsonResponse({ data: await createShareLinkFor(principal, request, body) }, 201);
  },
});

// GET /api/share-links: an admin's list holds every link, anyone else's their own (never a token).
export const GET = apiRoute({
  route: "GET /api/share-links",
  ids: [],
  capability: "share.create",
  handler: async ({ principal }) => ({ data: await shareLinksOf(principal), fetchedAt: Date.now(), stale: false }),
});
