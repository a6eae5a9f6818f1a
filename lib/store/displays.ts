import "server-only";
import type { Store } from "./db";
import { parseClientIds } from "./users";

export interface DisplayRow {
  id: string;
  name: string;
  clientIds: string[] | null;
  expiresAt: number;
  lastSeenAt: number | null;
}

export interface DisplayListing extends DisplayRow {
  createdBy: string;
  createdAt: number;
  lastAddress: string | null;
  revokedAt: number | null;
}

export async function findLiveDisplay(db: Store, hash: string, now = Date.now()): Promise<DisplayRow | null> {
  const row = await db
    .selectFrom("displays")
    .select(["id", "name", "client_ids", "expires_at", "last_seen_at"])
    .where("hash", "=", hash)
    .where("revoked_at", "is", null)
    .where("expires_at", ">", now)
    .executeTakeFirst();
  if (!row) return null;
  return { id: row.id, name: row.name, clientIds: parseClientIds(row.client_ids), expiresAt: row.expires_at, lastSeenAt: row.last_seen_at };
}

export async function deadDisplayReason(db: Store, hash: string, now = Date.now()): Promise<"revoked" | "expired" | "unknown"> {
  const row = await db.selectFrom("displays").select(["revoked_at", "expires_at"]).where("hash", "=", hash).executeTakeFirst();
  if (!row) return "unknown";
  if (row.revoked_at !== null) return "revoked";
  return row.expires_at <= now ? "expired" : "unknown";
}

export async function insertDisplay(
  db: Store,
  display: { id: string; hash: string; name: string; clientIds: string[] | null; createdBy: string; expiresAt: number },
  now = Date.now(),
): Promise<void> {
  await db
    .insertInto("displays")
    .values({
      id: display.id,
      hash: display.hash,
      name: display.name,
      client_ids: display.clientIds === null ? null : JSON.stringify(display.clientIds),
      created_by: display.createdBy,
      created_at: now,
      expires_at: display.expiresAt,
      last_seen_at: null,
      last_address: null,
      revoked_at: null,
    })
    .execute();
}

/** The hash it was created with was never handed out. */
export async function setDisplayCredential(db: Store, id: string, hash: string, expiresAt: number, now = Date.now(), address: string | null = null): Promise<boolean> {
  const result = await db
    .updateTable("displays")
    .set({ hash, expires_at: expiresAt, last_seen_at: now, last_address: address })
    .where("id", "=", id)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Never back: an older request that another instance answers later changes nothing. */
export async function touchDisplay(db: Store, id: string, expiresAt: number, address: string | null, now = Date.now()): Promise<void> {
  await db
    .updateTable("displays")
    .set({ last_seen_at: now, last_address: address, expires_at: expiresAt })
    .where("id", "=", id)
    .where("revoked_at", "is", null)
    .where((eb) => eb.or([eb("last_seen_at", "is", null), eb("last_seen_at", "<", now)]))
    .execute();
}

export async function listDisplays(db: Store): Promise<DisplayListing[]> {
  const rows = await db.selectFrom("displays").selectAll().where("revoked_at", "is", null).orderBy("created_at", "desc").limit(1000).execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    clientIds: parseClientIds(r.client_ids),
    expiresAt: r.expires_at,
    lastSeenAt: r.last_seen_at,
    createdBy: r.created_by,
    createdAt: r.created_at,
    lastAddress: r.last_address,
    revokedAt: r.revoked_at,
  }));
}

export async function revokeDisplay(db: Store, id: string, now = Date.now()): Promise<boolean> {
  const result = await db.updateTable("displays").set({ revoked_at: now }).where("id", "=", id).where("revoked_at", "is", null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
