/**
 * Typed failures of a call to N-sight. Messages are written for our users and never
 * contain the request URL (it carries the API key), an upstream body or a stack.
 */

export type NsightErrorKind =
  /** The key was refused (errorcode 2 or 3), or N-sight's firewall turned us away. */
  | "auth"
  /** N-sight does not know the id we asked about (errorcode 4). */
  | "not_found"
  /** N-sight says a parameter is missing (errorcode 5): a bug on our side. */
  | "bad_request"
  /** The answer was not the XML we expected: HTML, truncated, malformed, too large, FAIL. */
  | "bad_response"
  /** N-sight could not be reached or answered with a server error. */
  | "unavailable"
  /** N-sight did not answer within the time limit. */
  | "timeout"
  /** N-sight (or our own budget) asked us to slow down. */
  | "throttled";

export interface NsightErrorDetails {
  service?: string;
  /** N-sight's `<errorcode>`, when it sent one. */
  errorCode?: number;
  httpStatus?: number;
  /** How long N-sight asked us to wait, from Retry-After. */
  retryAfterMs?: number;
  /** A short, redacted diagnostic for server logs only (never sent to a browser). */
  diagnostic?: string;
}

/**
 * Next.js may load this module more than once (one copy per route bundle, another for the
 * server's start-up code), and the process-wide client is created by whichever copy runs
 * first. `instanceof` would then fail across copies, so errors carry a global brand.
 */
const BRAND = Symbol.for("nsight-backup-dashboard.NsightError");

export class NsightError extends Error {
  readonly [BRAND] = true;
  readonly kind: NsightErrorKind;
  readonly service: string | undefined;
  readonly errorCode: number | undefined;
  readonly httpStatus: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly diagnostic: string | undefined;

  constructor(kind: NsightErrorKind, message: string, details: NsightErrorDetails = {}) {
    super(message);
    this.name = "NsightError";
    this.kind = kind;
    this.service = details.service;
    this.errorCode = details.errorCode;
    this.httpStatus = details.httpStatus;
    this.retryAfterMs = details.retryAfterMs;
    this.diagnostic = details.diagnostic;
  }

  /** Worth trying again later: the fault is N-sight's or the network's, not the request's. */
  get retryable(): boolean {
    return this.kind === "unavailable" || this.kind === "timeout" || this.kind === "throttled";
  }
}

export function isNsightError(error: unknown): error is NsightError {
  return typeof error === "object" && error !== null && (error as { [BRAND]?: unknown })[BRAND] === true;
}
