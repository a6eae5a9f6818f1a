import "server-only";
import { AccessError, isAccessError, requireCapability, type Capability } from "../auth/access";
import { originAllowed } from "../auth/origin";
import type { Principal } from "../auth/principal";
import { displayCookieName, readCookie, serializeCookie, credentialCookieOptions } from "../auth/cookies";
import { DISPLAY_LIFETIME_MS } from "../auth/displays";
import { deadDisplayOf, resolvePrincipal } from "../auth/resolve";
import { apiCapability } from "../auth/routes";
import { isConfigError, isDemo } from "../config";
import type { Fresh } from "../data/fresh";
import { describeError, log } from "../log";
import { isNsightId } from "../nsight/client";
import { isNsightError, type NsightError } from "../nsight/errors";
import { isStoreUnavailable } from "../store/unavailable";
import type { ApiErrorCode, ApiFailure, ApiSuccess } from "../types";
import { EncodedAnswer, gzipBytes } from "./encoded-answer";
import { acceptsGzip, PRECOMPRESSED_ROUTES } from "./precompressed.mjs";
import { MissingError, RequestError } from "./request-error";

/** Never lets an internal message, a stack or an upstream body reach the browser. */

export { RequestError };

const BASE_HEADERS: Record<string, string> = {
  "Content-Type": "application/json; charset=utf-8",
  "X-Content-Type-Options": "nosniff",
  // Freshness is managed by our own cache; browsers and proxies must not keep copies.
  "Cache-Control": "no-store",
};

export function jsonResponse(body: unknown, status: number, extraHeaders: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...BASE_HEADERS, ...extraHeaders } });
}

function failure(status: number, code: ApiErrorCode, message: string, headers?: Record<string, string>): Response {
  const body: ApiFailure = { error: { code, message } };
  return jsonResponse(body, status, headers);
}

const NSIGHT_STATUS: Record<NsightError["kind"], [number, ApiErrorCode]> = {
  not_found: [404, "not_found"],
  auth: [502, "upstream_auth"],
  bad_response: [502, "bad_upstream"],
  // N-sight said a parameter was missing: our request was wrong, not the caller's.
  bad_request: [502, "bad_upstream"],
  unavailable: [503, "unavailable"],
  throttled: [503, "throttled"],
  timeout: [504, "timeout"],
  busy: [503, "busy"],
  rate_limited: [429, "rate_limited"],
};

/** 499, as proxies log a client that closed the connection: nobody reads it, not worth a log line. */
function abandoned(): Response {
  return new Response(null, { status: 499, headers: BASE_HEADERS });
}

export function errorResponse(error: unknown, route: string): Response {
  if (error instanceof MissingError) return failure(404, "not_found", error.message);
  if (error instanceof RequestError) return failure(400, "bad_request", error.message);
  if (isAccessError(error)) {
    return error.kind === "unauthenticated" ? failure(401, error.code ?? "unauthenticated", error.message) : failure(403, error.code ?? "forbidden", error.message);
  }
  if (isNsightError(error)) {
    const [status, code] = NSIGHT_STATUS[error.kind];
    if (status >= 500) log("warn", "api.upstream_failure", { route, kind: error.kind, diagnostic: error.diagnostic });
    const retryAfter = error.retryAfterMs ? { "Retry-After": String(Math.ceil(error.retryAfterMs / 1000)) } : undefined;
    return failure(status, code, error.message, retryAfter);
  }
  if (isStoreUnavailable(error)) {
    log("warn", "api.store_unavailable", { route, error: describeError(error) });
    return failure(503, "store_unavailable", "The dashboard's database cannot be reached right now. Try again in a moment.", { "Retry-After": "5" });
  }
  if (isConfigError(error)) {
    log("error", "api.config_error", { route, error: error.message });
    return failure(500, "internal", "The dashboard is not configured correctly; see the server log.");
  }
  log("error", "api.unexpected_error", { route, error: describeError(error) });
  return failure(500, "internal", "Something went wrong on the server.");
}

export interface RouteInput<P> {
  principal: Principal;
  request: Request;
  params: P;
  query: URLSearchParams;
  signal: AbortSignal;
}

interface RouteRules<P extends Record<string, string>> {
  route: string;
  ids: (keyof P & string)[];
  query?: string[];
  /** Checked before the handler runs, and again by the data layer with the scope. */
  capability?: Capability;
}

export type RouteResult = Fresh<unknown> | EncodedAnswer | Response;

export interface RouteSpec<P extends Record<string, string>> extends RouteRules<P> {
  handler: (input: RouteInput<P>) => Promise<RouteResult>;
}

/** The route's rules with the capability of its row in lib/auth/routes.ts: a route without a row, or at odds with it, does not build. */
function withTableCapability<R extends { route: string; capability?: Capability }>(rules: R): R {
  const capability = apiCapability(rules.route);
  if (rules.capability !== undefined && rules.capability !== capability) {
    throw new Error(`${rules.route} asks for ${rules.capability}, but lib/auth/routes.ts says ${capability ?? "nothing"}`);
  }
  return capability === null ? rules : { ...rules, capability };
}

function label(name: string): string {
  return name.replace(/Id$/, " id");
}

const CROSS_ORIGIN = "This request came from another site; it was refused.";

