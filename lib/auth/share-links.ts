import "server-only";
import { z } from "zod";
import { getAuthConfig } from "../config";
import { findDeviceLocation } from "../data/device-location";
import { parseDeviceView, serializeDeviceView } from "../device-view/view";
import { RequestError } from "../http/request-error";
import { isNsightId } from "../nsight/client";
import { getStore } from "../store/db";
import { findUserById } from "../store/users";
import { createShareLink, countShareLinkView, findShareLinkById, listShareLinks, revokeShareLink, type ShareLinkRow } from "../store/share-links";
import { getClient } from "../data/nsight-data";
import { parseReportMonth } from "../reports/client-report";
import { AccessError, can, requireCapability, requireDevice, requireReport } from "./access";
import { audit } from "./audit";
import type { Principal, SharePrincipal } from "./principal";
import { requestAddress } from "./request-info";
import { hashToken, newToken } from "./tokens";

export const SHARE_DEFAULT_DAYS = 7;
export const SHARE_MAX_DAYS = 90;
const DAY_MS = 86_400_000;

const expiresInDays = z.number().int().min(1).max(SHARE_MAX_DAYS).default(SHARE_DEFAULT_DAYS);
const DeviceLinkBody = z.strictObject({
  deviceId: z.string().refine(isNsightId, "expected a positive whole number"),
  expiresInDays,
  view: z.string().max(2_000).default(""),
});
const ReportLinkBody = z.strictObject({
  clientId: z.string().refine(isNsightId, "expected a positive whole number"),
  month: z.string().refine((month) => parseReportMonth(month).ok, "expected YYYY-MM"),
  expiresInDays,
});
/** A body naming a client asks for a report link: its errors then speak of that shape, not of a union. */
const isReportBody = (body: unknown) => typeof body === "object" && body !== null && "clientId" in body;

export interface ShareLinkInfo {
  id: string;
  /** null: a link to the client's report for reportMonth. */
  deviceId: string | null;
  clientId: string;
  reportMonth: string | null;
  view: string;
  createdBy: string | null;
  /** The creator's email; null: the demo administrator, or a user since deleted. */
  createdByEmail: string | null;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  views: number;
  lastViewedAt: string | null;
  state: ShareLinkState;
}

export type ShareLinkState = "live" | "expired" | "revoked";

export function shareLinkState(row: Pick<ShareLinkRow, "revokedAt" | "expiresAt">, now: number): ShareLinkState {
  return row.revokedAt !== null ? "revoked" : row.expiresAt <= now ? "expired" : "live";
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

export function shareLinkInfo(row: ShareLinkRow, createdByEmail: string | null = null, now = Date.now()): ShareLinkInfo {
  return {
    id: row.id,
    deviceId: row.deviceId,
    clientId: row.clientId,
    reportMonth: row.reportMonth,
    view: row.view,
    createdBy: row.createdBy,
    createdByEmail,
    createdAt: new Date(row.createdAt).toISOString(),
    expiresAt: new Date(row.expiresAt).toISOString(),
    revokedAt: iso(row.revokedAt),
    views: row.views,
    lastViewedAt: iso(row.lastViewedAt),
    state: shareLinkState(row, now),
  };
}

/** The device view a link opens with, in the parser's own spelling: a link never stores what a request sent as is. */
export function normaliseShareView(view: string): string {
  return serializeDeviceView(parseDeviceView(new URLSearchParams(view.replace(/^\?/, "")))).toString();
}

function creatorOf(principal: Principal): string | null {
  return principal.kind === "user" ? principal.user.id : null;
}

/** Else from the browser's Host header: the server's own idea of its URL may say localhost. */
function baseUrl(request: Request): string {
  const publicUrl = getAuthConfig().publicUrl;
  if (publicUrl) return publicUrl.href.replace(/\/+$/, "");
  const own = new URL(request.url);
  const host = request.headers.get("host");
  return host && /^[A-Za-z0-9.:[\]-]+$/.test(host) ? `${own.protocol}//${host}` : own.origin;
}

export async function createShareLinkFor(principal: Principal, request: Request, body: unknown, now = Date.now()): Promise<{ id: string; url: string; expiresAt: string }> {
  requireCapability(principal, "share.create");
  const parsed = isReportBody(body) ? ReportLinkBody.safeParse(body) : DeviceLinkBody.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RequestError(`Invalid share link: ${issue ? `${issue.path.join(".") || "body"}: ${issue.message}` : "bad body"}`.slice(0, 200));
  }
  if ("clientId" in parsed.data) return createReportLink(principal, request, parsed.data, now);
  const { deviceId, expiresInDays, view } = parsed.data;
  requireDevice(principal, deviceId);
  const location = await findDeviceLocation(principal, deviceId, undefined, { signal: request.signal });
  if (!location) throw new RequestError("No such device.");
  const token = newToken();
  const row = await createShareLink(
    await getStore(),
    { hash: hashToken(token), deviceId, clientId: location.client.clientId, view: normaliseShareView(view), createdBy: creatorOf(principal), expiresAt: now + expiresInDays * DAY_MS },
    now,
  );
  await audit(principal, { action: "share_link.create", target: row.id, detail: { deviceId, expiresInDays }, address: requestAddress(request.headers) });
  return { id: row.id, url: `${baseUrl(request)}/s/${token}`, expiresAt: new Date(row.expiresAt).toISOString() };
}

