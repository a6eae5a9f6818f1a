import "server-only";
/**
 * The fast path for N-sight's big answers: a document whose root holds a long list of flat
 * records (`<result><session><session_id>…</session_id>…</session>…</result>`), read
 * straight into arrays of field values without building a tree, while the body arrives.
 *
 * It accepts only the clean, expected shape and gives up at the first thing it does not
 * expect: a wrapper element, an `<error>`, attributes on a field, a nested element, a
 * DOCTYPE, a character XML does not allow, an end of input in the middle, anything after
 * the root. The caller then runs the general strict reader (xml.ts) on the whole text,
 * which accepts every legal variant and names the exact syntax error. So this path is never
 * less strict than that one, only faster: about ten times, because no element objects are
 * created for the hundreds of thousands of fields. Nesting is at most three levels by
 * construction, and field names are looked up in a Map, so no name reaches a prototype.
 *
 * Text is written in pieces split anywhere; a record cut by a piece boundary is read again
 * from its start once the next piece has come, so each piece costs time in proportion to
 * its length and nothing holds the event loop for the whole document.
 */
import { checkEntities, decodeEntities, findIllegalCharacter } from "./xml";

/** One array per record; index i holds the trimmed text of `fields[i]`, if present. */
export type RecordValues = (string | undefined)[];

export interface FlatRecords {
  /** Attributes of the root element. */
  rootAttrs: Record<string, string>;
  records: RecordValues[];
}

const WHITESPACE = /\s/;

/** A record or tag cut by the end of the text so far: read it again when more has come. */
const MORE = -2;
const FAIL = -1;

