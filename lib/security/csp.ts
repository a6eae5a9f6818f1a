
export function parseFrameAncestors(value: string | undefined): string {
  if (!value || !value.trim()) return "'none'";
  const origins = value.trim().split(/[\s,]+/);
  const valid = origins.every((origin) => origin === "'self'" || /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i.test(origin));
  // A malformed setting must not open framing up: fall back to refusing it.
  return valid ? origins.join(" ") : "'none'";
}

export interface CspOptions {
  nonce: string;
  frameAncestors: string;
  /** next dev needs eval for React's dev tooling; production never allows it. */
  development: boolean;
}

export function buildCsp({ nonce, frameAncestors, development }: CspOptions): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' 'nonce-${nonce}'`,
    // Charts and status colours are set through style attributes.
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors}`,
  ].join("; ");
}