async function createReportLink(principal: Principal, request: Request, body: z.infer<typeof ReportLinkBody>, now: number): Promise<{ id: string; url: string; expiresAt: string }> {
  const { clientId, month, expiresInDays } = body;
  requireReport(principal, clientId, month);
  // Throws not_found for a client N-sight does not know.
  await getClient(principal, clientId, { signal: request.signal });
  const token = newToken();
  const row = await createShareLink(
    await getStore(),
    { hash: hashToken(token), clientId, reportMonth: month, view: "", createdBy: creatorOf(principal), expiresAt: now + expiresInDays * DAY_MS },
    now,
  );
  await audit(principal, { action: "share_link.create", target: row.id, detail: { clientId, month, expiresInDays }, address: requestAddress(request.headers) });
  return { id: row.id, url: `${baseUrl(request)}/s/${token}`, expiresAt: new Date(row.expiresAt).toISOString() };
}

export async function shareLinksOf(principal: Principal, now = Date.now()): Promise<ShareLinkInfo[]> {
  requireCapability(principal, "share.create");
  const creator = creatorOf(principal);
  if (!can(principal, "share.manage_all") && creator === null) return [];
  const db = await getStore();
  const rows = await listShareLinks(db, can(principal, "share.manage_all") ? {} : { createdBy: creator ?? undefined });
  const emails = new Map<string, string | null>();
  for (const id of new Set(rows.flatMap((r) => (r.createdBy === null ? [] : [r.createdBy])))) emails.set(id, (await findUserById(db, id))?.email ?? null);
  return rows.map((row) => shareLinkInfo(row, row.createdBy === null ? null : (emails.get(row.createdBy) ?? null), now));
}

export async function revokeShareLinkFor(principal: Principal, request: Request, id: string, now = Date.now()): Promise<boolean> {
  requireCapability(principal, "share.create");
  const db = await getStore();
  const row = await findShareLinkById(db, id);
  if (!row) return false;
  if ((row.createdBy === null || row.createdBy !== creatorOf(principal)) && !can(principal, "share.manage_all")) throw new AccessError("forbidden", "You may not revoke other people's share links.");
  if (await revokeShareLink(db, id, now)) {
    await audit(principal, { action: "share_link.revoke", target: id, detail: row.deviceId === null ? { clientId: row.clientId, month: row.reportMonth } : { deviceId: row.deviceId }, address: requestAddress(request.headers) });
  }
  return true;
}

export async function recordShareView(principal: SharePrincipal, request: Request, now = Date.now()): Promise<void> {
  const views = await countShareLinkView(await getStore(), principal.linkId, now);
  if (views === 1) await audit(principal, { action: "share_link.first_view", target: principal.linkId, detail: principal.deviceId === null ? { clientId: principal.clientId, month: principal.reportMonth } : { deviceId: principal.deviceId }, address: requestAddress(request.headers) });
}
