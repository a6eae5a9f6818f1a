import "server-only";
/**
 * The fast path for N-sight's big answers: a document whose root holds a long list of flat
 * records (`<result><session><session_id>…</session_id>…</session>…</result>`), read
 * straight into arrays of field values without building a tree.
 *
 * It accepts only the clean, expected shape and gives up (returns null) at the first thing
 * it does not expect — a wrapper element, an `<error>`, attributes on a field, a nested
 * element, a DOCTYPE, an end of input in the middle, anything after the root. The caller then
 * runs the general strict reader (xml.ts), which accepts every legal variant and names the
 * exact syntax error. So this path is never less strict than that one, only faster: about
 * ten times, because no element objects are created for the hundreds of thousands of fields.
 *
 * Reading is done in slices of records, so a caller can hand the event loop back between
 * slices instead of blocking it for the whole document.
 */
import { checkEntities, decodeEntities } from "./xml";

export interface FlatRecords {
  /** Attributes of the root element. */
  rootAttrs: Record<string, string>;
  /** One array per record; index i holds the trimmed text of `fields[i]`, if present. */
  records: (string | undefined)[][];
}

const WHITESPACE = /\s/;

function isSpaceCode(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** Parses `name="value" …` of a start tag into attrs; returns the index after `>` or -1. */
function readRootAttributes(xml: string, i: number, attrs: Record<string, string>): number {
  const n = xml.length;
  for (;;) {
    while (i < n && isSpaceCode(xml.charCodeAt(i))) i++;
    if (i >= n) return -1;
    if (xml.charCodeAt(i) === 62 /* > */) return i + 1;
    const eq = xml.indexOf("=", i);
    if (eq === -1) return -1;
    const name = xml.slice(i, eq).trim();
    if (!name || WHITESPACE.test(name) || /[<>/"']/.test(name) || name in attrs) return -1;
    const quote = xml[eq + 1];
    if (quote !== '"' && quote !== "'") return -1;
    const close = xml.indexOf(quote, eq + 2);
    if (close === -1) return -1;
    const raw = xml.slice(eq + 2, close);
    if (raw.includes("<")) return -1;
    try {
      attrs[name] = decodeEntities(raw);
    } catch {
      return -1;
    }
    i = close + 1;
    const after = xml.charCodeAt(i);
    if (!(isSpaceCode(after) || after === 62)) return -1;
  }
}

/** Skips whitespace, comments and processing instructions; returns the next index or -1 on a broken one. */
function skipMisc(xml: string, i: number): number {
  const n = xml.length;
  for (;;) {
    while (i < n && isSpaceCode(xml.charCodeAt(i))) i++;
    if (xml.startsWith("<!--", i)) {
      const end = xml.indexOf("-->", i + 4);
      if (end === -1) return -1;
      i = end + 3;
    } else if (xml.startsWith("<?", i)) {
      const end = xml.indexOf("?>", i + 2);
      if (end === -1) return -1;
      i = end + 2;
    } else {
      return i;
    }
  }
}

export class FlatRecordReader {
  private i = 0;
  private done = false;
  private readonly fieldIndex: Map<string, number>;
  private readonly recordOpen: string;
  private readonly rootClose: string;
  readonly result: FlatRecords = { rootAttrs: Object.create(null) as Record<string, string>, records: [] };

  /** False as soon as the document turns out not to be of the expected shape. */
  ok = true;

  constructor(
    private readonly xml: string,
    rootName: string,
    recordName: string,
    private readonly fields: readonly string[],
  ) {
    this.fieldIndex = new Map(fields.map((f, index) => [f, index]));
    this.recordOpen = `<${recordName}>`;
    this.rootClose = `</${rootName}>`;
    this.start(rootName);
  }

  get finished(): boolean {
    return this.done || !this.ok;
  }

  private fail(): false {
    this.ok = false;
    return false;
  }

  private start(rootName: string): void {
    const xml = this.xml;
    let i = skipMisc(xml, 0);
    if (i === -1 || !xml.startsWith(`<${rootName}`, i)) {
      this.fail();
      return;
    }
    i += rootName.length + 1;
    const c = xml.charCodeAt(i);
    if (c === 62) i++;
    else if (isSpaceCode(c)) i = readRootAttributes(xml, i, this.result.rootAttrs);
    else i = -1; // a self-closing or differently named root: the general reader decides
    if (i === -1) this.fail();
    this.i = i;
  }

  /** Reads up to `max` more records. Returns false when the shape is not the expected one. */
  step(max: number): boolean {
    const xml = this.xml;
    let i = this.i;
    const records = this.result.records;
    for (let read = 0; read < max && !this.done; read++) {
      i = skipMisc(xml, i);
      if (i === -1) return this.fail();
      if (xml.startsWith(this.rootClose, i)) {
        const rest = skipMisc(xml, i + this.rootClose.length);
        if (rest !== xml.length) return this.fail();
        this.done = true;
        break;
      }
      if (!xml.startsWith(this.recordOpen, i)) return this.fail();
      i += this.recordOpen.length;
      const values: (string | undefined)[] = new Array(this.fields.length);
      for (;;) {
        const lt = xml.indexOf("<", i);
        if (lt === -1 || !isBlank(xml, i, lt)) return this.fail();
        if (xml.charCodeAt(lt + 1) === 47 /* / */) {
          // The record's end tag.
          const close = xml.indexOf(">", lt);
          if (close === -1 || xml.slice(lt + 2, close) !== this.recordOpen.slice(1, -1)) return this.fail();
          i = close + 1;
          break;
        }
        if (xml.startsWith("<!--", lt)) {
          const end = xml.indexOf("-->", lt + 4);
          if (end === -1) return this.fail();
          i = end + 3;
          continue;
        }
        const gt = xml.indexOf(">", lt);
        if (gt === -1) return this.fail();
        const selfClosing = xml.charCodeAt(gt - 1) === 47; /* <name/> */
        const name = xml.slice(lt + 1, selfClosing ? gt - 1 : gt);
        const index = this.fieldIndex.get(name);
        // Known field names are plain by construction; anything else is checked.
        if (index === undefined && !isPlainName(name)) return this.fail();
        let text = "";
        if (selfClosing) {
          i = gt + 1;
        } else {
          const read = this.readFieldText(gt + 1, name, index !== undefined);
          if (read === null) return this.fail();
          text = read;
          i = this.pos;
        }
        if (index !== undefined && values[index] === undefined) values[index] = trimmed(text);
      }
      records.push(values);
    }
    this.i = i;
    return this.ok;
  }

  /** Where readFieldText stopped (just past the end tag). */
  private pos = 0;

  /**
   * Text, CDATA and comments up to `</name>`; null at a nested element or a broken part.
   * A field nobody reads (`keep` false) is checked but not decoded.
   */
  private readFieldText(from: number, name: string, keep: boolean): string | null {
    const xml = this.xml;
    let text = "";
    let i = from;
    for (;;) {
      const lt = xml.indexOf("<", i);
      if (lt === -1) return null;
      if (lt > i) {
        const raw = xml.slice(i, lt);
        if (raw.indexOf("&") === -1) {
          if (keep) text += raw;
        } else {
          try {
            if (keep) text += decodeEntities(raw);
            else checkEntities(raw);
          } catch {
            return null;
          }
        }
      }
      const next = xml.charCodeAt(lt + 1);
      if (next === 47 /* / */) {
        // Must be exactly </name>.
        const after = lt + 2 + name.length;
        if (xml.charCodeAt(after) !== 62 || !xml.startsWith(name, lt + 2)) return null;
        this.pos = after + 1;
        return text;
      }
      if (xml.startsWith("<![CDATA[", lt)) {
        const end = xml.indexOf("]]>", lt + 9);
        if (end === -1) return null;
        if (keep) text += xml.slice(lt + 9, end);
        i = end + 3;
      } else if (xml.startsWith("<!--", lt)) {
        const end = xml.indexOf("-->", lt + 4);
        if (end === -1) return null;
        i = end + 3;
      } else {
        return null;
      }
    }
  }
}

/** trim(), skipped in the common case of nothing to trim. */
function trimmed(text: string): string {
  if (text.length === 0) return text;
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(text.length - 1);
  return first > 32 && last > 32 && first !== 160 && last !== 160 && first < 0x2000 && last < 0x2000 ? text : text.trim();
}

function isBlank(xml: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isSpaceCode(xml.charCodeAt(i))) return false;
  return true;
}

/** A tag name with no attributes, quotes, markup or whitespace in it. */
function isPlainName(name: string): boolean {
  if (name.length === 0 || name.length > 100) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (isSpaceCode(c) || c === 60 || c === 62 || c === 47 || c === 61 || c === 34 || c === 39 || c === 33 || c === 63) return false;
  }
  return true;
}

/** Reads the whole document at once; null when it is not of the flat shape. */
export function readFlatRecords(xml: string, rootName: string, recordName: string, fields: readonly string[]): FlatRecords | null {
  const reader = new FlatRecordReader(xml, rootName, recordName, fields);
  while (!reader.finished) reader.step(Number.MAX_SAFE_INTEGER);
  return reader.ok ? reader.result : null;
}

/** The same, handing the event loop back every `sliceSize` records. */
export async function readFlatRecordsYielding(
  xml: string,
  rootName: string,
  recordName: string,
  fields: readonly string[],
  sliceSize = 2_000,
): Promise<FlatRecords | null> {
  const reader = new FlatRecordReader(xml, rootName, recordName, fields);
  while (!reader.finished) {
    reader.step(sliceSize);
    if (!reader.finished) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return reader.ok ? reader.result : null;
}
