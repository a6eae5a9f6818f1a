import "server-only";
import { createHash } from "node:crypto";

/**
 * The N-sight account that data kept on disk was read from: its server and its clients, not
 * its key (a key regenerated in N-sight reads the same account). Whatever keeps N-sight data
 * checks it with `beforeConfirmation` at start and `isSameAccount` on the first list_clients
 * answer, so the demo's or another customer's devices are never shown for this account.
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

/** One spelling per server: lower-case host without a trailing dot, no default port or trailing slash. */
export function normaliseServer(url: URL): string {
  const host = url.hostname.replace(/\.$/, "");
  const port = url.port ? `:${url.port}` : "";
  return `${url.protocol}//${host}${port}${url.pathname.replace(/\/+$/, "")}`;
}

/**
 * 64 bits of a SHA-256 of the key, kept beside the data: the same key again proves the same
 * account without waiting for N-sight; another key proves nothing either way.
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
