/**
 * Helpers for the simulator's tests: raw HTTP with node:http (fetch always adds a
 * User-Agent, and the WAF test needs none), and URL building.
 */
import http from "node:http";

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

interface RawRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Abort after this many ms (rejects with an AbortError). */
  timeoutMs?: number;
}

export const TEST_UA = "Mozilla/5.0 (compatible; SimulatorTest/1.0)";

/** One request; no default headers at all (no User-Agent unless given). */
export function rawRequest(url: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? "GET", headers: options.headers ?? {}, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    if (options.timeoutMs !== undefined) {
      req.setTimeout(options.timeoutMs, () => req.destroy(Object.assign(new Error("timed out"), { name: "AbortError" })));
    }
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** `${base}/api/?…` with the parameters in order (apikey first, as N-able's client does). */
export function apiUrl(base: string, params: Record<string, string>, path = "/api/"): string {
  return `${base}${path}?${new URLSearchParams(params).toString()}`;
}

/** GET with a browser-like User-Agent, as the app sends. */
export function apiGet(base: string, params: Record<string, string>, headers: Record<string, string> = {}): Promise<RawResponse> {
  return rawRequest(apiUrl(base, params), { headers: { "User-Agent": TEST_UA, ...headers } });
}

export function latin1(body: Buffer): string {
  return body.toString("latin1");
}
