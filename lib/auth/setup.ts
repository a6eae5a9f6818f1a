import "server-only";
import { getAuthConfig, isOpenDemo } from "../config";
import { log } from "../log";
import type { Store } from "../store/db";
import { deleteSetting, getSetting, setSetting } from "../store/settings";
import { countUsers } from "../store/users";
import { hashToken, looksLikeToken, newToken, sameSecret } from "./tokens";

/**
 * The first administrator: on a start with a real key, no users and no single sign-on, the
 * server logs a one-time link to /setup, valid for an hour. Only its hash is kept.
 */
const SETUP_KEY = "setup_token";
export const SETUP_VALID_MS = 3_600_000;

interface StoredSetup {
  hash: string;
  expiresAt: number;
}

/** Whether the dashboard is waiting for its first administrator (and so shows where the link is). */
export async function needsFirstAdmin(db: Store): Promise<boolean> {
  return !isOpenDemo() && !getAuthConfig().oidcConfigured && (await countUsers(db)) === 0;
}

/** Creates a new setup token (replacing any earlier one) and logs its link; null when none is needed. */
export async function announceSetupLink(db: Store, now = Date.now()): Promise<string | null> {
  if (!(await needsFirstAdmin(db))) return null;
  const token = newToken();
  await setSetting(db, SETUP_KEY, JSON.stringify({ hash: hashToken(token), expiresAt: now + SETUP_VALID_MS } satisfies StoredSetup));
  const path = `/setup?token=${token}`;
  const base = getAuthConfig().publicUrl;
  // The one token that is logged, on purpose: the log is where the operator finds it.
  log("info", "setup.link", {
    message: "No administrator yet: open this link within an hour to create one (or use `npm run users -- add`).",
    url: base ? new URL(path, base).toString() : path,
    expiresAt: new Date(now + SETUP_VALID_MS).toISOString(),
  });
  return token;
}

/** Whether a setup token is the current one and unexpired. */
export async function setupTokenValid(db: Store, token: string | null | undefined, now = Date.now()): Promise<boolean> {
  if (!looksLikeToken(token)) return false;
  const raw = await getSetting(db, SETUP_KEY);
  if (!raw) return false;
  try {
    const stored = JSON.parse(raw) as StoredSetup;
    return stored.expiresAt > now && sameSecret(stored.hash, hashToken(token));
  } catch {
    return false;
  }
}

/** Uses the token up; false when another request already did (only one first administrator). */
export async function consumeSetupToken(db: Store): Promise<boolean> {
  return deleteSetting(db, SETUP_KEY);
}
