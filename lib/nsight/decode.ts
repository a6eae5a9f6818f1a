import "server-only";
/** Decodes an answer's bytes: the ISO-8859-1 N-sight declares is windows-1252 in practice (docs/nsight-api.md §3). */

export class UnsupportedEncodingError extends Error {
  constructor(readonly encoding: string) {
    super(`Unsupported character encoding: ${encoding}`);
    this.name = "UnsupportedEncodingError";
  }
}

const WINDOWS_1252_LABELS = new Set([
  "iso-8859-1",
  "iso8859-1",
  "latin1",
  "latin-1",
  "l1",
  "iso_8859-1",
  "us-ascii",
  "ascii",
  "windows-1252",
  "cp1252",
]);
const UTF8_LABELS = new Set(["utf-8", "utf8"]);

const SNIFF_BYTES = 256;

function declaredEncoding(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, SNIFF_BYTES)).toString("latin1");
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

const WINDOWS_1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f, 0x90, 0x2018,
  0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
].map((cp) => String.fromCharCode(cp));

const C1_RANGE = /[\x80-\x9f]/g;

/** By hand: Node 20's TextDecoder("windows-1252") decodes as ISO-8859-1, losing "€". */
function decodeWindows1252(bytes: Uint8Array): string {
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  C1_RANGE.lastIndex = 0;
  if (!C1_RANGE.test(latin1)) return latin1;
  return latin1.replace(C1_RANGE, (c) => WINDOWS_1252_HIGH[c.charCodeAt(0) - 0x80]!);
}

type Encoding = "utf-8" | "windows-1252";

function isUtf8Bom(bytes: Uint8Array): boolean {
  return bytes.byteLength >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

function namedEncoding(head: Uint8Array, contentType: string | null): Encoding | null {
  if (isUtf8Bom(head)) return "utf-8";
  if (head.byteLength >= 2 && ((head[0] === 0xfe && head[1] === 0xff) || (head[0] === 0xff && head[1] === 0xfe))) {
    throw new UnsupportedEncodingError("utf-16");
  }
  const declared = declaredEncoding(head) ?? charsetFromContentType(contentType);
  if (declared === null) return null;
  if (WINDOWS_1252_LABELS.has(declared)) return "windows-1252";
  if (UTF8_LABELS.has(declared)) return "utf-8";
  throw new UnsupportedEncodingError(declared);
}

export function decodeXmlBytes(bytes: Uint8Array, contentType: string | null = null): string {
  const encoding = namedEncoding(bytes, contentType);
  if (encoding === "windows-1252") return decodeWindows1252(bytes);
  if (encoding === "utf-8") return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return decodeWindows1252(bytes);
  }
}

/** decodeXmlBytes for a body in pieces; an undeclared answer waits for its end, as only the whole tells whether it is UTF-8. */
export class XmlTextDecoder {
  private encoding: Encoding | null | undefined;
  private head: Uint8Array[] = [];
  private headBytes = 0;
  private utf8: TextDecoder | null = null;

  constructor(private readonly contentType: string | null = null) {}

  write(bytes: Uint8Array): string {
    if (this.encoding === undefined || this.encoding === null) {
      this.head.push(bytes);
      this.headBytes += bytes.byteLength;
      if (this.encoding === null || this.headBytes < SNIFF_BYTES) return "";
      const head = Buffer.concat(this.head);
      this.head = [];
      this.encoding = namedEncoding(head, this.contentType);
      if (this.encoding === null) {
        this.head = [head];
        return "";
      }
      return this.decode(head, true);
    }
    return this.decode(bytes, true);
  }

  end(): string {
    if (this.encoding === undefined || this.encoding === null) {
      const all = Buffer.concat(this.head);
      this.head = [];
      return decodeXmlBytes(all, this.contentType);
    }
    return this.decode(new Uint8Array(0), false);
  }

  private decode(bytes: Uint8Array, stream: boolean): string {
    if (this.encoding === "windows-1252") return decodeWindows1252(bytes);
    this.utf8 ??= new TextDecoder("utf-8", { fatal: true });
    return this.utf8.decode(bytes, { stream });
  }
}
