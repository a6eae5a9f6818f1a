// node:http rather than fetch: fetch always adds a User-Agent, and the WAF test needs none.
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
  timeoutMs?: number;
}

export const TEST_UA = "Mozilla/5.0 (compatible; SimulatorTest/1.0)";

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

/** Parameters in the order given: apikey first, as N-able's own client sends them. */
export function apiUrl(base: string, params: Record<string, string>, path = "/api/"): string {
  return `${base}${path}?${new URLSearchParams(params).toString()}`;
}

export function apiGet(base: string, params: Record<string, string>, headers: Record<string, string> = {}): Promise<RawResponse> {
  return rawRequest(apiUrl(base, params), { headers: { "User-Agent": TEST_UA, ...headers } });
}

export function latin1(body: Buffer): string {
  return body.toString("latin1");
}
