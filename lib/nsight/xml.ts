import "server-only";
/** Strict reader: fast-xml-parser takes about a second on 20,000 sessions and accepts truncated input (npm run bench -- parse). */
// No DOCTYPE (so no entity expansion), complete documents only, a nesting limit, null-prototype attributes.

export interface XmlElement {
  name: string;
  attrs: Record<string, string> | null;
  children: XmlElement[];
  text: string;
}

export class XmlSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at offset ${offset})`);
    this.name = "XmlSyntaxError";
  }
}

export interface XmlReadOptions {
  /** Deepest nesting accepted. N-sight documents are at most six levels deep. */
  maxDepth?: number;
}

const LT = 60; // <
const GT = 62; // >
const SLASH = 47; // /
const BANG = 33; // !
const QUESTION = 63; // ?
const EQUALS = 61; // =
const DQUOTE = 34;
const SQUOTE = 39;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function isNameStop(c: number): boolean {
  return isSpace(c) || c === GT || c === SLASH || c === EQUALS || c === LT || c === DQUOTE || c === SQUOTE;
}

function isAllSpace(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isSpace(s.charCodeAt(i))) return false;
  return true;
}

function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

const ILLEGAL_CHARACTER = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/;

export function findIllegalCharacter(text: string): number {
  const match = ILLEGAL_CHARACTER.exec(text);
  return match ? match.index : -1;
}

const PREDEFINED: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, {
  lt: "<",
  gt: ">",
  amp: "&",
  quot: '"',
  apos: "'",
});

function numericReference(raw: string, from: number, to: number): number {
  const hex = raw.charCodeAt(from + 1) === 120; /* x */
  let i = from + (hex ? 2 : 1);
  const digits = to - i;
  if (digits < 1 || digits > (hex ? 6 : 7)) return -1;
  let value = 0;
  for (; i < to; i++) {
    const c = raw.charCodeAt(i);
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (hex && c >= 97 && c <= 102) d = c - 87;
    else if (hex && c >= 65 && c <= 70) d = c - 55;
    else return -1;
    value = value * (hex ? 16 : 10) + d;
  }
  return value;
}

export function checkEntities(raw: string, offset = 0): void {
  let amp = raw.indexOf("&");
  while (amp !== -1) {
    const semi = raw.indexOf(";", amp + 1);
    if (semi === -1 || semi - amp > 12) throw new XmlSyntaxError("Unescaped '&' in character data", offset + amp);
    if (raw.charCodeAt(amp + 1) === 35 /* # */) {
      const cp = numericReference(raw, amp + 1, semi);
      if (cp === -1 || !isXmlChar(cp)) throw new XmlSyntaxError(`Bad character reference &${raw.slice(amp + 1, semi)};`, offset + amp);
    } else if (PREDEFINED[raw.slice(amp + 1, semi)] === undefined) {
      throw new XmlSyntaxError(`Undefined entity &${raw.slice(amp + 1, semi)};`, offset + amp);
    }
    amp = raw.indexOf("&", semi + 1);
  }
}

// A scanner, not a regex: an answer may hold a million references.
export function decodeEntities(raw: string, offset = 0): string {
  let amp = raw.indexOf("&");
  if (amp === -1) return raw;
  const parts: string[] = [];
  let last = 0;
  while (amp !== -1) {
    const semi = raw.indexOf(";", amp + 1);
    if (semi === -1 || semi - amp > 12) throw new XmlSyntaxError("Unescaped '&' in character data", offset + amp);
    if (amp > last) parts.push(raw.slice(last, amp));
    if (raw.charCodeAt(amp + 1) === 35 /* # */) {
      const cp = numericReference(raw, amp + 1, semi);
      if (cp === -1) throw new XmlSyntaxError(`Malformed character reference &${raw.slice(amp + 1, semi)};`, offset + amp);
      if (!isXmlChar(cp)) throw new XmlSyntaxError(`Character reference &${raw.slice(amp + 1, semi)}; is not a legal XML character`, offset + amp);
      parts.push(String.fromCodePoint(cp));
    } else {
      const ref = raw.slice(amp + 1, semi);
      const value = PREDEFINED[ref];
      if (value === undefined) throw new XmlSyntaxError(`Undefined entity &${ref};`, offset + amp);
      parts.push(value);
    }
    last = semi + 1;
    amp = raw.indexOf("&", last);
  }
  if (last < raw.length) parts.push(raw.slice(last));
  return parts.join("");
}

function readName(xml: string, start: number): number {
  let i = start;
  const n = xml.length;
  while (i < n && !isNameStop(xml.charCodeAt(i))) i++;
  if (i === start) throw new XmlSyntaxError("Expected a name", start);
  return i;
}

function readAttributes(xml: string, i: number, el: XmlElement): { end: number; selfClosing: boolean } {
  const n = xml.length;
  for (;;) {
    while (i < n && isSpace(xml.charCodeAt(i))) i++;
    if (i >= n) throw new XmlSyntaxError("Unexpected end of document inside a start tag", i);
    const c = xml.charCodeAt(i);
    if (c === GT) return { end: i + 1, selfClosing: false };
    if (c === SLASH) {
      if (xml.charCodeAt(i + 1) !== GT) throw new XmlSyntaxError("Expected '>' after '/'", i);
      return { end: i + 2, selfClosing: true };
    }
    const nameEnd = readName(xml, i);
    const attrName = xml.slice(i, nameEnd);
    i = nameEnd;
    while (i < n && isSpace(xml.charCodeAt(i))) i++;
    if (xml.charCodeAt(i) !== EQUALS) throw new XmlSyntaxError(`Attribute ${attrName} has no value`, i);
    i++;
    while (i < n && isSpace(xml.charCodeAt(i))) i++;
    const quote = xml.charCodeAt(i);
    if (quote !== DQUOTE && quote !== SQUOTE) throw new XmlSyntaxError(`Attribute ${attrName} value is not quoted`, i);
    const close = xml.indexOf(quote === DQUOTE ? '"' : "'", i + 1);
    if (close === -1) throw new XmlSyntaxError("Unexpected end of document inside an attribute", i);
    const rawValue = xml.slice(i + 1, close);
    if (rawValue.includes("<")) throw new XmlSyntaxError("'<' in an attribute value", i);
    const attrs = el.attrs ?? (el.attrs = Object.create(null) as Record<string, string>);
    if (attrName in attrs) throw new XmlSyntaxError(`Duplicate attribute ${attrName}`, i);
    attrs[attrName] = decodeEntities(rawValue, i + 1);
    i = close + 1;
    const after = xml.charCodeAt(i);
    if (!(isSpace(after) || after === GT || after === SLASH)) {
      throw new XmlSyntaxError("Expected whitespace between attributes", i);
    }
  }
}

export function readXml(xml: string, options: XmlReadOptions = {}): XmlElement {
  const maxDepth = options.maxDepth ?? 64;
  const illegal = findIllegalCharacter(xml);
  if (illegal !== -1) throw new XmlSyntaxError(`Character U+${xml.charCodeAt(illegal).toString(16).toUpperCase().padStart(4, "0")} is not allowed in XML`, illegal);
  const n = xml.length;
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let i = 0;

  while (i < n) {
    const lt = xml.indexOf("<", i);
    const textEnd = lt === -1 ? n : lt;
    if (textEnd > i) {
      const top = stack[stack.length - 1];
      if (top) {
        top.text += decodeEntities(xml.slice(i, textEnd), i);
      } else if (!isAllSpace(xml, i, textEnd)) {
        throw new XmlSyntaxError(root ? "Content after the root element" : "Content before the root element", i);
      }
    }
    if (lt === -1) break;

    const next = xml.charCodeAt(lt + 1);
    if (next === SLASH) {
      const gt = xml.indexOf(">", lt + 2);
      if (gt === -1) throw new XmlSyntaxError("Unexpected end of document inside an end tag", lt);
      const nameEnd = readName(xml, lt + 2);
      if (!isAllSpace(xml, nameEnd, gt)) throw new XmlSyntaxError("Malformed end tag", lt);
      const top = stack.pop();
      if (!top) throw new XmlSyntaxError("End tag without a start tag", lt);
      const name = xml.slice(lt + 2, nameEnd);
      if (name !== top.name) throw new XmlSyntaxError(`End tag </${name}> does not match <${top.name}>`, lt);
      i = gt + 1;
    } else if (next === BANG) {
      if (xml.startsWith("<![CDATA[", lt)) {
        const top = stack[stack.length - 1];
        if (!top) throw new XmlSyntaxError("CDATA outside the root element", lt);
        const end = xml.indexOf("]]>", lt + 9);
        if (end === -1) throw new XmlSyntaxError("Unterminated CDATA section", lt);
        top.text += xml.slice(lt + 9, end);
        i = end + 3;
      } else if (xml.startsWith("<!--", lt)) {
        const end = xml.indexOf("-->", lt + 4);
        if (end === -1) throw new XmlSyntaxError("Unterminated comment", lt);
        i = end + 3;
      } else {
        // No DTD: refusing it outright rules out entity-expansion and external-entity attacks.
        throw new XmlSyntaxError("Document type declarations are not accepted", lt);
      }
    } else if (next === QUESTION) {
      const end = xml.indexOf("?>", lt + 2);
      if (end === -1) throw new XmlSyntaxError("Unterminated processing instruction", lt);
      i = end + 2;
    } else {
      if (root && stack.length === 0) throw new XmlSyntaxError("More than one root element", lt);
      const nameEnd = readName(xml, lt + 1);
      const el: XmlElement = { name: xml.slice(lt + 1, nameEnd), attrs: null, children: [], text: "" };
      let end: number;
      let selfClosing: boolean;
      const c = xml.charCodeAt(nameEnd);
      if (c === GT) {
        end = nameEnd + 1;
        selfClosing = false;
      } else if (c === SLASH && xml.charCodeAt(nameEnd + 1) === GT) {
        end = nameEnd + 2;
        selfClosing = true;
      } else {
        ({ end, selfClosing } = readAttributes(xml, nameEnd, el));
      }
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(el);
      else root = el;
      if (!selfClosing) {
        if (stack.length >= maxDepth) throw new XmlSyntaxError(`Nesting deeper than ${maxDepth} levels`, lt);
        stack.push(el);
      }
      i = end;
    }
  }

  if (stack.length > 0) {
    throw new XmlSyntaxError(`Document ends inside <${stack[stack.length - 1]!.name}> (truncated?)`, n);
  }
  if (!root) throw new XmlSyntaxError("Document has no root element", n);
  return root;
}

export function childElement(el: XmlElement, name: string): XmlElement | undefined {
  for (const c of el.children) if (c.name === name) return c;
  return undefined;
}

/** Every child element called `name`: one record or many, always an array. */
export function childElements(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}

/** First occurrence wins; null-prototype, so a `__proto__` child is a plain key. */
export function recordFields(el: XmlElement): Record<string, string> {
  const fields = Object.create(null) as Record<string, string>;
  for (const c of el.children) {
    if (!(c.name in fields)) fields[c.name] = c.text.trim();
  }
  return fields;
}
