import "server-only";
import { createHash } from "node:crypto";

/**
 * Which N-sight account kept data was read from, so that data read from one account is never
 * shown for another (the demo's simulator, then a real key; or a second customer's key).
 * An account is its server and its clients, not its key: a key regenerated in N-sight
 * still reads the same account. Anything kept on disk from N-sight records one of these
 * and checks it with `beforeConfirmation` at start and `isSameAccount` on the first
 * list_clients answer; the dashboard's own data (users, settings) does not.
 */
export interface AccountIdentity {
  /** `normaliseServer` of the server it was read from; null in data kept before this existed. */
  server: string | null;
  /** The account's client ids, sorted. */
  clientIds: string[];
  /** `keyHint` of the key that read it; null if unknown. */
  keyHint: string | null;
}

/** What this process knows of its account before N-sight has answered. */
export interface ExpectedAccount {
  server: string;
  keyHint: string | null;
}

/** The server's base URL in one spelling: lower-case host without a trailing dot, no default port, no trailing slash. */
export function normaliseServer(url: URL): string {
  const host = url.hostname.replace(/\.$/, "");
  const port = url.port ? `:${url.port}` : "";
  return `${url.protocol}//${host}${port}${url.pathname.replace(/\/+$/, "")}`;
}

/**
 * A short one-way digest of the key (64 bits of a SHA-256; the key itself carries 128),
 * kept beside the data: the same key again proves the same account at once, without
 * waiting for N-sight. A different key proves nothing either way.
 */
export function keyHint(apiKey: string): string {
  return createHash("sha256").update("nsight-backup-dashboard/account-key-hint\0").update(apiKey).digest("hex").slice(0, 16);
}

export function accountIdentity(of: Pick<AccountIdentity, "server" | "keyHint">, clients: readonly { clientId: string }[]): AccountIdentity {
  return { server: of.server, clientIds: [...new Set(clients.map((c) => c.clientId))].sort(), keyHint: of.keyHint };
}

/**
 * Whether kept data may be shown before N-sight has said which account this is.
 * - Another server: another account; set the data aside now, no call needed.
 * - Same server and same key: the same account; show it at once, so a restart while
 *   N-sight is down still shows the last known state.
 * - Same server, another key, or data kept before the identity was: it may be another
 *   customer's account on the same server. Hold it back until the first list_clients
 *   answer (one call, made anyway by discovery) says whose it is; until then show nothing.
 */
export function beforeConfirmation(stored: AccountIdentity, expected: ExpectedAccount): "show" | "hold" | "set_aside" {
  if (stored.server !== null && stored.server !== expected.server) return "set_aside";
  if (stored.server !== null && stored.keyHint !== null && stored.keyHint === expected.keyHint) return "show";
  return "hold";
}

/**
 * Whether `current` (from list_clients) is the account `stored` was read from: the same
 * server (when known) and at least half of the stored clients still there. Client ids are
 * N-sight's own unique ids, so another account shares none, while the same account keeps
 * its state through clients added or removed (growth never fails the rule; only losing more
 * than half of its clients at once would, and that costs one rediscovery, not wrong data).
 */
export function isSameAccount(stored: AccountIdentity, current: AccountIdentity): boolean {
  if (stored.server !== null && stored.server !== current.server) return false;
  if (stored.clientIds.length === 0) return true;
  const now = new Set(current.clientIds);
  const kept = stored.clientIds.filter((id) => now.has(id)).length;
  return kept * 2 >= stored.clientIds.length;
}
