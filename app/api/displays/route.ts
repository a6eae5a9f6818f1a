import { listDisplaysAs } from "@/lib/auth/display-admin";
import { apiRoute } from "@/lib/http/api-route";

// GET /api/displays: the paired wall screens, with their clients and when and where each was last seen.
export const GET = apiRoute({
  route: "GET /api/displays",
  ids: [],
  capability: "displays.manage",
  handler: async ({ principal }) => ({ data: await listDisplaysAs(principal), fetchedAt: Date.now(), stale: false }),
});
