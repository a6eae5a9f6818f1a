import "server-only";
import { createHash } from "node:crypto";

/** The account kept data was read from: its server and clients, not its key (a regenerated key reads the same account). */
export interface AccountIdentity {
  /** `normaliseServer` of the server it was read from; null in data kept before this existed. */
  server: string | null;
  clientIds: string[];
  keyHint: string | null;
}

export interface ExpectedAccount {
  server: string;
  keyHint: string | null;
}

export function normaliseServer(url: URL): string {
  const host = url.hostname.replace(/\.$/, "");
  const port = url.port ? `:${url.port}` : "";
  return `${url.protocol}//${host}${port}${url.pathname.replace(/\/+$/, "")}`;
}

/** 64 bits of a SHA-256 of the key: the same key proves the same account, another proves nothing. */
export function keyHint(apiKey: string): string {
  return createHash("sha256").update("nsight-backup-dashboard/account-key-hint\0").update(apiKey).digest("hex").slice(0, 16);
}

export function accountIdentity(of: Pick<AccountIdentity, "server" | "keyHint">, clients: readonly { clientId: string }[]): AccountIdentity {
  return { server: of.server, clientIds: [...new Set(clients.map((c) => c.clientId))].sort(), keyHint: of.keyHint };
}

/** Another server: never; same server and key: at once (N-sight may be down); otherwise not before list_clients answers. */
export function beforeConfirmation(stored: AccountIdentity, expected: ExpectedAccount): "show" | "hold" | "set_aside" {
  if (stored.server !== null && stored.server !== expected.server) return "set_aside";
  if (stored.server !== null && stored.keyHint !== null && stored.keyHint === expected.keyHint) return "show";
  return "hold";
}

/** Same server (when known) and at least half of the stored clients still there: growth never fails it, another account shares no ids. */
export function isSameAccount(stored: AccountIdentity, current: AccountIdentity): boolean {
  if (stored.server !== null && stored.server !== current.server) return false;
  if (stored.clientIds.length === 0) return true;
  const now = new Set(current.clientIds);
  const kept = stored.clientIds.filter((id) => now.has(id)).length;
  return kept * 2 >= stored.clientIds.length;
}
