/** The Fault Lab devices' misbehaviours, the corruptions the knobs switch on, and the pages a WAF or a broken origin sends. */
import type { ApiAnswer } from "./services";
import type { FaultKind } from "./scenarios";

export interface FaultContext {
  answer: ApiAnswer;
  sendXml(body: Buffer | readonly Buffer[]): void;
  streamXml(parts: readonly Buffer[]): Promise<void>;
  sendPage(status: number, html: string, headers?: Record<string, string>): void;
  resultDocument(status: "OK" | "FAIL", inner: string): Buffer;
  /** false if the client went away meanwhile. */
  sleep(ms: number): Promise<boolean>;
  clientGone(): Promise<void>;
  random(): number;
  retryAfterSeconds: number;
}

export type FaultBehaviour = (ctx: FaultContext) => void | Promise<void>;

export const SLOW_FAULT_MS = 5000;

export const FAULT_BEHAVIOURS: Record<FaultKind, FaultBehaviour> = {
  http500: (ctx) => ctx.sendPage(500, INTERNAL_ERROR_PAGE),
  stall: async (ctx) => {
    await ctx.clientGone();
  },
  slow: async (ctx) => {
    if (await ctx.sleep(SLOW_FAULT_MS)) ctx.sendXml(ctx.answer.parts);
  },
  malformed: (ctx) => ctx.sendXml(mismatchTags(ctx.answer.body, ctx.random)),
  truncated: (ctx) => ctx.sendXml(ctx.answer.body.subarray(0, Math.floor(ctx.answer.body.byteLength / 2))),
  html: (ctx) => ctx.sendPage(200, MAINTENANCE_PAGE),
  failNoCode: (ctx) =>
    // An <error> with a message and no code, as some N-sight answers are (docs/nsight-api.md §6.1).
    ctx.sendXml(ctx.resultDocument("FAIL", "<error><message>Unable to retrieve backup sessions at this time</message></error>")),
  throttled: (ctx) => ctx.sendPage(429, RATE_LIMITED_PAGE, { "Retry-After": String(ctx.retryAfterSeconds) }),
};

function insideCdata(text: string, at: number): boolean {
  return text.lastIndexOf("<![CDATA[", at) > text.lastIndexOf("]]>", at);
}

/** `</name>` → `</namex>` for one end tag outside CDATA, picked at random. */
export function mismatchTags(body: Buffer, random: () => number): Buffer {
  const text = body.toString("latin1");
  const from = Math.floor(text.length * (0.2 + 0.6 * random()));
  let at = text.indexOf("</", from);
  while (at !== -1 && insideCdata(text, at)) at = text.indexOf("</", at + 2);
  if (at === -1) at = text.lastIndexOf("</result>");
  if (at === -1) return Buffer.from(`${text}</unexpected>`, "latin1");
  const end = text.indexOf(">", at);
  return Buffer.from(`${text.slice(0, end)}x${text.slice(end)}`, "latin1");
}

/** Never the whole answer. */
export function truncateAtRandom(body: Buffer, random: () => number): Buffer {
  if (body.byteLength <= 1) return body.subarray(0, 0);
  return body.subarray(0, 1 + Math.floor(random() * (body.byteLength - 1)));
}

export function rayId(random: () => number): string {
  let id = "";
  for (let i = 0; i < 16; i++) id += Math.floor(random() * 16).toString(16);
  return `${id}-ORD`;
}

/** What Cloudflare's WAF sends to a request without a User-Agent. */
export function wafBlockPage(ray: string): string {
  return `<!DOCTYPE html>
<!--[if lt IE 7]> <html class="no-js ie6 oldie" lang="en-US"> <![endif]-->
<html lang="en-US">
<head>
<title>Attention Required! | Cloudflare</title>
<meta charset="UTF-8" />
<meta name="robots" content="noindex, nofollow" />
</head>
<body>
<div id="cf-wrapper">
  <div id="cf-error-details" class="cf-error-details-wrapper">
    <h1 data-translate="block_headline">Sorry, you have been blocked</h1>
    <h2 class="cf-subheadline"><span data-translate="unable_to_access">You are unable to access</span> systemmonitor.us</h2>
    <p>This website is using a security service to protect itself from online attacks. The action you just performed triggered the security solution.</p>
    <p class="text-13">Cloudflare Ray ID: <strong class="font-semibold">${ray.split("-")[0]}</strong></p>
  </div>
</div>
</body>
</html>
`;
}

export const INTERNAL_ERROR_PAGE = `<!DOCTYPE html>
<html><head><title>500 Internal Server Error</title></head>
<body><h1>Internal Server Error</h1><p>The server encountered an internal error and was unable to complete your request.</p></body></html>
`;

export const SERVICE_UNAVAILABLE_PAGE = `<!DOCTYPE html>
<html><head><title>503 Service Unavailable</title></head>
<body><h1>Service Unavailable</h1><p>The server is temporarily unable to service your request due to maintenance downtime or capacity problems. Please try again later.</p></body></html>
`;

export function errorPage(status: number): string {
  return status === 503 ? SERVICE_UNAVAILABLE_PAGE : INTERNAL_ERROR_PAGE;
}

export const RATE_LIMITED_PAGE = `<!DOCTYPE html>
<html lang="en-US"><head><title>Access denied | www.systemmonitor.us used Cloudflare to restrict access</title></head>
<body><h1><span>Error</span> <span>1015</span></h1><h2>You are being rate limited</h2>
<p>The owner of this website (www.systemmonitor.us) has banned you temporarily from accessing this website.</p></body></html>
`;

export const MAINTENANCE_PAGE = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>N-sight RMM - Scheduled Maintenance</title></head>
<body><h1>We'll be back soon</h1><p>N-sight RMM is undergoing scheduled maintenance. Please try again later.</p></body></html>
`;

export const NOT_FOUND_PAGE = `<!DOCTYPE html>
<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1><p>The requested URL was not found on this server.</p></body></html>
`;
