/** XML written as N-sight writes it: ISO-8859-1, compact, free text in CDATA (docs/nsight-api.md §3, §4). */

export const XML_DECLARATION = '<?xml version="1.0" encoding="ISO-8859-1"?>\n';

// XML 1.0 cannot carry these even as references, so they are dropped.
const ILLEGAL_XML_CHARS = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const BEYOND_LATIN1 = /[^\x00-\xFF]/;
const NEEDS_ESCAPE = /[&<>"\u0100-\uFFFF]/;

function stripIllegal(value: string): string {
  return value.replace(ILLEGAL_XML_CHARS, "");
}

/** For text or a double-quoted attribute; characters beyond ISO-8859-1 become references (U+202E → `&#x202E;`). */
export function escapeXml(value: string): string {
  const clean = stripIllegal(value);
  if (!NEEDS_ESCAPE.test(clean)) return clean;
  let out = "";
  for (const ch of clean) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp > 0xff) out += `&#x${cp.toString(16).toUpperCase()};`;
    else if (ch === "&") out += "&amp;";
    else if (ch === "<") out += "&lt;";
    else if (ch === ">") out += "&gt;";
    else if (ch === '"') out += "&quot;";
    else out += ch;
  }
  return out;
}

export function cdata(value: string): string {
  return `<![CDATA[${stripIllegal(value).replaceAll("]]>", "]]]]><![CDATA[>")}]]>`;
}

/** Free text in CDATA, except text beyond U+00FF: CDATA cannot hold references and the document is ISO-8859-1. */
export function textElement(name: string, value: string): string {
  if (value === "") return `<${name}/>`;
  if (BEYOND_LATIN1.test(value)) return `<${name}>${escapeXml(value)}</${name}>`;
  return `<${name}>${cdata(value)}</${name}>`;
}

// V8 formats integers above 2^31 (heap doubles) several times slower than two small ones; big answers hold 100,000.
export function intText(n: number): string {
  if (n < 1e9) return String(n);
  const high = Math.floor(n / 1e9);
  return `${high}${String(n - high * 1e9).padStart(9, "0")}`;
}

export function plainElement(name: string, value: string | number | boolean): string {
  const text = typeof value === "boolean" ? (value ? "1" : "0") : typeof value === "number" ? String(value) : escapeXml(value);
  return text === "" ? `<${name}/>` : `<${name}>${text}</${name}>`;
}

export function containerElement(name: string, inner: string, attrs = ""): string {
  return inner === "" ? `<${name}${attrs}/>` : `<${name}${attrs}>${inner}</${name}>`;
}

export type ResultStatus = "OK" | "FAIL";

export function resultOpenTag(created: string, host: string, status: ResultStatus): string {
  return `<result created="${escapeXml(created)}" host="${escapeXml(host)}" status="${status}">`;
}

export function resultDocument(created: string, host: string, status: ResultStatus, inner: string): string {
  return `${XML_DECLARATION}${resultOpenTag(created, host, status)}${inner}</result>`;
}

/** The documented error answer (docs/nsight-api.md §6.1); `code` null leaves out `<errorcode>`. */
export function errorInner(code: number | null, message: string): string {
  return `<error>${code === null ? "" : plainElement("errorcode", code)}${plainElement("message", message)}</error>`;
}

export function encodeLatin1(xml: string): Buffer {
  if (BEYOND_LATIN1.test(xml)) throw new Error("XML text contains a character above U+00FF that was not escaped");
  return Buffer.from(xml, "latin1");
}
