import "server-only";
import type { Store } from "./db";
import type { SessionsTable } from "./schema";

export interface SessionRow {
  hash: string;
  userId: string;
  createdAt: number;
  lastSeenAt: number;
  idleExpiresAt: number;
  absoluteExpiresAt: number;
  address: string | null;
  userAgent: string | null;
  revokedAt: number | null;
}

function toSession(row: SessionsTable): SessionRow {
  return {
    hash: row.hash,
    userId: row.user_id,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    idleExpiresAt: row.idle_expires_at,
    absoluteExpiresAt: row.absolute_expires_at,
    address: row.address,
    userAgent: row.user_agent,
    revokedAt: row.revoked_at,
  };
}

export interface NewSession {
  hash: string;
  userId: string;
  idleExpiresAt: number;
  absoluteExpiresAt: number;
  address: string | null;
  userAgent: string | null;
}

export async function insertSession(db: Store, s: NewSession, now = Date.now()): Promise<void> {
  await db
    .insertInto("sessions")
    .values({
      hash: s.hash,
      user_id: s.userId,
      created_at: now,
      last_seen_at: now,
      idle_expires_at: s.idleExpiresAt,
      absolute_expires_at: s.absoluteExpiresAt,
      address: s.address,
      user_agent: s.userAgent,
      revoked_at: null,
    })
    .execute();
}

export async function findLiveSession(db: Store, hash: string, now = Date.now()): Promise<SessionRow | null> {
  const row = await db
    .selectFrom("sessions")
    .selectAll()
    .where("hash", "=", hash)
    .where("revoked_at", "is", null)
    .where("idle_expires_at", ">", now)
    .where("absolute_expires_at", ">", now)
    .executeTakeFirst();
  return row ? toSession(row) : null;
}

/** Never past the absolute expiry, and never back: an older request that another instance answers later changes nothing. */
export async function touchSession(db: Store, hash: string, idleExpiresAt: number, now = Date.now()): Promise<void> {
  await db.updateTable("sessions").set({ last_seen_at: now, idle_expires_at: idleExpiresAt }).where("hash", "=", hash).where("last_seen_at", "<", now).execute();
}

export async function revokeSession(db: Store, hash: string, now = Date.now()): Promise<void> {
  await db.updateTable("sessions").set({ revoked_at: now }).where("hash", "=", hash).where("revoked_at", "is", null).execute();
}

export async function revokeUserSessions(db: Store, userId: string, now = Date.now()): Promise<number> {
  const result = await db.updateTable("sessions").set({ revoked_at: now }).where("user_id", "=", userId).where("revoked_at", "is", null).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function listUserSessions(db: Store, userId: string, now = Date.now()): Promise<SessionRow[]> {
  const rows = await db
    .selectFrom("sessions")
    .selectAll()
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .where("idle_expires_at", ">", now)
    .where("absolute_expires_at", ">", now)
    .orderBy("last_seen_at", "desc")
    .execute();
  return rows.map(toSession);
}

/** So the table does not grow without bound. */
export async function pruneSessions(db: Store, keepMs: number, now = Date.now()): Promise<void> {
  const before = now - keepMs;
  await db
    .deleteFrom("sessions")
    .where((eb) => eb.or([eb("revoked_at", "<", before), eb("idle_expires_at", "<", before), eb("absolute_expires_at", "<", before)]))
    .execute();
}
