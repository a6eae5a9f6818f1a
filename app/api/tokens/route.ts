import { createTokenFor, listTokensForAdmin } from "@/lib/admin/admin";
import { changeContext, created, storeAnswer, TOKEN_BODY, tokenJson } from "@/lib/admin/api";
import { apiRoute } from "@/lib/http/api-route";
import { readJsonBody } from "@/lib/http/json-body";

// GET /api/tokens: every API token (never the token itself), with its user and last use.
export const GET = apiRoute({
  route: "GET /api/tokens",
  ids: [],
  capability: "tokens.manage",
  handler: async ({ principal }) => storeAnswer((await listTokensForAdmin(principal)).map(tokenJson)),
});

// POST /api/tokens { userId, name, expiresInDays? }: issues a token; the answer is the only time it is shown.
export const POST = apiRoute({
  route: "POST /api/tokens",
  ids: [],
  capability: "tokens.manage",
  handler: async ({ principal, request }) => {
    const body = await readJsonBody(request, TOKEN_BODY);
    const { token, listing } = await createTokenFor(changeContext(principal, request), { userId: body.userId, name: body.name, expiresInDays: body.expiresInDays ?? null });
    return created({ ...tokenJson(listing), token });
  },
});
