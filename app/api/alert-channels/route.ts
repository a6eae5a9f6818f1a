import { changeContext, created, storeAnswer } from "@/lib/admin/api";
import { createChannelFor, listChannelsFor } from "@/lib/alerts/channels/admin";
import { CREATE_CHANNEL_BODY } from "@/lib/alerts/channels/settings";
import { apiRoute } from "@/lib/http/api-route";
import { readJsonBody } from "@/lib/http/json-body";

// GET /api/alert-channels: every alert channel, with its URL masked and never its secret.
export const GET = apiRoute({
  route: "GET /api/alert-channels",
  ids: [],
  capability: "alerts.manage",
  handler: async ({ principal }) => storeAnswer(await listChannelsFor(principal)),
});

// POST /api/alert-channels { type, name, url | to, secret?, clients?, states?, anomalies? } → 201; a webhook's secret is shown this once.
export const POST = apiRoute({
  route: "POST /api/alert-channels",
  ids: [],
  capability: "alerts.manage",
  handler: async ({ principal, request }) => created(await createChannelFor(changeContext(principal, request), await readJsonBody(request, CREATE_CHANNEL_BODY))),
});
