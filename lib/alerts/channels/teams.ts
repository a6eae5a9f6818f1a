import "server-only";
import type { AlertChannel, AlertMessage, DeliveryResult } from "../types";
import { eventTitle, incidentDetail, incidentHeading, nsightDetail, truncate } from "./format";
import { postJson } from "./http-delivery";

/** Teams refuses a message above 28 KB; the margin covers its own envelope. */
export const TEAMS_MAX_BYTES = 27 * 1024;
const MAX_BUTTONS = 5;

/** The retired Office 365 connector webhooks; Workflows URLs live on logic.azure.com or powerplatform.com. */
export function isLegacyTeamsConnector(url: URL): boolean {
  const host = url.hostname.toLowerCase();
  return host === "webhook.office.com" || host.endsWith(".webhook.office.com") || (host === "outlook.office.com" && url.pathname.startsWith("/webhook"));
}

type CardElement = Record<string, unknown>;

function incidentBlock(message: AlertMessage, index: number): CardElement {
  const incident = message.incidents[index]!;
  return {
    type: "Container",
    separator: true,
    items: [
      { type: "TextBlock", text: truncate(incidentHeading(incident), 200), weight: "Bolder", wrap: true },
      { type: "TextBlock", text: truncate(incidentDetail(incident), 600), wrap: true, spacing: "None" },
    ],
  };
}

function card(message: AlertMessage, shown: number): Record<string, unknown> {
  const body: CardElement[] = [
    { type: "TextBlock", text: eventTitle(message), size: "Small", weight: "Bolder", color: message.event === "incident.resolved" || message.event === "nsight.recovered" ? "Good" : "Attention" },
    { type: "TextBlock", text: truncate(message.summary, 400), size: "Medium", weight: "Bolder", wrap: true },
  ];
  const nsight = nsightDetail(message);
  if (nsight) body.push({ type: "TextBlock", text: truncate(nsight, 600), wrap: true });
  for (let i = 0; i < shown; i++) body.push(incidentBlock(message, i));
  const hidden = message.incidents.length - shown;
  if (hidden > 0) body.push({ type: "TextBlock", text: `and ${hidden} more`, isSubtle: true, wrap: true });
  const actions = message.incidents
    .slice(0, shown)
    .filter((i) => i.url)
    .slice(0, MAX_BUTTONS)
    .map((i) => ({ type: "Action.OpenUrl", title: truncate(`Open ${i.deviceName}`, 60), url: i.url }));
  if (message.dashboardUrl) actions.push({ type: "Action.OpenUrl", title: "Open the dashboard", url: message.dashboardUrl });
  return {
    type: "message",
    attachments: [
      {
        contentType: "application/vnd.microsoft.card.adaptive",
        contentUrl: null,
        content: { $schema: "http://adaptivecards.io/schemas/adaptive-card.json", type: "AdaptiveCard", version: "1.4", msteams: { width: "Full" }, body, actions },
      },
    ],
  };
}

/** The Adaptive Card for a Workflows webhook, as many incidents as fit under the size limit and "and N more" for the rest. */
export function teamsPayload(message: AlertMessage): string {
  let shown = message.incidents.length;
  let text = JSON.stringify(card(message, shown));
  while (Buffer.byteLength(text) > TEAMS_MAX_BYTES && shown > 0) {
    // Shrink in proportion first, then one by one near the limit.
    const ratio = TEAMS_MAX_BYTES / Buffer.byteLength(text);
    shown = Math.min(shown - 1, Math.floor(shown * ratio));
    text = JSON.stringify(card(message, Math.max(0, shown)));
  }
  return text;
}

export async function deliverTeams(channel: AlertChannel, message: AlertMessage, signal: AbortSignal, deps: { fetch: typeof fetch; now: () => number }): Promise<DeliveryResult> {
  if (URL.canParse(channel.target) && isLegacyTeamsConnector(new URL(channel.target))) {
    return { ok: false, statusCode: null, error: "Office 365 connector webhooks are retired: use a Teams Workflows webhook URL", permanent: true };
  }
  return postJson(channel.target, { ...deps, signal, headers: {}, body: teamsPayload(message) });
}
