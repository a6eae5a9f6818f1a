import "server-only";
import { cookies, headers } from "next/headers";
import { cache } from "react";
import { isOpenDemo } from "../config";
import { findLiveApiToken, touchApiToken } from "../store/api-tokens";
import { getStore } from "../store/db";
import { deadDisplayReason, findLiveDisplay, touchDisplay } from "../store/displays";
import { findLiveShareLink } from "../store/share-links";
import { findUserById } from "../store/users";
import { displayCookieName, readCookie, sessionCookieName } from "./cookies";
import type { Principal, SharePrincipal } from "./principal";
import { userOfSession } from "./sessions";
import { DISPLAY_LIFETIME_MS, DISPLAY_TOUCH_EVERY_MS } from "./displays";
import { requestAddress } from "./request-info";
import { hashToken, looksLikeToken } from "./tokens";

export interface Credentials {
  cookie(name: string): string | undefined;
  authorization: string | null;
  /** When present, the only credential read: a share link acts for that link alone, whoever else the browser is signed in as. */
  shareToken?: string | null;
  address?: string | null;
}

export function shareTokenOfPath(pathname: string): string | null {
  const match = /^\/s\/([^/]+)(?:\/|$)/.exec(pathname);
  return match ? match[1]! : null;
}

export async function sharePrincipalFrom(token: string, now = Date.now()): Promise<SharePrincipal | null> {
  if (!looksLikeToken(token)) return null;
  const link = await findLiveShareLink(await getStore(), hashToken(token), now);
  if (!link) return null;
  return { kind: "share", linkId: link.id, deviceId: link.deviceId, clientId: link.clientId, reportMonth: link.reportMonth, view: link.view };
}

const TOKEN_TOUCH_EVERY_MS = 60_000;

/** A Bearer header that is present but wrong is nobody, with no fallback to the cookies: a script with a bad token fails rather than acting as whoever the browser is. */
export async function principalFrom(credentials: Credentials, now = Date.now()): Promise<Principal | null> {
  if (credentials.shareToken != null) return sharePrincipalFrom(credentials.shareToken, now);
  const sessionToken = credentials.cookie(sessionCookieName());
  const displayToken = credentials.cookie(displayCookieName());
  if (credentials.authorization === null && !sessionToken && !displayToken) return isOpenDemo() ? { kind: "demo" } : null;
  const db = await getStore();
  if (credentials.authorization !== null) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(credentials.authorization);
    const token = match?.[1];
    if (!looksLikeToken(token)) return null;
    const row = await findLiveApiToken(db, hashToken(token), now);
    if (!row) return null;
    const user = await findUserById(db, row.userId);
    if (!user || user.disabledAt !== null) return null;
    if (row.lastUsedAt === null || now - row.lastUsedAt >= TOKEN_TOUCH_EVERY_MS) await touchApiToken(db, row.id, now);
    return { kind: "user", user, via: "token", credentialId: row.id };
  }
  if (sessionToken) {
    const session = await userOfSession(db, sessionToken, now);
    if (session) return { kind: "user", user: session.user, via: "session", credentialId: session.hash };
  }
  if (looksLikeToken(displayToken)) {
    const display = await findLiveDisplay(db, hashToken(displayToken), now);
    if (display) {
      // A wall polls every few seconds: its last use and its year of validity are written once a minute at most.
      const renewed = display.lastSeenAt === null || now - display.lastSeenAt >= DISPLAY_TOUCH_EVERY_MS;
      if (renewed) await touchDisplay(db, display.id, now + DISPLAY_LIFETIME_MS, credentials.address ?? null, now);
      return { kind: "display", displayId: display.id, name: display.name, clientIds: display.clientIds, renewed };
    }
  }
  if (isOpenDemo()) return { kind: "demo" };
  return null;
}

export function resolvePrincipal(request: Request): Promise<Principal | null> {
  const cookieHeader = request.headers.get("cookie");
  return principalFrom({
    cookie: (name) => readCookie(cookieHeader, name),
    authorization: request.headers.get("authorization"),
    shareToken: shareTokenOfPath(new URL(request.url).pathname),
    address: requestAddress(request.headers),
  });
}

/** A wall whose display was revoked or expired then says so instead of showing a sign-in page. */
export async function deadDisplayOf(cookie: (name: string) => string | undefined, now = Date.now()): Promise<"revoked" | "expired" | null> {
  const token = cookie(displayCookieName());
  if (!looksLikeToken(token)) return null;
  const reason = await deadDisplayReason(await getStore(), hashToken(token), now);
  return reason === "unknown" ? null : reason;
}

export const currentPrincipal = cache(async (): Promise<Principal | null> => {
  const [jar, headerList] = await Promise.all([cookies(), headers()]);
  return principalFrom({ cookie: (name) => jar.get(name)?.value, authorization: headerList.get("authorization"), address: requestAddress(headerList) });
});
