import "server-only";
import type { Store } from "./db";

/** Lookup only: pairing, listing and revoking displays belong beside it. */
export interface DisplayRow {
  id: string;
  name: string;
  /** null: every client. */
  clientIds: string[] | null;
  expiresAt: number;
  lastSeenAt: number | null;
}

function parseClientIds(json: string | null): string[] | null {
  if (json === null) return null;
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
  } catch {
    return [];
  }
}

/** The display with this credential hash if it is neither revoked nor expired at `now`. */
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
