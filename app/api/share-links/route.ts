import { createShareLinkFor, shareLinksOf } from "@/lib/auth/share-links";
import { apiRoute, jsonResponse } from "@/lib/http/api-route";
import { JSON_OBJECT, readJsonBody } from "@/lib/http/json-body";

// POST /api/share-links { deviceId, expiresInDays?, view? } → 201: a read-only link to one device's page.
export const POST = apiRoute({
  route: "POST /api/share-links",
  ids: [],
  capability: "share.create",
  handler: async ({ principal, request }) => {
    const body = await readJsonBody(request, JSON_OBJECT);
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