function isSpaceCode(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** Parses `name="value" …` of a complete start tag into attrs; returns the index after `>` or FAIL. */
function readRootAttributes(tag: string, i: number, attrs: Record<string, string>): number {
  const n = tag.length;
  for (;;) {
    while (i < n && isSpaceCode(tag.charCodeAt(i))) i++;
    if (i >= n) return FAIL;
    if (tag.charCodeAt(i) === 62 /* > */) return i + 1;
    const eq = tag.indexOf("=", i);
    if (eq === -1) return FAIL;
    const name = tag.slice(i, eq).trim();
    if (!name || WHITESPACE.test(name) || /[<>/"']/.test(name) || name in attrs) return FAIL;
    const quote = tag[eq + 1];
    if (quote !== '"' && quote !== "'") return FAIL;
    const close = tag.indexOf(quote, eq + 2);
    if (close === -1) return FAIL;
    try {
      attrs[name] = decodeEntities(tag.slice(eq + 2, close));
    } catch {
      return FAIL;
    }
    i = close + 1;
    const after = tag.charCodeAt(i);
    if (!(isSpaceCode(after) || after === 62)) return FAIL;
  }
}

/** Skips whitespace, comments and processing instructions; MORE when one is cut off. */
function skipMisc(xml: string, i: number): number {
  const n = xml.length;
  for (;;) {
    while (i < n && isSpaceCode(xml.charCodeAt(i))) i++;
    if (xml.startsWith("<!--", i)) {
      const end = xml.indexOf("-->", i + 4);
      if (end === -1) return MORE;
      i = end + 3;
    } else if (xml.startsWith("<?", i)) {
      const end = xml.indexOf("?>", i + 2);
      if (end === -1) return MORE;
      i = end + 2;
    } else {
      return i;
    }
  }
}

type Phase = "prolog" | "records" | "epilog";

/**
 * Reads a flat record list written piece by piece. `onRecord` gets each record as soon as
 * it is complete; `acceptRoot` may refuse the root by its attributes (an answer that is not
 * status="OK" is the general reader's to explain).
 */
export class FlatRecordStream {
  private buf = "";
  private pos = 0;
  /** Text written since the last read, and its length. */
  private pending: string[] = [];
  private pendingLength = 0;
  /** Read again once this much text is unread. */
  private retryAt = 0;
  private phase: Phase = "prolog";
  private readonly fieldIndex: Map<string, number>;
  private readonly rootOpen: string;
  private readonly recordOpen: string;
  private readonly recordName: string;
  private readonly rootClose: string;
  /** Enough characters to tell a record, the root's end tag or a comment apart. */
  private readonly lookahead: number;
  /** Where readFieldText stopped (just past the end tag). */
  private fieldEnd = 0;
  readonly rootAttrs: Record<string, string> = Object.create(null) as Record<string, string>;

  /** False as soon as the document turns out not to be of the expected shape. */
  ok = true;

  constructor(
    rootName: string,
    recordName: string,
    private readonly fields: readonly string[],
    private readonly onRecord: (values: RecordValues) => void,
    private readonly acceptRoot: (attrs: Record<string, string>) => boolean = () => true,
  ) {
    this.fieldIndex = new Map(fields.map((f, index) => [f, index]));
    this.rootOpen = `<${rootName}`;
    this.recordName = recordName;
    this.recordOpen = `<${recordName}>`;
    this.rootClose = `</${rootName}>`;
    this.lookahead = Math.max(this.rootClose.length, this.recordOpen.length, 4);
  }

  /** Reads the next piece of the document. Returns false once it has given up. */
  write(text: string): boolean {
    if (!this.ok) return false;
    if (findIllegalCharacter(text) !== -1) return this.fail();
    this.pending.push(text);
    this.pendingLength += text.length;
    // A cut record is read again from its start: wait until the unread text has doubled, so
    // a huge record arriving in small pieces costs linear time, not quadratic.
    if (this.buf.length - this.pos + this.pendingLength >= this.retryAt) this.advance();
    return this.ok;
  }

  /** True when the whole document was read and is of the expected shape. */
  end(): boolean {
    if (!this.ok) return false;
    this.advance();
    if (!this.ok) return false;
    // Anything left unread is a record, tag or comment cut off: a truncated document.
    if (this.phase !== "epilog" || this.pos !== this.buf.length) return this.fail();
    return true;
  }

  private fail(): false {
    this.ok = false;
    this.buf = "";
    this.pos = 0;
    this.pending = [];
    return false;
  }

  private advance(): void {
    if (this.pendingLength > 0) {
      this.buf = this.buf.slice(this.pos) + this.pending.join("");
      this.pos = 0;
      this.pending = [];
      this.pendingLength = 0;
    }
    if (this.phase === "prolog" && !this.readRoot()) return this.waitForMore();
    if (this.phase === "records" && !this.readRecords()) return this.waitForMore();
    if (this.phase === "epilog") this.readEpilog();
    this.waitForMore();
  }

  private waitForMore(): void {
    this.retryAt = 2 * (this.buf.length - this.pos);
  }

  /** True when the root's start tag has been read. */
  private readRoot(): boolean {
    const xml = this.buf;
    const i = skipMisc(xml, this.pos);
    if (i === MORE) return false;
    if (xml.length - i < this.rootOpen.length + 1) {
      const rest = xml.slice(i);
      if (!this.rootOpen.startsWith(rest) && !"<!--".startsWith(rest)) this.fail();
      return false;
    }
    if (!xml.startsWith(this.rootOpen, i)) return this.fail();
    let at = i + this.rootOpen.length;
    const c = xml.charCodeAt(at);
    if (c === 62 /* > */) {
      at++;
    } else if (isSpaceCode(c)) {
      // An attribute value may hold '>' but never '<': the start tag ends before the next '<'.
      const next = xml.indexOf("<", at);
      if (next === -1) return false;
      at = readRootAttributes(xml.slice(0, next), at, this.rootAttrs);
      if (at === FAIL) return this.fail();
    } else {
      // A self-closing or differently named root: the general reader decides.
      return this.fail();
    }
    if (!this.acceptRoot(this.rootAttrs)) return this.fail();
    this.pos = at;
    this.phase = "records";
    return true;
  }

  /** True when the root's end tag has been read. */
  private readRecords(): boolean {
    const xml = this.buf;
    for (;;) {
      const i = skipMisc(xml, this.pos);
      if (i === MORE) return false;
      if (xml.startsWith(this.rootClose, i)) {
        this.pos = i + this.rootClose.length;
        this.phase = "epilog";
        return true;
      }
      if (!xml.startsWith(this.recordOpen, i)) {
        if (xml.length - i < this.lookahead) return false;
        return this.fail();
      }
      const end = this.readRecord(i + this.recordOpen.length);
      if (end === MORE) return false;
      if (end === FAIL) return this.fail();
      this.pos = end;
    }
  }

  private readEpilog(): void {
    const i = skipMisc(this.buf, this.pos);
    if (i === MORE) return;
    if (i < this.buf.length) {
      if (!"<!--".startsWith(this.buf.slice(i, i + 4))) this.fail();
      return;
    }
    this.pos = i;
  }

  /** Reads one record's fields after its start tag; returns the index after its end tag, MORE or FAIL. */
  private readRecord(from: number): number {
    const xml = this.buf;
    const values: RecordValues = new Array(this.fields.length);
    // Fields usually come in the documented order: the name expected next is checked in
    // place before any name is cut out of the text and looked up.
    let expected = 0;
    let i = from;
    for (;;) {
      const lt = xml.indexOf("<", i);
      if (lt === -1) return MORE;
      if (!isBlank(xml, i, lt)) return FAIL;
      if (xml.charCodeAt(lt + 1) === 47 /* / */) {
        // The record's end tag.
        const close = xml.indexOf(">", lt);
        if (close === -1) return MORE;
        if (close - lt - 2 !== this.recordName.length || !xml.startsWith(this.recordName, lt + 2)) return FAIL;
        this.onRecord(values);
        return close + 1;
      }
      if (xml.startsWith("<!--", lt)) {
        const end = xml.indexOf("-->", lt + 4);
        if (end === -1) return MORE;
        i = end + 3;
        continue;
      }
      const gt = xml.indexOf(">", lt);
      if (gt === -1) return MORE;
      const selfClosing = xml.charCodeAt(gt - 1) === 47; /* <name/> */
      const guess = this.fields[expected];
      let name: string;
      let index: number | undefined;
      if (!selfClosing && guess !== undefined && gt - lt - 1 === guess.length && xml.startsWith(guess, lt + 1)) {
        name = guess;
        index = expected;
      } else {
        name = xml.slice(lt + 1, selfClosing ? gt - 1 : gt);
        index = this.fieldIndex.get(name);
        // Known field names are plain by construction; anything else is checked.
        if (index === undefined && !isPlainName(name)) return FAIL;
      }
      if (index !== undefined) expected = index + 1;
      let text = "";
      if (selfClosing) {
        i = gt + 1;
      } else {
        const read = this.readFieldText(gt + 1, name, index !== undefined);
        if (typeof read === "number") return read;
        text = read;
        i = this.fieldEnd;
      }
      if (index !== undefined && values[index] === undefined) values[index] = trimmed(text);
    }
  }

  /**
   * Text, CDATA and comments up to `</name>`; FAIL at a nested element or a broken part,
   * MORE when the text so far ends first. A field nobody reads (`keep` false) is checked
   * but not decoded.
   */
  private readFieldText(from: number, name: string, keep: boolean): string | number {
    const xml = this.buf;
    let text = "";
    let i = from;
    for (;;) {
      const lt = xml.indexOf("<", i);
      if (lt === -1) return MORE;
      // Enough to see `</name>`, `<![CDATA[` or `<!--` whole.
      if (xml.length - lt < Math.max(name.length + 3, 9)) return MORE;
      if (lt > i) {
        const raw = xml.slice(i, lt);
        if (raw.indexOf("&") === -1) {
          if (keep) text += raw;
        } else {
          try {
            if (keep) text += decodeEntities(raw);
            else checkEntities(raw);
          } catch {
            return FAIL;
          }
        }
      }
      const next = xml.charCodeAt(lt + 1);
      if (next === 47 /* / */) {
        // Must be exactly </name>.
        const after = lt + 2 + name.length;
        if (xml.charCodeAt(after) !== 62 || !xml.startsWith(name, lt + 2)) return FAIL;
        this.fieldEnd = after + 1;
        return text;
      }
      if (xml.startsWith("<![CDATA[", lt)) {
        const end = xml.indexOf("]]>", lt + 9);
        if (end === -1) return MORE;
        if (keep) text += xml.slice(lt + 9, end);
        i = end + 3;
      } else if (xml.startsWith("<!--", lt)) {
        const end = xml.indexOf("-->", lt + 4);
        if (end === -1) return MORE;
        i = end + 3;
      } else {
        return FAIL;
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

/** Reads a whole document at once; null when it is not of the flat shape. */
export function readFlatRecords(xml: string, rootName: string, recordName: string, fields: readonly string[]): FlatRecords | null {
  const records: RecordValues[] = [];
  const stream = new FlatRecordStream(rootName, recordName, fields, (values) => records.push(values));
  stream.write(xml);
  return stream.end() ? { rootAttrs: stream.rootAttrs, records } : null;
}
