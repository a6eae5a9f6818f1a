import "server-only";
import { UnsupportedEncodingError, XmlTextDecoder } from "./decode";
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
  baseUrl: URL;
  apiKey: string;
  timeoutMs: number;
  maxBodyBytes: number;
  userAgent: string;
  fetch?: typeof fetch;
}

export interface NsightAnswer {
  result: XmlElement;
  bytes: number;
}

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

export interface AnswerReader<T> {
  write(text: string): void;
  end(): T;
}

/** The bytes decoded and read in one go: a network chunk can be large, and a long step blocks everyone (64 KiB of sessions took 10-30 ms). */
const PIECE_BYTES = 16 * 1024;
const SLICE_MS = 8;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Hands the event loop back every SLICE_MS: buffered chunks resolve without a turn, so others wait one slice at most. */
async function readBodyInto<T>(response: Response, maxBytes: number, service: string, reader: AnswerReader<T>): Promise<{ value: T; bytes: number }> {
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
  const decoder = new XmlTextDecoder(response.headers.get("content-type"));
  const decode = (write: () => string) => {
    try {
      return write();
    } catch (error) {
      const diagnostic = error instanceof UnsupportedEncodingError ? error.message : "undecodable bytes";
      throw new NsightError("bad_response", "N-sight's answer was not readable text.", { service, diagnostic });
    }
  };
  let total = 0;
  if (response.body) {
    const body = response.body.getReader();
    let sliceStart = performance.now();
    for (;;) {
      const { done, value } = await body.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await body.cancel().catch(() => undefined);
        throw tooLarge();
      }
      for (let at = 0; at < value.byteLength; at += PIECE_BYTES) {
        const text = decode(() => decoder.write(value.subarray(at, at + PIECE_BYTES)));
        if (text) reader.write(text);
        if (performance.now() - sliceStart > SLICE_MS) {
          await nextTurn();
          sliceStart = performance.now();
        }
      }
    }
  }
  if (total === 0) throw new NsightError("bad_response", "N-sight sent an empty answer.", { service, diagnostic: "empty body" });
  await nextTurn();
  const rest = decode(() => decoder.end());
  if (rest) reader.write(rest);
  return { value: reader.end(), bytes: total };
}

/** Maps an `<error>` answer to a typed error (docs/nsight-api.md §6.1). */
function failureFromAnswer(result: XmlElement, service: string): NsightError {
  const error = childElement(result, "error");
  const codeText = error ? childElement(error, "errorcode")?.text.trim() : undefined;
  const code = codeText && /^\d+$/.test(codeText) ? Number(codeText) : undefined;
  const upstreamMessage = (error ? childElement(error, "message")?.text.trim() : undefined) ?? "";
  const details = { service, errorCode: code, diagnostic: `FAIL ${code ?? "-"}: ${upstreamMessage.slice(0, 200)}` };
  // N-sight sends code 3; N-able's own tooling also expects 2. Both mean the key is refused.
  if (code === 2 || code === 3 || /login failed|invalid api key/i.test(upstreamMessage)) {
    return new NsightError("auth", "N-sight refused the API key (login failed). Check NSIGHT_API_KEY and NSIGHT_SERVER.", details);
  }
  if (code === 4) return new NsightError("not_found", "N-sight does not know this id.", details);
  if (code === 5) return new NsightError("bad_request", "N-sight reported a missing parameter.", details);
  if (/service unknown/i.test(upstreamMessage)) {
    return new NsightError("bad_response", "N-sight does not offer this service on this server.", details);
  }
  return new NsightError("bad_response", "N-sight reported an error.", details);
}

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

/** One call; no retries or budget here (client.ts, budget.ts). */
export async function requestNsight(
  options: TransportOptions,
  service: ReadService,
  params: Record<string, string>,
  signal?: AbortSignal,
): Promise<NsightAnswer> {
  const answer = await fetchNsightText(options, service, params, signal);
  return { result: parseAnswer(answer.text, service), bytes: answer.bytes };
}

export async function fetchNsightText(
  options: TransportOptions,
  service: ReadService,
  params: Record<string, string>,
  signal?: AbortSignal,
): Promise<NsightText> {
  const pieces: string[] = [];
  const { value, bytes } = await readNsightAnswer(options, service, params, { write: (text) => pieces.push(text), end: () => pieces.join("") }, signal);
  return { text: value, bytes };
}

export async function readNsightAnswer<T>(
  options: TransportOptions,
  service: ReadService,
  params: Record<string, string>,
  reader: AnswerReader<T>,
  signal?: AbortSignal,
): Promise<{ value: T; bytes: number }> {
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
    return await readBodyInto(response, options.maxBodyBytes, service, {
      write: (text) => readerCall(() => reader.write(text)),
      end: () => readerCall(() => reader.end()),
    });
  } catch (error) {
    await response.body?.cancel().catch(() => undefined);
    if (error instanceof ReaderFailure) throw error.cause;
    if (isNsightError(error)) throw error;
    throw transportFailure(error, timeout, service, secrets, options.timeoutMs);
  }
}

class ReaderFailure {
  constructor(readonly cause: unknown) {}
}

function readerCall<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw new ReaderFailure(error);
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
