import "server-only";
/** Messages are for users: never the URL (it carries the key), an upstream body or a stack. */

export type NsightErrorKind =
  /** The key was refused (errorcode 2 or 3), or N-sight's firewall turned us away. */
  | "auth"
  | "not_found"
  | "bad_request"
  | "bad_response"
  | "unavailable"
  | "timeout"
  | "throttled"
  /** Not N-sight's doing: too many requests already wait for our own call budget. */
  | "busy"
  /** Not N-sight's doing either: this asker has used its share of the budget (lib/nsight/fair-share.ts). */
  | "rate_limited";

export interface NsightErrorDetails {
  service?: string;
  errorCode?: number;
  httpStatus?: number;
  retryAfterMs?: number;
  /** A short, redacted diagnostic for server logs only (never sent to a browser). */
  diagnostic?: string;
}

/** Next.js may load this module once per bundle, so instanceof fails across copies: errors carry a global brand. */
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

  get retryable(): boolean {
    return this.kind === "unavailable" || this.kind === "timeout" || this.kind === "throttled";
  }
}

export function isNsightError(error: unknown): error is NsightError {
  return typeof error === "object" && error !== null && (error as { [BRAND]?: unknown })[BRAND] === true;
}
