// Next.js gzips every response itself, per request (~150 ms of CPU for a 10 MB history): these routes are labelled
// gzip in next.config.mjs's headers() so Next leaves them alone, and the route sends gzip bytes under the same condition.

/** A `gzip` token without `q=0`; Next.js anchors `has` patterns (^…$), and acceptsGzip() does the same. */
export const ACCEPTS_GZIP = "(?:.*,)?\\s*gzip(?!\\s*;\\s*q=0(?:\\.0*)?\\s*(?:,|$))(?:\\s*;[^,]*)?\\s*(?:,.*)?";

const acceptsGzipPattern = new RegExp(`^${ACCEPTS_GZIP}$`);

export const PRECOMPRESSED_ROUTES = ["/api/devices/:deviceId/sessions", "/api/fleet"];

export function acceptsGzip(acceptEncoding) {
  return typeof acceptEncoding === "string" && acceptsGzipPattern.test(acceptEncoding);
}

export function precompressedHeaderRules() {
  return PRECOMPRESSED_ROUTES.flatMap((source) => [
    { source, headers: [{ key: "Vary", value: "Accept-Encoding" }] },
    { source, has: [{ type: "header", key: "accept-encoding", value: ACCEPTS_GZIP }], headers: [{ key: "Content-Encoding", value: "gzip" }] },
  ]);
}
