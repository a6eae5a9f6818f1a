import "server-only";
import { getAuthConfig } from "../config";
import type { Store } from "../store/db";
import { findLiveSession, insertSession, revokeSession, revokeUserSessions, touchSession } from "../store/sessions";
import { findUserById, recordSignIn, type User } from "../store/users";
import { hashToken, looksLikeToken, newToken } from "./tokens";

/** A session's use is written at most this often (every request would be a write). */
const TOUCH_EVERY_MS = 60_000;

export interface NewSessionResult {
  token: string;
  hash: string;
  /** Milliseconds until the absolute expiry: the cookie's Max-Age. */
  maxAgeMs: number;
}

/**
 * Opens a session for a user (after sign-in). A session presented with the sign-in is ended
 * first: a new sign-in always gets a new token (no fixation).
 */
export async function createSession(
  db: Store,
  userId: string,
  client: { address: string | null; userAgent: string | null; previousToken?: string },
  now = Date.now(),
): Promise<NewSessionResult> {
  const { sessionIdleMs, sessionMaxMs } = getAuthConfig();
  if (looksLikeToken(client.previousToken)) await revokeSession(db, hashToken(client.previousToken), now);
  const token = newToken();
  const hash = hashToken(token);
  const absoluteExpiresAt = now + sessionMaxMs;
  await insertSession(db, { hash, userId, idleExpiresAt: Math.min(now + sessionIdleMs, absoluteExpiresAt), absoluteExpiresAt, address: client.address, userAgent: client.userAgent }, now);
  await recordSignIn(db, userId, now);
  return { token, hash, maxAgeMs: sessionMaxMs };
}

/** The signed-in user of a session token, or null (unknown, expired, revoked, user disabled or removed). Extends the idle expiry. */
export async function userOfSession(db: Store, token: string, now = Date.now()): Promise<{ user: User; hash: string } | null> {
  if (!looksLikeToken(token)) return null;
  const hash = hashToken(token);
  const session = await findLiveSession(db, hash, now);
  if (!session) return null;
  const user = await findUserById(db, session.userId);
  if (!user || user.disabledAt !== null) return null;
  if (now - session.lastSeenAt >= TOUCH_EVERY_MS || getAuthConfig().sessionIdleMs <= TOUCH_EVERY_MS) {
    await touchSession(db, hash, Math.min(now + getAuthConfig().sessionIdleMs, session.absoluteExpiresAt), now);
  }
  return { user, hash };
}

/** Sign-out: ends one session. */
export async function endSession(db: Store, hash: string, now = Date.now()): Promise<void> {
  await revokeSession(db, hash, now);
}

/** An admin ends every session of a user (also done on disable and role change). */
export async function endAllSessions(db: Store, userId: string, now = Date.now()): Promise<number> {
  return revokeUserSessions(db, userId, now);
}
