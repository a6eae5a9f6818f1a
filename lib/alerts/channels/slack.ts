import "server-only";
import type { AlertChannel, AlertMessage, DeliveryResult } from "../types";
import { eventTitle, incidentDetail, incidentHeading, nsightDetail, truncate } from "./format";
import { postJson } from "./http-delivery";

export const SLACK_MAX_BLOCKS = 50;
export const SLACK_MAX_TEXT = 3_000;
const BUTTON_TEXT_MAX = 75;

/** Slack's mrkdwn reads &, < and > as markup: a device name must not become a link or a mention. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function text(value: string, max = SLACK_MAX_TEXT): string {
  // Escaping lengthens the text, so cut before and check after.
  let cut = truncate(value, max);
  while (slackEscape(cut).length > max) cut = truncate(cut, Array.from(cut).length - 20);
  return slackEscape(cut);
}

type Block = Record<string, unknown>;

export function slackPayload(message: AlertMessage): Record<string, unknown> {
  const blocks: Block[] = [{ type: "section", text: { type: "mrkdwn", text: text(`*${eventTitle(message)}*\n${message.summary}`) } }];
  const nsight = nsightDetail(message);
  if (nsight) blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: text(nsight) }] });
  // Two blocks per incident; the head, "and N more" and the dashboard button must still fit.
  const room = Math.floor((SLACK_MAX_BLOCKS - blocks.length - 2) / 2);
  const shown = message.incidents.slice(0, room);
  for (const incident of shown) {
    const section: Block = { type: "section", text: { type: "mrkdwn", text: text(`*${incidentHeading(incident)}*\n${incidentDetail(incident)}`) } };
    if (incident.url) section.accessory = { type: "button", text: { type: "plain_text", text: truncate(`Open ${incident.deviceName}`, BUTTON_TEXT_MAX) }, url: incident.url };
    blocks.push(section, { type: "context", elements: [{ type: "mrkdwn", text: text(`Opened ${incident.openedAt}${incident.resolvedAt ? ` · resolved ${incident.resolvedAt}` : ""}`) }] });
  }
  const hidden = message.incidents.length - shown.length;
  if (hidden > 0) blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: `and ${hidden} more` }] });
  if (message.dashboardUrl) {
    blocks.push({ type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: "Open the dashboard" }, url: message.dashboardUrl }] });
  }
  // `text` is the notification preview and what screen readers announce.
  return { text: text(message.summary), blocks };
}

export async function deliverSlack(channel: AlertChannel, message: AlertMessage, signal: AbortSignal, deps: { fetch: typeof fetch; now: () => number }): Promise<DeliveryResult> {
  return postJson(channel.target, { ...deps, signal, headers: {}, body: JSON.stringify(slackPayload(message)) });
}
