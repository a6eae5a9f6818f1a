import { AccessError } from "@/lib/auth/access";
import { recordShareView } from "@/lib/auth/share-links";
import { apiRoute } from "@/lib/http/api-route";

// POST /s/:token/api/views → 204: the running page counts one view of its link. Chat previews
// (Teams, Slack) fetch the page without running its script, so they never reach this and are
// not counted; nothing about a link is used up by opening it.
export const POST = apiRoute({
  route: "POST /s/:token/api/views",
  ids: [],
  handler: async ({ principal, request }) => {
    if (principal.kind !== "share") throw new AccessError("forbidden", "Only a share link's page counts its views.");
    await recordShareView(principal, request);
    return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
  },
});
