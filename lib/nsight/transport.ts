import { decodeXmlBytes, UnsupportedEncodingError } from "./decode";
import { isNsightError, NsightError } from "./errors";
import { redact } from "./redact";
import { childElement, readXml, XmlSyntaxError, type XmlElement } from "./xml";

/** The read-only services this dashboard may call. Nothing else is ever sent. */
export const READ_SERVICES = [
  "list_clients",
  "list_sites",
  "list_servers",
  "list_workstations",
  "list_devices_at_client",
  "list_mob_sessions",
] as const;
export type ReadService = (typeof READ_SERVICES)[number];

export interface TransportOptions {
  /** Where `/api/` lives: `https://www.systemmonitor.us` or `http://127.0.0.1:4010`. */
  baseUrl: URL;
  apiKey: string;
  timeoutMs: number;
  maxBodyBytes: number;
  userAgent: string;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

/** The `<result>` element of a successful answer. */
export interface NsightAnswer {
  result: XmlElement;
  bytes: number;
}

/** The decoded text of an answer that passed the HTTP checks (status, type, size). */
export interface NsightText {
  text: string;
  bytes: number;
}

/** Builds the request URL: apikey first, then service (as N-able's own client does). */
export function buildRequestUrl(options: Pick<TransportOptions, "baseUrl" | "apiKey">, service: ReadService, params: Record<string, string>): URL {
  const base = options.baseUrl.href.endsWith("/") ? options.baseUrl.href : `${options.baseUrl.href}/`;
  const url = new URL("api/", base);
  const query = new URLSearchParams();
  query.set("apikey", options.apiKey);
  query.set("service", service);
  for (const [name, value] of Object.entries(params)) query.set(name, value);
  url.search = query.toString();
  return url;
}

function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds, 3600) * 1000;
  const date = Date.parse(value);
  if (!Number.isNaN(date)) return Math.max(0, Math.min(date - Date.now(), 3_600_000));
  return undefined;
}

