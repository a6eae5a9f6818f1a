import { NextResponse, type NextRequest } from "next/server";
import { isNsightId } from "./lib/ids";
import { buildCsp, parseFrameAncestors } from "./lib/security/csp";

const ID_PATHS = [/^\/devices\/([^/]*)\/?$/, /^\/clients\/([^/]*)\/?$/, /^\/clients\/([^/]*)\/sites\/([^/]*)\/?$/];

function isMalformed(pathname: string): boolean {
  if (pathname.includes("//") || /(^|\/)\.\.?(\/|$)/.test(pathname)) return true;
  for (const pattern of ID_PATHS) {
    const match = pattern.exec(pathname);
    if (match) return match.slice(1).some((segment) => !isNsightId(decodeURIComponentSafe(segment)));
  }
  return false;
}

function decodeURIComponentSafe(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

// Malformed paths get a real 404 before page code runs (a streamed page could only answer 200). Pages get a fresh CSP nonce, which
// Next reads from the request's CSP header. FRAME_ANCESTORS is read here: this runs outside the server-only lib/config.ts.
export function proxy(request: NextRequest): NextResponse {
  const { pathname } = request.nextUrl;
  if (pathname.startsWith("/api/")) {
    if (isMalformed(pathname)) {
      return NextResponse.json({ error: { code: "not_found", message: "No such API route." } }, { status: 404, headers: { "X-Content-Type-Options": "nosniff" } });
    }
    return NextResponse.next();
  }
  if (isMalformed(pathname)) {
    return NextResponse.rewrite(new URL("/not-found", request.url), { status: 404 });
  }
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const frameAncestors = parseFrameAncestors(process.env.FRAME_ANCESTORS);
  const csp = buildCsp({ nonce, frameAncestors, development: process.env.NODE_ENV !== "production" });
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  // Where a page sends a visitor back to after signing in (layouts do not know their path).
  headers.set("x-request-path", `${pathname}${request.nextUrl.search}`.slice(0, 2_000));
  headers.set("Content-Security-Policy", csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("Content-Security-Policy", csp);
  if (pathname.startsWith("/s/")) {
    // A share link's token is in its path: no Referer, no search engine and no cache may keep it.
    response.headers.set("Referrer-Policy", "no-referrer");
    response.headers.set("X-Robots-Tag", "noindex");
    response.headers.set("Cache-Control", "no-store");
  }
  if (frameAncestors === "'none'") response.headers.set("X-Frame-Options", "DENY");
  return response;
}

export const config = {
  // Everything but build assets; prefetches carry no document, so no nonce either.
  matcher: [
    {
      source: "/((?!_next/static|_next/image|icon.svg).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
