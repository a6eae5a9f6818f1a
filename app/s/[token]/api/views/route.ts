import { AccessError } from "@/lib/auth/access";
import { recordShareView } from "@/lib/auth/share-links";
import { apiRoute } from "@/lib/http/api-route";

// POST /s/:token/api/views → 204: counted by the running page, so chat previews (no script) never count.
export const POST = apiRoute({
  route: "POST /s/:token/api/views",
  ids: [],
  handler: async ({ principal, request }) => {
    if (principal.kind !== "share") throw new AccessError("forbidden", "Only a share link's page counts its views.");
    await recordShareView(principal, request);
    return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
  },
});
