// Failures of the store itself (down, restarting, unreachable, too slow), not of the request: answered 503, "try again".

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "EPIPE"]);
/** node-postgres's own words for a pool that could not connect in time, a connection cut, and its client-side query timeout. */
const POSTGRES_CLIENT_FAILURES = /timeout exceeded when trying to connect|Connection terminated|Query read timeout/;

export function isStoreUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") {
    if (NETWORK_CODES.has(code)) return true;
    // PostgreSQL: connection exceptions (08…), shutting down or starting up (57P01–57P03), a statement past its timeout (57014).
    if (code.startsWith("08") || /^57P0[123]$/.test(code) || code === "57014") return true;
    // SQLite: another writer held the lock past busy_timeout.
    if (code === "SQLITE_BUSY") return true;
  }
  return POSTGRES_CLIENT_FAILURES.test(error.message);
}
