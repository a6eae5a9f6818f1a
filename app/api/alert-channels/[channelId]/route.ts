import { changeContext, noContent, storeAnswer } from "@/lib/admin/api";
import { channelFor, deleteChannelFor, updateChannelFor } from "@/lib/alerts/channels/admin";
import { UPDATE_CHANNEL_BODY } from "@/lib/alerts/channels/settings";
import { apiRoute } from "@/lib/http/api-route";
import { readJsonBody } from "@/lib/http/json-body";

// GET /api/alert-channels/:channelId: one channel (URL masked, no secret).
export const GET = apiRoute<{ channelId: string }>({
  route: "GET /api/alert-channels/:channelId",
  ids: [],
  capability: "alerts.manage",
  handler: async ({ principal, params }) => storeAnswer(await channelFor(principal, params.channelId)),
});

// PATCH /api/alert-channels/:channelId { name?, url? | to?, secret?, clients?, states?, anomalies?, enabled? }: the type never changes.
export const PATCH = apiRoute<{ channelId: string }>({
  route: "PATCH /api/alert-channels/:channelId",
  ids: [],
  capability: "alerts.manage",
  handler: async ({ principal, request, params }) => storeAnswer(await updateChannelFor(changeContext(principal, request), params.channelId, await readJsonBody(request, UPDATE_CHANNEL_BODY))),
});

// DELETE /api/alert-channels/:channelId → 204: the channel, its queue and its delivery log.
export const DELETE = apiRoute<{ channelId: string }>({
  route: "DELETE /api/alert-channels/:channelId",
  ids: [],
  capability: "alerts.manage",
  handler: async ({ principal, request, params }) => {
    await deleteChannelFor(changeContext(principal, request), params.channelId);
    return noContent();
  },
});
