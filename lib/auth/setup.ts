import "server-only";
import { getAuthConfig, isOpenDemo } from "../config";
import { log } from "../log";
import type { Store } from "../store/db";
import { deleteSetting, getSetting, listSettingsByPrefix, setSetting, takeSettingsByPrefix } from "../store/settings";
import { countUsers } from "../store/users";
import { hashToken, looksLikeToken, newToken } from "./tokens";

// The first administrator's one-time link, logged for the operator and valid for an hour; only its hash is kept.
// Each instance that starts without one logs its own link (a setting each), and the first link used ends them all.
const SETUP_PREFIX = "setup-link:";
export const SETUP_VALID_MS = 3_600_000;

interface StoredSetup {
  expiresAt: number;
}

const setupKey = (token: string) => `${SETUP_PREFIX}${hashToken(token)}`;

function expiresAtOf(raw: string | null): number | null {
  try {
    const stored = raw === null ? null : (JSON.parse(raw) as Partial<StoredSetup>);
    return typeof stored?.expiresAt === "number" ? stored.expiresAt : null;
  } catch {
    return null;
  }
}

export async function needsFirstAdmin(db: Store): Promise<boolean> {
  return !isOpenDemo() && !getAuthConfig().oidcConfigured && (await countUsers(db)) === 0;
}

export async function announceSetupLink(db: Store, now = Date.now()): Promise<string | null> {
  if (!(await needsFirstAdmin(db))) return null;
  const token = newToken();
  for (const { key, value } of await listSettingsByPrefix(db, SETUP_PREFIX)) {
    if ((expiresAtOf(value) ?? 0) <= now) await deleteSetting(db, key);
  }
  await setSetting(db, setupKey(token), JSON.stringify({ expiresAt: now + SETUP_VALID_MS } satisfies StoredSetup));
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
  const expiresAt = expiresAtOf(await getSetting(db, setupKey(token)));
  return expiresAt !== null && expiresAt > now;
}

/** True for one caller only, whichever instance it is on: the one statement deletes every link, and only one deletes this one. */
export async function consumeSetupToken(db: Store, token: string): Promise<boolean> {
  if (!looksLikeToken(token)) return false;
  return (await takeSettingsByPrefix(db, SETUP_PREFIX)).includes(setupKey(token));
}