async function readBodyCapped(response: Response, maxBytes: number, service: string): Promise<Uint8Array> {
  const declared = Number(response.headers.get("content-length"));
  const tooLarge = () =>
    new NsightError("bad_response", "N-sight's answer was larger than this dashboard accepts.", {
      service,
      diagnostic: `body over ${maxBytes} bytes`,
    });
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** Maps an `<error>` answer to a typed error (reference §6.1). */
function failureFromAnswer(result: XmlElement, service: string): NsightError {
  const error = childElement(result, "error");
  const codeText = error ? childElement(error, "errorcode")?.text.trim() : undefined;
  const code = codeText && /^\d+$/.test(codeText) ? Number(codeText) : undefined;
  const upstreamMessage = (error ? childElement(error, "message")?.text.trim() : undefined) ?? "";
  const details = { service, errorCode: code, diagnostic: `FAIL ${code ?? "-"}: ${upstreamMessage.slice(0, 200)}` };
  // Code 2 ("Invalid api key") is what N-able's own tooling expects for a refused key.
  if (code === 2 || code === 3 || /login failed/i.test(upstreamMessage)) {
    return new NsightError("auth", "N-sight refused the API key (login failed). Check NSIGHT_API_KEY and NSIGHT_SERVER.", details);
  }
  if (code === 4) return new NsightError("not_found", "N-sight does not know this id.", details);
  if (code === 5) return new NsightError("bad_request", "N-sight reported a missing parameter.", details);
  if (/service unknown/i.test(upstreamMessage)) {
    return new NsightError("bad_response", "N-sight does not offer this service on this server.", details);
  }
  return new NsightError("bad_response", "N-sight reported an error.", details);
}

function decodeBody(bytes: Uint8Array, contentType: string | null, service: string): string {
  if (bytes.byteLength === 0) {
    throw new NsightError("bad_response", "N-sight sent an empty answer.", { service, diagnostic: "empty body" });
  }
  try {
    return decodeXmlBytes(bytes, contentType);
  } catch (error) {
    const diagnostic = error instanceof UnsupportedEncodingError ? error.message : "undecodable bytes";
    throw new NsightError("bad_response", "N-sight's answer was not readable text.", { service, diagnostic });
  }
}

/**
 * Reads an answer's text with the general strict reader and checks the envelope: root
 * `<result>` with status OK, or a typed error for `<error>` / FAIL.
 */
export function parseAnswer(text: string, service: string): XmlElement {
  let root: XmlElement;
  try {
    root = readXml(text);
  } catch (error) {
    const diagnostic = error instanceof XmlSyntaxError ? error.message : "unparseable";
    throw new NsightError("bad_response", "N-sight's answer was not well-formed XML (possibly cut off).", {
      service,
      diagnostic,
    });
  }
  if (root.name !== "result") {
    throw new NsightError("bad_response", "N-sight's answer did not have the expected shape.", {
      service,
      diagnostic: `root element <${root.name.slice(0, 40)}>`,
    });
  }
  const status = root.attrs?.status;
  if (status === "FAIL" || childElement(root, "error")) throw failureFromAnswer(root, service);
  if (status !== "OK") {
    throw new NsightError("bad_response", "N-sight's answer did not say it succeeded.", {
      service,
      diagnostic: `status=${String(status).slice(0, 20)}`,
    });
  }
  return root;
}

/**
 * Makes one call to N-sight and returns the `<result>` of a successful answer, or throws
 * an NsightError. No retries and no rate limiting here: see budget.ts and client.ts.
 */
export async function requestNsight(
  options: TransportOptions,
  service: ReadService,
  params: Record<string, string>,
  signal?: AbortSignal,
): Promise<NsightAnswer> {
  const answer = await fetchNsightText(options, service, params, signal);
  return { result: parseAnswer(answer.text, service), bytes: answer.bytes };
}

/**
 * Makes one call and returns the answer's decoded text once the HTTP side is sound (status,
 * content type, size cap, encoding); parsing is the caller's (parseAnswer, or a fast path).
 */
export async function fetchNsightText(
  options: TransportOptions,
  service: ReadService,
  params: Record<string, string>,
  signal?: AbortSignal,
): Promise<NsightText> {
  const url = buildRequestUrl(options, service, params);
  const doFetch = options.fetch ?? fetch;
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const combined = signal ? AbortSignal.any([timeout, signal]) : timeout;
  const secrets = [options.apiKey];

  let response: Response;
  try {
    response = await doFetch(url, {
      method: "GET",
      headers: {
        // N-sight sits behind a WAF that answers 403 HTML to requests without a User-Agent.
        "User-Agent": options.userAgent,
        Accept: "application/xml, text/xml;q=0.9",
      },
      // A redirect would be N-sight telling us to go elsewhere with the key; refuse.
      redirect: "error",
      signal: combined,
      cache: "no-store",
    });
  } catch (error) {
    throw transportFailure(error, timeout, service, secrets, options.timeoutMs);
  }

  const contentType = response.headers.get("content-type");
  try {
    if (response.status === 429) {
      throw new NsightError("throttled", "N-sight asked us to slow down (HTTP 429).", {
        service,
        httpStatus: 429,
        retryAfterMs: parseRetryAfter(response.headers.get("retry-after")),
      });
    }
    if (response.status >= 500) {
      throw new NsightError("unavailable", `N-sight is having trouble (HTTP ${response.status}).`, {
        service,
        httpStatus: response.status,
        retryAfterMs: parseRetryAfter(response.headers.get("retry-after")),
      });
    }
    if (response.status === 401 || response.status === 403) {
      throw new NsightError("auth", `N-sight's firewall refused the request (HTTP ${response.status}).`, {
        service,
        httpStatus: response.status,
      });
    }
    if (response.status !== 200) {
      throw new NsightError("bad_response", `N-sight answered with HTTP ${response.status}.`, {
        service,
        httpStatus: response.status,
      });
    }
    if (contentType && /html/i.test(contentType)) {
      throw new NsightError("bad_response", "N-sight answered with a web page instead of XML.", {
        service,
        httpStatus: 200,
        diagnostic: `content-type ${contentType.slice(0, 60)}`,
      });
    }
    const bytes = await readBodyCapped(response, options.maxBodyBytes, service);
    return { text: decodeBody(bytes, contentType, service), bytes: bytes.byteLength };
  } catch (error) {
    await response.body?.cancel().catch(() => undefined);
    if (isNsightError(error)) throw error;
    throw transportFailure(error, timeout, service, secrets, options.timeoutMs);
  }
}

function transportFailure(
  error: unknown,
  timeout: AbortSignal,
  service: string,
  secrets: string[],
  timeoutMs: number,
): NsightError {
  if (timeout.aborted) {
    return new NsightError("timeout", `N-sight did not answer within ${Math.round(timeoutMs / 1000)} s.`, { service });
  }
  const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
  const code = cause?.code ?? (error as { code?: string } | null)?.code;
  const text = error instanceof Error ? error.message : String(error);
  const diagnostic = redact(`${code ?? ""} ${text} ${cause?.message ?? ""}`.trim(), secrets).slice(0, 200);
  if (error instanceof Error && error.name === "AbortError") {
    return new NsightError("unavailable", "The request to N-sight was cancelled.", { service, diagnostic });
  }
  if (/redirect/i.test(text) || /redirect/i.test(cause?.message ?? "")) {
    return new NsightError("bad_response", "N-sight redirected the request; refusing to follow.", { service, diagnostic });
  }
  return new NsightError("unavailable", "N-sight could not be reached.", { service, diagnostic });
}
