import "server-only";
import type { Store } from "./db";

/** API tokens for scripts: only SHA-256 of each token is stored; issuing lives in lib/auth/api-tokens.ts. */
export interface ApiTokenRow {
  id: string;
  userId: string;
  name: string;
  createdAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
}

export async function findLiveApiToken(db: Store, hash: string, now = Date.now()): Promise<ApiTokenRow | null> {
  const row = await db
    .selectFrom("api_tokens")
    .select(["id", "user_id", "name", "created_at", "expires_at", "last_used_at"])
    .where("hash", "=", hash)
    .where("revoked_at", "is", null)
    .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]))
    .executeTakeFirst();
  if (!row) return null;
  return { id: row.id, userId: row.user_id, name: row.name, createdAt: row.created_at, expiresAt: row.expires_at, lastUsedAt: row.last_used_at };
}

export async function touchApiToken(db: Store, id: string, now = Date.now()): Promise<void> {
  await db.updateTable("api_tokens").set({ last_used_at: now }).where("id", "=", id).execute();
}

export interface NewApiToken {
  id: string;
  hash: string;
  userId: string;
  name: string;
  expiresAt: number | null;
}

export async function insertApiToken(db: Store, token: NewApiToken, now = Date.now()): Promise<ApiTokenRow> {
  await db
    .insertInto("api_tokens")
    .values({ id: token.id, hash: token.hash, user_id: token.userId, name: token.name, created_at: now, expires_at: token.expiresAt, last_used_at: null, revoked_at: null })
    .execute();
  return { id: token.id, userId: token.userId, name: token.name, createdAt: now, expiresAt: token.expiresAt, lastUsedAt: null };
}

export interface ApiTokenListing extends ApiTokenRow {
  userEmail: string;
  revokedAt: number | null;
}

function listingQuery(db: Store) {
  return db
    .selectFrom("api_tokens")
    .innerJoin("users", "users.id", "api_tokens.user_id")
    .select(["api_tokens.id", "api_tokens.user_id", "api_tokens.name", "api_tokens.created_at", "api_tokens.expires_at", "api_tokens.last_used_at", "api_tokens.revoked_at", "users.email"]);
}

type ListingRow = Awaited<ReturnType<ReturnType<typeof listingQuery>["executeTakeFirstOrThrow"]>>;

function toListing(r: ListingRow): ApiTokenListing {
  return { id: r.id, userId: r.user_id, userEmail: r.email, name: r.name, createdAt: r.created_at, expiresAt: r.expires_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at };
}

export async function listApiTokens(db: Store): Promise<ApiTokenListing[]> {
  const rows = await listingQuery(db).orderBy("api_tokens.created_at", "desc").orderBy("api_tokens.id").execute();
  return rows.map(toListing);
}

export async function findApiToken(db: Store, id: string): Promise<ApiTokenListing | null> {
  const row = await listingQuery(db).where("api_tokens.id", "=", id).executeTakeFirst();
  return row ? toListing(row) : null;
}

export async function revokeApiToken(db: Store, id: string, now = Date.now()): Promise<boolean> {
  const result = await db.updateTable("api_tokens").set({ revoked_at: now }).where("id", "=", id).where("revoked_at", "is", null).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
