import "server-only";
import { getAuthConfig, isOpenDemo } from "../config";
import { log } from "../log";
import type { Store } from "../store/db";
import { deleteSetting, getSetting, setSetting } from "../store/settings";
import { countUsers } from "../store/users";
import { hashToken, looksLikeToken, newToken, sameSecret } from "./tokens";

// The first administrator's one-time link, logged for the operator and valid for an hour; only its hash is kept.
const SETUP_KEY = "setup_token";
export const SETUP_VALID_MS = 3_600_000;

interface StoredSetup {
  hash: string;
  expiresAt: number;
}

export async function needsFirstAdmin(db: Store): Promise<boolean> {
  return !isOpenDemo() && !getAuthConfig().oidcConfigured && (await countUsers(db)) === 0;
}

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

export async function consumeSetupToken(db: Store): Promise<boolean> {
  return deleteSetting(db, SETUP_KEY);
}
