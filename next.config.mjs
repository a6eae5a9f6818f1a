import { precompressedHeaderRules } from "./lib/http/precompressed.mjs";

const COMMON_HEADERS = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Benchmarks build into a directory of their own, so a long run is never disturbed by a rebuild of the working tree.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  reactStrictMode: true,
  // `npm test` type-checks the whole project once with `tsc --noEmit`; the build does not repeat it.
  typescript: { ignoreBuildErrors: true },
  // forbidden(): a page refuses a principal with a real 403 (the admin pages to non-admins, every page but /noc to a display).
  // Not every route's server code loaded at start (the default): that work came before the wall's first page after a
  // restart; each other route loads its own on its first request instead.
  experimental: { authInterrupts: true, preloadEntriesOnStart: false },
  async headers() {
    return [
      { source: "/:path*", headers: COMMON_HEADERS },
      // JSON answers never render: no scripts, no framing, whatever a caller sends.
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'" }] },
      // Large answers gzipped once for everyone, not per request by Next (lib/http/precompressed.mjs).
      ...precompressedHeaderRules(),
    ];
  },
};

export default nextConfig;
