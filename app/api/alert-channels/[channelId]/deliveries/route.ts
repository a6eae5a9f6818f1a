import { storeAnswer } from "@/lib/admin/api";
import { deliveriesFor } from "@/lib/alerts/channels/admin";
import { apiRoute } from "@/lib/http/api-route";

// GET /api/alert-channels/:channelId/deliveries: the channel's latest delivery attempts, newest first (a status line each, never a response body).
export const GET = apiRoute<{ channelId: string }>({
  route: "GET /api/alert-channels/:channelId/deliveries",
  ids: [],
  capability: "alerts.manage",
  handler: async ({ principal, params }) => storeAnswer(await deliveriesFor(principal, params.channelId)),
});
