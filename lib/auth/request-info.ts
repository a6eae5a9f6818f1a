import "server-only";

interface HeaderSource {
  get(name: string): string | null;
}

/** Behind a proxy, the proxy must set X-Forwarded-For: a client could otherwise pick its own address and escape the per-address limit (the per-account one still holds). */
export function requestAddress(headers: HeaderSource): string | null {
  const forwarded = headers.get("x-forwarded-for");
  const first = forwarded?.split(",")[0]?.trim();
  return first ? first.slice(0, 64) : null;
}

export function requestUserAgent(headers: HeaderSource): string | null {
  return headers.get("user-agent")?.slice(0, 300) ?? null;
}
