import "server-only";

interface HeaderSource {
  get(name: string): string | null;
}

/**
 * The client's address as the server saw it: the first X-Forwarded-For entry, which Next's
 * server fills from the socket when no proxy set it. Behind a proxy, the proxy must set it
 * (a client can otherwise choose its own, which only weakens the per-address limit: the
 * per-account one still holds).
 */
export function requestAddress(headers: HeaderSource): string | null {
  const forwarded = headers.get("x-forwarded-for");
  const first = forwarded?.split(",")[0]?.trim();
  return first ? first.slice(0, 64) : null;
}

export function requestUserAgent(headers: HeaderSource): string | null {
  return headers.get("user-agent")?.slice(0, 300) ?? null;
}
