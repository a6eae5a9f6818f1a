/**
 * Writes XML the way N-sight does (docs/nsight-api.md §3, §4): an ISO-8859-1 declaration,
 * compact output, free text in CDATA, numbers, ids and dates as plain text, empty scalars and
 * empty lists self-closing, and finally ISO-8859-1 bytes.
 */

export const XML_DECLARATION = '<?xml version="1.0" encoding="ISO-8859-1"?>\n';

/** Characters XML 1.0 cannot carry at all, not even as references; they are dropped. */
const ILLEGAL_XML_CHARS = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const BEYOND_LATIN1 = /[^\x00-\xFF]/;
const NEEDS_ESCAPE = /[&<>"\u0100-\uFFFF]/;

function stripIllegal(value: string): string {
  return value.replace(ILLEGAL_XML_CHARS, "");
}

/**
 * Escapes text for character data or a double-quoted attribute: the five predefined
 * entities, and numeric references for every character an ISO-8859-1 document cannot
 * hold as a byte (e.g. U+202E → `&#x202E;`).
 */
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

/** A CDATA section; `]]>` inside the value is split across two sections. */
export function cdata(value: string): string {
  return `<![CDATA[${stripIllegal(value).replaceAll("]]>", "]]]]><![CDATA[>")}]]>`;
}

/**
 * A free-text element (names, descriptions, user, os…): CDATA as in real output, unless
 * the value has characters above U+00FF. CDATA cannot hold character references and the
 * document is ISO-8859-1, so such a value is written as escaped text instead.
 */
export function textElement(name: string, value: string): string {
  if (value === "") return `<${name}/>`;
  if (BEYOND_LATIN1.test(value)) return `<${name}>${escapeXml(value)}</${name}>`;
  return `<${name}>${cdata(value)}</${name}>`;
}

/**
 * Decimal text of a non-negative integer below 2^53. Byte counts above 2^31 are heap
 * doubles, and V8 formats those several times slower than two small integers; a 20,000
 * session answer has about 100,000 of them.
 */
export function intText(n: number): string {
  if (n < 1e9) return String(n);
  const high = Math.floor(n / 1e9);
  return `${high}${String(n - high * 1e9).padStart(9, "0")}`;
}

/** A plain element: numbers, ids, dates, enums and flags, with no CDATA. */
export function plainElement(name: string, value: string | number | boolean): string {
  const text = typeof value === "boolean" ? (value ? "1" : "0") : typeof value === "number" ? String(value) : escapeXml(value);
  return text === "" ? `<${name}/>` : `<${name}>${text}</${name}>`;
}

/** An element around already-written children; self-closing when there are none. */
export function containerElement(name: string, inner: string, attrs = ""): string {
  return inner === "" ? `<${name}${attrs}/>` : `<${name}${attrs}>${inner}</${name}>`;
}

export type ResultStatus = "OK" | "FAIL";

/** `<result created="…" host="…" status="…">` */
export function resultOpenTag(created: string, host: string, status: ResultStatus): string {
  return `<result created="${escapeXml(created)}" host="${escapeXml(host)}" status="${status}">`;
}

/** A whole answer as text: declaration, newline, `<result>` with `inner`, and nothing after. */
export function resultDocument(created: string, host: string, status: ResultStatus, inner: string): string {
  return `${XML_DECLARATION}${resultOpenTag(created, host, status)}${inner}</result>`;
}

/** The documented error answer (docs/nsight-api.md §6.1); `code` null leaves out `<errorcode>`. */
export function errorInner(code: number | null, message: string): string {
  return `<error>${code === null ? "" : plainElement("errorcode", code)}${plainElement("message", message)}</error>`;
}

/** ISO-8859-1 bytes of `xml`; throws if a character above U+00FF was left unescaped. */
export function encodeLatin1(xml: string): Buffer {
  if (BEYOND_LATIN1.test(xml)) throw new Error("XML text contains a character above U+00FF that was not escaped");
  return Buffer.from(xml, "latin1");
}
