import "server-only";
import type { DeliveryResult } from "../types";

const MAX_REDIRECTS = 3;
/** A Retry-After beyond this is a broken or hostile receiver: the dispatcher's own back-off takes over. */
const MAX_RETRY_AFTER_MS = 6 * 3_600_000;

/** Seconds or an HTTP date, as RFC 9110 allows; anything else is ignored. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  const ms = /^\d+$/.test(text) ? Number(text) * 1_000 : Date.parse(text) - now;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(0, ms), MAX_RETRY_AFTER_MS);
}

/** 2xx delivered; 408, 429 and 5xx are worth another try; any other answer will not change by retrying. */
export function classifyStatus(status: number, retryAfter: string | null, now: number): DeliveryResult {
  if (status >= 200 && status < 300) return { ok: true, statusCode: status };
  const error = `HTTP ${status}`;
  if (status === 408 || status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(retryAfter, now);
    return retryAfterMs === undefined ? { ok: false, statusCode: status, error } : { ok: false, statusCode: status, error, retryAfterMs };
  }
  return { ok: false, statusCode: status, error, permanent: true };
}

/** A short reason without the URL: chat webhook URLs carry their secret in the path. */
function networkError(error: unknown, signal: AbortSignal): DeliveryResult {
  if (signal.aborted) return { ok: false, statusCode: null, error: "timed out" };
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === "string" ? cause.code : null;
  return { ok: false, statusCode: null, error: code ? `network error (${code})` : "network error" };
}

function resolveLocation(location: string, base?: URL): URL | null {
  try {
    return new URL(location, base);
  } catch {
    return null;
  }
}

export interface PostOptions {
  fetch: typeof fetch;
  now: () => number;
  signal: AbortSignal;
  headers: Record<string, string>;
  body: string;
}

/**
 * POSTs `body` and classifies the answer. Redirects are followed only within the URL's own origin (a receiver must
 * not bounce a signed alert elsewhere); the response body is drained unread so nothing of it reaches a log.
 */
export async function postJson(url: string, options: PostOptions): Promise<DeliveryResult> {
  const first = resolveLocation(url);
  if (!first) return { ok: false, statusCode: null, error: "the channel's URL is not valid", permanent: true };
  let target: URL = first;
  for (let hop = 0; ; hop++) {
    let response: Response;
    try {
      response = await options.fetch(target, {
        method: "POST",
        headers: { "content-type": "application/json; charset=utf-8", "user-agent": "nsight-backup-dashboard", ...options.headers },
        body: options.body,
        redirect: "manual",
        signal: options.signal,
      });
    } catch (error) {
      return networkError(error, options.signal);
    }
    await response.body?.cancel().catch(() => undefined);
    if (response.status >= 300 && response.status < 400 && response.status !== 304) {
      const location = response.headers.get("location");
      const next = location ? resolveLocation(location, target) : null;
      if (!next || next.origin !== target.origin) {
        return { ok: false, statusCode: response.status, error: `HTTP ${response.status}: redirect to another origin refused`, permanent: true };
      }
      if (hop >= MAX_REDIRECTS) return { ok: false, statusCode: response.status, error: "too many redirects", permanent: true };
      target = next;
      continue;
    }
    return classifyStatus(response.status, response.headers.get("retry-after"), options.now());
  }
}
