import "server-only";
import { getAuthConfig } from "../config";

// SameSite=Lax: Strict would drop the cookie on the way back from an identity provider. Behind https, __Host- pins it to this host and path /.
export function sessionCookieName(): string {
  return getAuthConfig().secureCookies ? "__Host-nbd_session" : "nbd_session";
}

export function displayCookieName(): string {
  return getAuthConfig().secureCookies ? "__Host-nbd_display" : "nbd_display";
}

export function pairingCookieName(): string {
  return getAuthConfig().secureCookies ? "__Host-nbd_pairing" : "nbd_pairing";
}

export interface CookieOptions {
  httpOnly: true;
  sameSite: "lax";
  secure: boolean;
  path: string;
  maxAge: number;
}

export function credentialCookieOptions(maxAgeMs: number, path = "/"): CookieOptions {
  return { httpOnly: true, sameSite: "lax", secure: getAuthConfig().secureCookies, path, maxAge: Math.max(0, Math.floor(maxAgeMs / 1000)) };
}

export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  const parts = [`${name}=${value}`, `Path=${options.path}`, `Max-Age=${options.maxAge}`, "HttpOnly", "SameSite=Lax"];
  if (options.secure) parts.push("Secure");
  return parts.join("; ");
}

export function clearedCookie(name: string, path = "/"): string {
  return serializeCookie(name, "", { ...credentialCookieOptions(0, path) });
}

export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
