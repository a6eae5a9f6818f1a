import "server-only";
import { getAuthConfig } from "../config";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Against cross-site requests a browser sends with our cookies: a state-changing request must come from our own origin. An API token is exempt (no browser sends one by itself); a browser request with no Origin is not. */
export function originAllowed(request: Request): boolean {
  if (SAFE_METHODS.has(request.method)) return true;
  if (request.headers.get("authorization") !== null) return true;
  const origin = request.headers.get("origin");
  if (!origin || origin === "null") return false;
  const publicUrl = getAuthConfig().publicUrl;
  if (publicUrl) return origin === publicUrl.origin;
  const host = request.headers.get("host");
  const proto = new URL(request.url).protocol;
  return origin === new URL(request.url).origin || (host !== null && origin === `${proto}//${host}`);
}
