import "server-only";
/**
 * Turns the bytes of an N-sight answer into a string, honouring the declared encoding.
 *
 * Real N-sight answers declare `encoding="ISO-8859-1"` (docs/nsight-api.md §3), so "Zürich"
 * arrives as the single byte 0xFC; decoding it as UTF-8 would turn it into U+FFFD. Precedence:
 * a byte-order mark, then the XML declaration, then the Content-Type charset, then UTF-8.
 * N-sight's documentation shows answers with no encoding at all; undeclared bytes that are
 * not valid UTF-8 are read as ISO-8859-1, the encoding every real answer declares.
 */

export class UnsupportedEncodingError extends Error {
  constructor(readonly encoding: string) {
    super(`Unsupported character encoding: ${encoding}`);
    this.name = "UnsupportedEncodingError";
  }
}

const LATIN1 = new Set(["iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "iso_8859-1", "us-ascii", "ascii"]);
const UTF8 = new Set(["utf-8", "utf8"]);
const WINDOWS_1252 = new Set(["windows-1252", "cp1252"]);

function declaredEncoding(bytes: Uint8Array): string | null {
  // The declaration is ASCII and sits in the first few dozen bytes.
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 256)).toString("latin1");
  if (!head.startsWith("<?xml")) return null;
  const end = head.indexOf("?>");
  const decl = end === -1 ? head : head.slice(0, end);
  const match = /\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(decl);
  return match ? match[1]!.toLowerCase() : null;
}

function charsetFromContentType(contentType: string | null): string | null {
  if (!contentType) return null;
  const match = /;\s*charset\s*=\s*"?([A-Za-z0-9._:-]+)"?/i.exec(contentType);
  return match ? match[1]!.toLowerCase() : null;
}

export function decodeXmlBytes(bytes: Uint8Array, contentType: string | null = null): string {
  if (bytes.byteLength >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(3));
  }
  if (bytes.byteLength >= 2 && ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe))) {
    throw new UnsupportedEncodingError("utf-16");
  }
  const declared = declaredEncoding(bytes) ?? charsetFromContentType(contentType);
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (declared === null) {
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      return buffer.toString("latin1");
    }
  }
  const encoding = declared;
  if (LATIN1.has(encoding)) return buffer.toString("latin1");
  if (UTF8.has(encoding)) return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  if (WINDOWS_1252.has(encoding)) return new TextDecoder("windows-1252").decode(bytes);
  throw new UnsupportedEncodingError(encoding);
}
