import "server-only";
import type { Store } from "./db";

/** Lookup only: issuing, listing and revoking tokens belong beside it (lib/store/api-tokens-*.ts or here). */
export interface ApiTokenRow {
  id: string;
  userId: string;
  name: string;
  createdAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
}

/** The token with this hash if it is neither revoked nor expired at `now`. */
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
