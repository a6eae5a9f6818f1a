import "server-only";
import { createTransport } from "nodemailer";
import { SHARE_DEFAULT_DAYS } from "../../auth/share-links";
import { hashToken, newToken } from "../../auth/tokens";
import type { Store } from "../../store/db";
import { createShareLink } from "../../store/share-links";
import { findUserByEmail, type User } from "../../store/users";
import type { AlertChannel, AlertIncident, AlertMessage, DeliveryResult } from "../types";
import { eventTitle, formatDuration, incidentDetail, incidentHeading, nsightDetail, truncate } from "./format";

const DAY_MS = 86_400_000;
const SMTP_TIMEOUT_MS = 30_000;

export interface EmailDeps {
  db: Store;
  publicUrl: URL | null;
  smtpUrl: string | null;
  from: string | null;
  now: () => number;
}

/** Splits the channel's `to` list; validation already refused anything that is not an address. */
export function recipientsOf(target: string): string[] {
  return target
    .split(",")
    .map((a) => a.trim())
    .filter(Boolean);
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** A user who could open this device after signing in; anyone else gets a share link. */
function canSignInToSee(user: User | null, incident: AlertIncident): boolean {
  if (!user || user.disabledAt !== null || user.role === null) return false;
  return user.role !== "viewer" || user.clientIds === null || user.clientIds.includes(incident.clientId);
}

function base(publicUrl: URL): string {
  return publicUrl.href.replace(/\/+$/, "");
}

/** Device links for one recipient: the dashboard's own page for its users, a share link (made by the system) for others. */
async function linksFor(user: User | null, message: AlertMessage, deps: EmailDeps, shareLinks: Map<string, string>): Promise<Map<string, string | null>> {
  const links = new Map<string, string | null>();
  for (const incident of message.incidents) {
    if (canSignInToSee(user, incident)) {
      links.set(incident.id, incident.url);
      continue;
    }
    if (!deps.publicUrl || !/^[1-9]\d*$/.test(incident.deviceId)) {
      links.set(incident.id, null);
      continue;
    }
    let url = shareLinks.get(incident.deviceId);
    if (!url) {
      const token = newToken();
      const now = deps.now();
      await createShareLink(deps.db, { hash: hashToken(token), deviceId: incident.deviceId, clientId: incident.clientId, view: "", createdBy: null, expiresAt: now + SHARE_DEFAULT_DAYS * DAY_MS }, now);
      url = `${base(deps.publicUrl)}/s/${token}`;
      shareLinks.set(incident.deviceId, url);
    }
    links.set(incident.id, url);
  }
  return links;
}

function durationLine(incident: AlertIncident): string | null {
  return incident.durationSeconds === null ? null : `Open for ${formatDuration(incident.durationSeconds)}`;
}

export function emailSubject(message: AlertMessage): string {
  return truncate(`[${eventTitle(message)}] ${message.summary}`.replace(/[\r\n]+/g, " "), 200);
}

export function emailText(message: AlertMessage, links: Map<string, string | null>, dashboardUrl: string | null): string {
  const lines = [eventTitle(message), message.summary, ""];
  const nsight = nsightDetail(message);
  if (nsight) lines.push(nsight, "");
  for (const incident of message.incidents) {
    lines.push(`- ${incidentHeading(incident)}`, `  ${incidentDetail(incident)}`, `  Opened ${incident.openedAt}${incident.resolvedAt ? `, resolved ${incident.resolvedAt}` : ""}`);
    const duration = durationLine(incident);
    if (duration) lines.push(`  ${duration}`);
    const link = links.get(incident.id);
    if (link) lines.push(`  ${link}`);
    lines.push("");
  }
  if (dashboardUrl) lines.push(`Dashboard: ${dashboardUrl}`);
  lines.push("", "Sent by the N-sight Backup Dashboard.");
  return lines.join("\n");
}

export function emailHtml(message: AlertMessage, links: Map<string, string | null>, dashboardUrl: string | null): string {
  const e = escapeHtml;
  const nsight = nsightDetail(message);
  const rows = message.incidents
    .map((incident) => {
      const link = links.get(incident.id);
      const duration = durationLine(incident);
      return `<li style="margin:0 0 12px"><strong>${e(incidentHeading(incident))}</strong><br>${e(incidentDetail(incident))}<br>Opened ${e(incident.openedAt)}${incident.resolvedAt ? `, resolved ${e(incident.resolvedAt)}` : ""}${duration ? `<br>${e(duration)}` : ""}${link ? `<br><a href="${e(link)}">Open ${e(incident.deviceName)}</a>` : ""}</li>`;
    })
    .join("");
  return [
    `<!doctype html><html><body style="font-family:sans-serif;line-height:1.4">`,
    `<p style="margin:0;font-size:12px;text-transform:uppercase">${e(eventTitle(message))}</p>`,
    `<h1 style="font-size:18px;margin:4px 0 12px">${e(message.summary)}</h1>`,
    nsight ? `<p>${e(nsight)}</p>` : "",
    rows ? `<ul style="padding-left:18px">${rows}</ul>` : "",
    dashboardUrl ? `<p><a href="${e(dashboardUrl)}">Open the dashboard</a></p>` : "",
    `<p style="color:#555;font-size:12px">Sent by the N-sight Backup Dashboard.</p>`,
    `</body></html>`,
  ].join("");
}

/** Headers a PSA can thread on: the same incident ids on the opening, every reminder and the resolution. */
export function threadingHeaders(message: AlertMessage): Record<string, string> {
  const headers: Record<string, string> = { "X-NSight-Dashboard-Event": message.event, "X-NSight-Dashboard-Notification": message.id };
  if (message.incidents.length) {
    headers["X-NSight-Dashboard-Incident"] = message.incidents.map((i) => i.id).join(", ");
    headers["X-NSight-Dashboard-Device"] = [...new Set(message.incidents.map((i) => i.deviceId))].join(", ");
  }
  if (message.client) headers["X-NSight-Dashboard-Client"] = message.client.id;
  return headers;
}

/** nodemailer takes no AbortSignal and closing its transport does not end a send in flight: stop waiting instead. */
function untilAborted<T>(signal: AbortSignal, work: Promise<T>): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

function smtpFailure(error: unknown, signal: AbortSignal): DeliveryResult {
  if (signal.aborted) return { ok: false, statusCode: null, error: "timed out" };
  const e = (error ?? {}) as { code?: unknown; responseCode?: unknown; permanent?: unknown };
  const code = typeof e.code === "string" ? e.code : null;
  const responseCode = typeof e.responseCode === "number" ? e.responseCode : null;
  const detail = [responseCode, code].filter((x) => x !== null).join(" ");
  const permanent = e.permanent === true || code === "EAUTH" || code === "EENVELOPE";
  return { ok: false, statusCode: responseCode, error: `SMTP error${detail ? ` (${detail})` : ""}`, ...(permanent ? { permanent: true } : {}) };
}

/**
 * One mail per recipient, since links differ: a dashboard user gets the device page, anyone else a share link. The
 * message id of an incident's first mail is referenced by the later ones so mail clients thread them.
 */
export async function deliverEmail(channel: AlertChannel, message: AlertMessage, signal: AbortSignal, deps: EmailDeps): Promise<DeliveryResult> {
  if (!deps.smtpUrl) return { ok: false, statusCode: null, error: "SMTP_URL is not set: e-mail cannot be sent", permanent: true };
  if (!deps.from) return { ok: false, statusCode: null, error: "ALERT_FROM is not set: e-mail cannot be sent", permanent: true };
  const recipients = recipientsOf(channel.target);
  if (!recipients.length) return { ok: false, statusCode: null, error: "the channel has no recipients", permanent: true };
  const transport = createTransport({ url: deps.smtpUrl, connectionTimeout: SMTP_TIMEOUT_MS, greetingTimeout: SMTP_TIMEOUT_MS, socketTimeout: SMTP_TIMEOUT_MS });
  const shareLinks = new Map<string, string>();
  const domain = deps.publicUrl?.hostname ?? "nsight-backup-dashboard.invalid";
  const references = message.incidents.map((i) => `<incident.${i.id}@${domain}>`);
  try {
    for (const to of recipients) {
      if (signal.aborted) return { ok: false, statusCode: null, error: "timed out" };
      const user = await findUserByEmail(deps.db, to);
      const links = await linksFor(user, message, deps, shareLinks);
      const dashboardUrl = user && user.role !== null && user.disabledAt === null ? message.dashboardUrl : null;
      await untilAborted(signal, transport.sendMail({
        from: deps.from,
        to,
        subject: emailSubject(message),
        text: emailText(message, links, dashboardUrl),
        html: emailHtml(message, links, dashboardUrl),
        headers: threadingHeaders(message),
        ...(references.length ? { references, inReplyTo: references[0] } : {}),
      }));
    }
    return { ok: true, statusCode: 250 };
  } catch (error) {
    return smtpFailure(error, signal);
  } finally {
    transport.close();
  }
}