async function readInput<P extends Record<string, string>>(rules: RouteRules<P>, request: Request, context: { params: Promise<P> }): Promise<RouteInput<P>> {
  if (!originAllowed(request)) throw new AccessError("forbidden", CROSS_ORIGIN);
  const principal = await resolvePrincipal(request);
  if (!principal) {
    const dead = await deadDisplayOf((name) => readCookie(request.headers.get("cookie"), name));
    if (dead === "revoked") throw new AccessError("unauthenticated", "This display was revoked.", "display_revoked");
    if (dead === "expired") throw new AccessError("unauthenticated", "This display's credential has expired.", "display_expired");
    throw new AccessError("unauthenticated", "Sign in to use this API.");
  }
  if (rules.capability) requireCapability(principal, rules.capability);
  const params = await context.params;
  for (const name of rules.ids) {
    const value = params[name];
    if (typeof value !== "string" || !isNsightId(value)) {
      throw new RequestError(`Invalid ${label(name)}: expected a positive whole number.`);
    }
  }
  const allowed = new Set(rules.query ?? []);
  const query = new URL(request.url).searchParams;
  const seen = new Set<string>();
  for (const name of query.keys()) {
    if (!allowed.has(name)) throw new RequestError(`Unknown query parameter: ${name.slice(0, 40)}`);
    if (seen.has(name)) throw new RequestError(`Repeated query parameter: ${name.slice(0, 40)}`);
    seen.add(name);
  }
  return { principal, request, params, query, signal: request.signal };
}

function successBody<T>(result: Fresh<T>): ApiSuccess<T> {
  return { data: result.data, meta: { fetchedAt: new Date(result.fetchedAt).toISOString(), stale: result.stale, demo: isDemo() } };
}

export function encodeSuccess(result: Fresh<unknown>): EncodedAnswer {
  return new EncodedAnswer(Buffer.from(JSON.stringify(successBody(result))));
}

/** Items stringified in one go by encodeListSuccess, and the work done between two turns of the event loop. */
const ENCODE_SLICE_ITEMS = 250;
const ENCODE_SLICE_MS = 8;

/** A session history runs to megabytes: encode a slice at a time, handing the event loop back between slices. */
export async function encodeListSuccess(result: Fresh<readonly unknown[]>): Promise<EncodedAnswer> {
  const empty = JSON.stringify(successBody({ ...result, data: [] }));
  const open = '{"data":[';
  if (!empty.startsWith(`${open}]`)) throw new Error("The success envelope must start with its data");
  const parts: Buffer[] = [Buffer.from(open)];
  const items = result.data;
  await new Promise<void>((resolve) => setImmediate(resolve));
  let sliceStart = performance.now();
  for (let i = 0; i < items.length; i += ENCODE_SLICE_ITEMS) {
    const json = JSON.stringify(items.slice(i, i + ENCODE_SLICE_ITEMS));
    parts.push(Buffer.from(`${i === 0 ? "" : ","}${json.slice(1, -1)}`));
    if (performance.now() - sliceStart > ENCODE_SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
  parts.push(Buffer.from(empty.slice(open.length)));
  return new EncodedAnswer(Buffer.concat(parts));
}

/** A view of shared bytes, not a copy (Node Buffers never sit on a SharedArrayBuffer). */
function bytes(body: Buffer): Uint8Array<ArrayBuffer> {
  return new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.byteLength);
}

async function gzipped(response: Response): Promise<Response> {
  const body = await gzipBytes(Buffer.from(await response.arrayBuffer()));
  return new Response(bytes(body), { status: response.status, headers: response.headers });
}

/** A wall whose credential was just renewed gets its cookie renewed too: it never has to pair again while in use. */
function renewDisplayCookie(input: RouteInput<Record<string, string>>, response: Response): Response {
  if (input.principal.kind !== "display" || !input.principal.renewed) return response;
  const token = readCookie(input.request.headers.get("cookie"), displayCookieName());
  if (token) response.headers.append("Set-Cookie", serializeCookie(displayCookieName(), token, credentialCookieOptions(DISPLAY_LIFETIME_MS)));
  return response;
}

export function apiRoute<P extends Record<string, string>>(routeSpec: RouteSpec<P>) {
  const spec = withTableCapability(routeSpec);
  const precompressed = PRECOMPRESSED_ROUTES.includes(spec.route.replace(/^GET /, ""));
  return async function handle(request: Request, context: { params: Promise<P> }): Promise<Response> {
    // Must agree with the label next.config.mjs puts on the response: gzip bytes exactly when it says gzip.
    const gzip = precompressed && acceptsGzip(request.headers.get("accept-encoding"));
    let response: Response;
    try {
      const input = await readInput(spec, request, context);
      const result = await spec.handler(input);
      if (result instanceof Response) return result;
      if (result instanceof EncodedAnswer) {
        return renewDisplayCookie(input, new Response(bytes(gzip ? await result.gzip() : result.json), { status: 200, headers: BASE_HEADERS }));
      }
      response = renewDisplayCookie(input, jsonResponse(successBody(result), 200));
    } catch (error) {
      if (request.signal.aborted) return abandoned();
      response = errorResponse(error, spec.route);
    }
    return gzip ? gzipped(response) : response;
  };
}

export function fileRoute<P extends Record<string, string>>(routeSpec: RouteRules<P> & { handler: (input: RouteInput<P>) => Promise<Response> }) {
  const spec = withTableCapability(routeSpec);
  return async function handle(request: Request, context: { params: Promise<P> }): Promise<Response> {
    try {
      return await spec.handler(await readInput(spec, request, context));
    } catch (error) {
      if (request.signal.aborted) return abandoned();
      return errorResponse(error, spec.route);
    }
  };
}
