// JSON answers compressed once and sent to everyone, instead of once per request: large
// ones (session histories) and ones many screens poll (the fleet).
//
// Next.js gzips every response itself, per request, and drops any Content-Encoding a route
// handler sets. For a 10 MB session history that costs ~150 ms of CPU per request, so 200
// people (or one PSA integration in a loop) saturate the server; for the fleet it is most
// of what a poll costs. The one supported way
// around it: next.config.mjs labels these routes' answers `Content-Encoding: gzip` through
// headers() with a `has` condition on Accept-Encoding (Next's compression then leaves them
// alone), and the route sends gzip bytes under exactly the same condition. Plain JavaScript
// because next.config.mjs imports it.

/**
 * Accept-Encoding values that accept gzip: a `gzip` token without `q=0`. Next.js anchors the
 * pattern (^…$) when matching `has` conditions; acceptsGzip() below does the same.
 */
export const ACCEPTS_GZIP = "(?:.*,)?\\s*gzip(?!\\s*;\\s*q=0(?:\\.0*)?\\s*(?:,|$))(?:\\s*;[^,]*)?\\s*(?:,.*)?";

const acceptsGzipPattern = new RegExp(`^${ACCEPTS_GZIP}$`);

/** Routes whose every answer is gzip when the request accepts it (next.config.mjs labels them). */
export const PRECOMPRESSED_ROUTES = ["/api/devices/:deviceId/sessions", "/api/fleet"];

/** Whether the answer to a request with this Accept-Encoding must be gzip bytes. */
export function acceptsGzip(acceptEncoding) {
  return typeof acceptEncoding === "string" && acceptsGzipPattern.test(acceptEncoding);
}

/** The headers() rules for next.config.mjs. */
export function precompressedHeaderRules() {
  return PRECOMPRESSED_ROUTES.flatMap((source) => [
    { source, headers: [{ key: "Vary", value: "Accept-Encoding" }] },
    { source, has: [{ type: "header", key: "accept-encoding", value: ACCEPTS_GZIP }], headers: [{ key: "Content-Encoding", value: "gzip" }] },
  ]);
}
