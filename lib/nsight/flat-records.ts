import "server-only";
/** Fast path for long flat record lists (docs/nsight-api.md §7.5): anything unexpected goes to the strict reader, so never less strict, only faster. */
import { checkEntities, decodeEntities, findIllegalCharacter } from "./xml";

export type RecordValues = (string | undefined)[];

export interface FlatRecords {
  rootAttrs: Record<string, string>;
  records: RecordValues[];
}

const WHITESPACE = /\s/;

const MORE = -2;
const FAIL = -1;

function isSpaceCode(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

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

/** acceptRoot may refuse the root by its attributes: a non-OK answer is the general reader's to explain. */
export class FlatRecordStream {
  private buf = "";
  private pos = 0;
  private pending: string[] = [];
  private pendingLength = 0;
  private retryAt = 0;
  private phase: Phase = "prolog";
  private readonly fieldIndex: Map<string, number>;
  private readonly rootOpen: string;
  private readonly recordOpen: string;
  private readonly recordName: string;
  private readonly rootClose: string;
  private readonly lookahead: number;
  private fieldEnd = 0;
  readonly rootAttrs: Record<string, string> = Object.create(null) as Record<string, string>;

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

  write(text: string): boolean {
    if (!this.ok) return false;
    if (findIllegalCharacter(text) !== -1) return this.fail();
    this.pending.push(text);
    this.pendingLength += text.length;
    // Wait until the unread text has doubled, so a huge record in small pieces costs linear time.
    if (this.buf.length - this.pos + this.pendingLength >= this.retryAt) this.advance();
    return this.ok;
  }

  end(): boolean {
    if (!this.ok) return false;
    this.advance();
    if (!this.ok) return false;
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
      return this.fail();
    }
    if (!this.acceptRoot(this.rootAttrs)) return this.fail();
    this.pos = at;
    this.phase = "records";
    return true;
  }

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

  private readRecord(from: number): number {
    const xml = this.buf;
    const values: RecordValues = new Array(this.fields.length);
    let expected = 0;
    let i = from;
    for (;;) {
      const lt = xml.indexOf("<", i);
      if (lt === -1) return MORE;
      if (!isBlank(xml, i, lt)) return FAIL;
      if (xml.charCodeAt(lt + 1) === 47 /* / */) {
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

  private readFieldText(from: number, name: string, keep: boolean): string | number {
    const xml = this.buf;
    let text = "";
    let i = from;
    for (;;) {
      const lt = xml.indexOf("<", i);
      if (lt === -1) return MORE;
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

function isPlainName(name: string): boolean {
  if (name.length === 0 || name.length > 100) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (isSpaceCode(c) || c === 60 || c === 62 || c === 47 || c === 61 || c === 34 || c === 39 || c === 33 || c === 63) return false;
  }
  return true;
}

export function readFlatRecords(xml: string, rootName: string, recordName: string, fields: readonly string[]): FlatRecords | null {
  const records: RecordValues[] = [];
  const stream = new FlatRecordStream(rootName, recordName, fields, (values) => records.push(values));
  stream.write(xml);
  return stream.end() ? { rootAttrs: stream.rootAttrs, records } : null;
}
