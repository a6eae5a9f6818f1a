import { changeContext, storeAnswer } from "@/lib/admin/api";
import { testChannelFor } from "@/lib/alerts/channels/admin";
import { apiRoute } from "@/lib/http/api-route";

// POST /api/alert-channels/:channelId/test: sends a test message now and answers how it went (200 either way; it is in the delivery log).
export const POST = apiRoute<{ channelId: string }>({
  route: "POST /api/alert-channels/:channelId/test",
  ids: [],
  capability: "alerts.manage",
  handler: async ({ principal, request, params }) => storeAnswer(await testChannelFor(changeContext(principal, request), params.channelId)),
});
