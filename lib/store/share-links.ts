import "server-only";
import { randomUUID } from "node:crypto";
import type { Store } from "./db";

/** A share link as the store keeps it: never the token, only its hash (which is not returned). */
export interface ShareLinkRow {
  id: string;
  /** null: a report link. */
  deviceId: string | null;
  clientId: string;
  /** YYYY-MM for a link to the client's report of that month. */
  reportMonth: string | null;
  view: string;
  /** null: the demo administrator. */
  createdBy: string | null;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
  views: number;
  lastViewedAt: number | null;
}

export type NewShareLink = {
  hash: string;
  clientId: string;
  view: string;
  createdBy: string | null;
  expiresAt: number;
} & ({ deviceId: string; reportMonth?: undefined } | { deviceId?: undefined; reportMonth: string });

const COLUMNS = ["id", "device_id", "client_id", "report_month", "view", "created_by", "created_at", "expires_at", "revoked_at", "views", "last_viewed_at"] as const;

function toRow(row: {
  id: string;
  device_id: string | null;
  client_id: string;
  report_month: string | null;
  view: string;
  created_by: string | null;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  views: number;
  last_viewed_at: number | null;
}): ShareLinkRow {
  return {
    id: row.id,
    deviceId: row.device_id,
    clientId: row.client_id,
    reportMonth: row.report_month,
    view: row.view,
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    views: row.views,
    lastViewedAt: row.last_viewed_at,
  };
}

export async function createShareLink(db: Store, link: NewShareLink, now = Date.now()): Promise<ShareLinkRow> {
  const id = randomUUID();
  await db
    .insertInto("share_links")
    .values({ id, hash: link.hash, device_id: link.deviceId ?? null, client_id: link.clientId, report_month: link.reportMonth ?? null, view: link.view, created_by: link.createdBy, created_at: now, expires_at: link.expiresAt })
    .execute();
  const row = await findShareLinkById(db, id);
  if (!row) throw new Error("The share link just written could not be read back");
  return row;
}

export async function findShareLinkById(db: Store, id: string): Promise<ShareLinkRow | null> {
  const row = await db.selectFrom("share_links").select(COLUMNS).where("id", "=", id).executeTakeFirst();
  return row ? toRow(row) : null;
}

export async function findLiveShareLink(db: Store, hash: string, now = Date.now()): Promise<ShareLinkRow | null> {
  const row = await db
    .selectFrom("share_links")
    .select(COLUMNS)
    .where("hash", "=", hash)
    .where("revoked_at", "is", null)
    .where("expires_at", ">", now)
    .executeTakeFirst();
  return row ? toRow(row) : null;
}

export async function listShareLinks(db: Store, filter: { createdBy?: string } = {}, limit = 500): Promise<ShareLinkRow[]> {
  let query = db.selectFrom("share_links").select(COLUMNS).orderBy("created_at", "desc").limit(limit);
  if (filter.createdBy !== undefined) query = query.where("created_by", "=", filter.createdBy);
  return (await query.execute()).map(toRow);
}

export async function revokeShareLink(db: Store, id: string, now = Date.now()): Promise<boolean> {
  const result = await db.updateTable("share_links").set({ revoked_at: now }).where("id", "=", id).where("revoked_at", "is", null).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function countShareLinkView(db: Store, id: string, now = Date.now()): Promise<number> {
  const row = await db
    .updateTable("share_links")
    .set((eb) => ({ views: eb("views", "+", 1), last_viewed_at: now }))
    .where("id", "=", id)
    .returning("views")
    .executeTakeFirst();
  return row?.views ?? 0;
}

/** Tests use it to expire a link without waiting a day. */
export async function setShareLinkExpiry(db: Store, id: string, expiresAt: number): Promise<void> {
  await db.updateTable("share_links").set({ expires_at: expiresAt }).where("id", "=", id).execute();
}
