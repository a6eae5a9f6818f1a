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
  maxAgeMs: number;
}

/** A new sign-in always gets a new token, ending the one presented with it (no fixation). */
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

export async function endSession(db: Store, hash: string, now = Date.now()): Promise<void> {
  await revokeSession(db, hash, now);
}

export async function endAllSessions(db: Store, userId: string, now = Date.now()): Promise<number> {
  return revokeUserSessions(db, userId, now);
}
