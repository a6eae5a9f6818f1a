/**
 * A corpus of hostile `list_mob_sessions` answers: entity bombs, external entities, absurd
 * nesting, prototype-named elements, a 100 MB body, odd encodings and error shapes. Each
 * Hostile Bench device of scenarios.ts (B&R off, so never read by a fleet refresher on its
 * own) answers with one of them.
 *
 * The bytes are fixed (a fixed `created` and `host`, fixed sessions), so the app's unit
 * tests can use `hostileBody(kind)` as fixtures and see exactly what the simulator sends.
 */
import type { FaultBehaviour } from "./faults";
import { Rng } from "./prng";
import type { HostileKind } from "./scenarios";

export { HOSTILE_KINDS, type HostileKind } from "./scenarios";

/** `created` and `host` of every hostile answer. */
export const HOSTILE_CREATED = "2026-11-27T01:00:00-06:00";
export const HOSTILE_HOST = "www.systemmonitor.us";

/** The `host` of the bomUtf8 answer: a non-ASCII value (ü is two bytes in UTF-8). */
export const HOSTILE_UTF8_HOST = "Zürich";

/** The session fields in the documented order (reference §8.7). */
export const HOSTILE_SESSION_FIELDS = [
  "session_id",
  "type",
  "storage_account_id",
  "plugin",
  "start",
  "end",
  "selection_size",
  "selection_item_count",
  "size_change",
  "item_count_change",
  "removed_item_count",
  "processed_size",
  "processed_item_count",
  "transferred_size",
  "error_count",
  "status",
] as const;
export type HostileSessionField = (typeof HOSTILE_SESSION_FIELDS)[number];
export type HostileSession = Readonly<Record<HostileSessionField, string>>;

/**
 * The correct sessions inside the hostile answers (as text, exactly as on the wire). The
 * answers that are correct data (protoElements, bomUtf8, shuffledFields, doctypePublic apart
 * from its DOCTYPE) carry all three; charRefFlood carries the first.
 */
export const HOSTILE_SESSIONS: readonly HostileSession[] = Object.freeze([
  Object.freeze({
    session_id: "29901960000331",
    type: "BACKUP",
    storage_account_id: "412345",
    plugin: "FILE_SYSTEM",
    start: "2026-11-26 21:00:05",
    end: "2026-11-26 21:14:37",
    selection_size: "132579334528",
    selection_item_count: "221734",
    size_change: "843776",
    item_count_change: "2",
    removed_item_count: "0",
    processed_size: "132579334528",
    processed_item_count: "221734",
    transferred_size: "955045456",
    error_count: "0",
    status: "COMPLETED",
  }),
  Object.freeze({
    session_id: "29901980000331",
    type: "BACKUP",
    storage_account_id: "412345",
    plugin: "SYSTEM_STATE",
    start: "2026-11-26 23:00:02",
    end: "2026-11-26 23:41:19",
    selection_size: "15032385536",
    selection_item_count: "108211",
    size_change: "12582912",
    item_count_change: "311",
    removed_item_count: "17",
    processed_size: "15032385536",
    processed_item_count: "108194",
    transferred_size: "201326592",
    error_count: "2",
    status: "COMPLETED_WITH_ERRORS",
  }),
  Object.freeze({
    session_id: "29902010000335",
    type: "BACKUP",
    storage_account_id: "412345",
    plugin: "MSSQL",
    start: "2026-11-27 02:15:00",
    end: "2026-11-27 02:15:48",
    selection_size: "193273528320",
    selection_item_count: "12",
    size_change: "0",
    item_count_change: "0",
    removed_item_count: "0",
    processed_size: "0",
    processed_item_count: "0",
    transferred_size: "0",
    error_count: "1",
    status: "FAILED",
  }),
]);

const [S1, S2, S3] = HOSTILE_SESSIONS as [HostileSession, HostileSession, HostileSession];

interface SessionOptions {
  /** Field order (default: documented). */
  order?: readonly HostileSessionField[];
  /** Raw XML replacing a field's text (entity references, markup…). */
  raw?: Partial<Record<HostileSessionField, string>>;
  /** Raw XML right after `<session>`. */
  start?: string;
  /** Raw XML right after a field's element. */
  after?: Partial<Record<HostileSessionField, string>>;
}

function sessionXml(s: HostileSession, options: SessionOptions = {}): string {
  let out = `<session>${options.start ?? ""}`;
  for (const field of options.order ?? HOSTILE_SESSION_FIELDS) {
    out += `<${field}>${options.raw?.[field] ?? s[field]}</${field}>${options.after?.[field] ?? ""}`;
  }
  return `${out}</session>`;
}

const DECLARATION = '<?xml version="1.0" encoding="ISO-8859-1"?>\n';
const OPEN_OK = `<result created="${HOSTILE_CREATED}" host="${HOSTILE_HOST}" status="OK">`;
const OPEN_FAIL = `<result created="${HOSTILE_CREATED}" host="${HOSTILE_HOST}" status="FAIL">`;
const CLOSE = "</result>";

/** An ISO-8859-1 answer: declaration, an optional DOCTYPE line, `<result status="OK">`. */
function answer(inner: string, doctype = ""): Buffer {
  return Buffer.from(`${DECLARATION}${doctype}${OPEN_OK}${inner}${CLOSE}`, "latin1");
}

const ALL_SESSIONS = (): string => HOSTILE_SESSIONS.map((s) => sessionXml(s)).join("");

/** Nine levels of ten references: `&lol9;` expands to 10^9 × "lol" (3 GB). */
export const BILLION_LAUGHS_DOCTYPE =
  "<!DOCTYPE result [\n" +
  '<!ENTITY lol "lol">\n' +
  Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? "" : i};`.repeat(10)}">\n`).join("") +
  "]>\n";

/** One entity of this many characters, referenced QUADRATIC_REFERENCES times (≈ 100 MB expanded). */
export const QUADRATIC_ENTITY_CHARS = 50 * 1024;
export const QUADRATIC_REFERENCES = 2000;

export const CHAR_REF_FLOOD_COUNT = 1_000_000;
export const BAD_CODE_POINTS = "&#9999999;&#xFFFFFF;&#0;";
export const XXE_DOCTYPE = '<!DOCTYPE result [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n';
export const PUBLIC_DOCTYPE = '<!DOCTYPE result PUBLIC "-//X//Y" "http://example.invalid/x.dtd">\n';
export const NESTING_DEPTH = 10_000;
export const PROTO_ELEMENTS = "<__proto__><polluted>yes</polluted></__proto__><constructor>x</constructor>";
/** A code the client gives no meaning of its own (2 and 3 mean a refused key, 4 and 5 a bad request). */
export const FAIL_ERROR_CODE = 9;
export const FAIL_MESSAGE = "Backup data is temporarily unavailable";
/** The hugeBody answer is at least this long. */
export const HUGE_BODY_MIN_BYTES = 100 * 1024 * 1024;
const HUGE_CHUNK_MIN_BYTES = 1024 * 1024;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** A field order that differs from the documented one (a fixed shuffle per session). */
function shuffledOrder(index: number): HostileSessionField[] {
  const rng = Rng.of("hostile-shuffle", index);
  for (;;) {
    const order = rng.shuffle(HOSTILE_SESSION_FIELDS);
    if (order.some((field, i) => field !== HOSTILE_SESSION_FIELDS[i])) return order;
  }
}

/** The kinds answered with one plain HTTP 200 body, built in memory. */
type PlainKind = Exclude<HostileKind, "hugeBody" | "htmlErrorPage">;

const PLAIN_BODIES: Record<PlainKind, () => Buffer> = {
  billionLaughs: () => answer(sessionXml(S1, { raw: { status: "&lol9;" } }) + sessionXml(S2) + sessionXml(S3), BILLION_LAUGHS_DOCTYPE),
  quadraticBlowup: () =>
    answer(
      sessionXml(S1, { raw: { status: "&a;".repeat(QUADRATIC_REFERENCES) } }) + sessionXml(S2) + sessionXml(S3),
      `<!DOCTYPE result [<!ENTITY a "${"a".repeat(QUADRATIC_ENTITY_CHARS)}">]>\n`,
    ),
  charRefFlood: () => answer(sessionXml(S1, { after: { status: `<note>${"&#65;".repeat(CHAR_REF_FLOOD_COUNT)}</note>` } })),
  badCodePoints: () => answer(sessionXml(S1, { raw: { plugin: `${S1.plugin}${BAD_CODE_POINTS}` } }) + sessionXml(S2) + sessionXml(S3)),
  doctypeSystem: () => answer(sessionXml(S1, { raw: { plugin: "&xxe;" } }) + sessionXml(S2) + sessionXml(S3), XXE_DOCTYPE),
  doctypePublic: () => answer(ALL_SESSIONS(), PUBLIC_DOCTYPE),
  deepNesting: () =>
    answer(sessionXml(S1, { raw: { plugin: `${"<n>".repeat(NESTING_DEPTH)}${S1.plugin}${"</n>".repeat(NESTING_DEPTH)}` } }) + sessionXml(S2) + sessionXml(S3)),
  // Correct data with hostile names: at the start, in the middle and at the end of a session.
  protoElements: () =>
    answer(sessionXml(S1, { start: PROTO_ELEMENTS }) + sessionXml(S2, { after: { plugin: PROTO_ELEMENTS } }) + sessionXml(S3, { after: { status: PROTO_ELEMENTS } })),
  emptyBody: () => Buffer.alloc(0),
  bomUtf8: () =>
    Buffer.concat([
      UTF8_BOM,
      Buffer.from(
        `<?xml version="1.0" encoding="UTF-8"?>\n<result created="${HOSTILE_CREATED}" host="${HOSTILE_UTF8_HOST}" status="OK">${ALL_SESSIONS()}${CLOSE}`,
        "utf8",
      ),
    ]),
  failWithCode: () =>
    Buffer.from(`${DECLARATION}${OPEN_FAIL}<error><errorcode>${FAIL_ERROR_CODE}</errorcode><message>${FAIL_MESSAGE}</message></error>${CLOSE}`, "latin1"),
  shuffledFields: () => answer(HOSTILE_SESSIONS.map((s, i) => sessionXml(s, { order: shuffledOrder(i) })).join("")),
};

const plainCache = new Map<PlainKind, Buffer>();

function plainBody(kind: PlainKind): Buffer {
  let body = plainCache.get(kind);
  if (!body) {
    body = PLAIN_BODIES[kind]();
    plainCache.set(kind, body);
  }
  return body;
}
let hugeParts: readonly Buffer[] | null = null;
let hugeWhole: Buffer | null = null;

/**
 * The hugeBody answer as parts: the head, one ~1 MiB run of sessions repeated (the same
 * Buffer every time, so it costs 1 MiB of memory), and `</result>`. Built on first use.
 */
export function hugeBodyParts(): readonly Buffer[] {
  if (hugeParts) return hugeParts;
  const sessions: string[] = [];
  let bytes = 0;
  const startMs = Date.UTC(2026, 10, 26, 21, 0, 5);
  for (let i = 0; bytes < HUGE_CHUNK_MIN_BYTES; i++) {
    const plugin = i % 2 === 0 ? "FILE_SYSTEM" : "SYSTEM_STATE";
    const at = startMs - Math.floor(i / 2) * 86_400_000 + (i % 2) * 7_200_000;
    const text = sessionXml({
      ...(i % 2 === 0 ? S1 : S2),
      session_id: String(29_000_000_000_000 + i * 10 + (i % 2)),
      plugin,
      start: dateTime(at),
      end: dateTime(at + 600_000 + (i % 7) * 60_000),
    });
    sessions.push(text);
    bytes += text.length;
  }
  const chunk = Buffer.from(sessions.join(""), "latin1");
  const head = Buffer.from(DECLARATION + OPEN_OK, "latin1");
  const tail = Buffer.from(CLOSE, "latin1");
  const repeats = Math.ceil((HUGE_BODY_MIN_BYTES - head.byteLength - tail.byteLength) / chunk.byteLength);
  hugeParts = Object.freeze([head, ...Array.from({ length: repeats }, () => chunk), tail]);
  return hugeParts;
}

function dateTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}

/**
 * The exact bytes the simulator sends with HTTP 200 for `kind`, or null for a kind that is
 * not a plain 200 body (htmlErrorPage: HTTP 502 with an HTML page). Built on first use and
 * cached: the Buffer is shared, do not modify it. hugeBody is about 100 MB (concatenated
 * once, only when asked for here; the simulator streams `hugeBodyParts()` instead).
 */
export function hostileBody(kind: HostileKind): Buffer | null {
  if (kind === "htmlErrorPage") return null;
  if (kind === "hugeBody") {
    hugeWhole ??= Buffer.concat(hugeBodyParts());
    return hugeWhole;
  }
  return plainBody(kind);
}

/** What a proxy in front of N-sight (here: Cloudflare) sends when the origin is broken. */
export const BAD_GATEWAY_PAGE = `<!DOCTYPE html>
<html lang="en-US"><head><meta charset="UTF-8" /><title>www.systemmonitor.us | 502: Bad gateway</title></head>
<body><div id="cf-error-details"><h1><span>Bad gateway</span> <span>Error code 502</span></h1>
<p>The web server reported a bad gateway error.</p>
<p>Cloudflare Ray ID: <strong>8f3a1c2b4d5e6f70</strong></p></div></body></html>
`;

const sendPlain =
  (kind: PlainKind): FaultBehaviour =>
  (ctx) =>
    ctx.sendXml(plainBody(kind));

/**
 * What each Hostile Bench device answers to list_mob_sessions: HTTP 200 with N-sight's XML
 * content type and the body of `hostileBody(kind)`, except htmlErrorPage (HTTP 502, HTML).
 * hugeBody is streamed in parts, honouring back-pressure.
 */
export const HOSTILE_BEHAVIOURS: Record<HostileKind, FaultBehaviour> = {
  billionLaughs: sendPlain("billionLaughs"),
  quadraticBlowup: sendPlain("quadraticBlowup"),
  charRefFlood: sendPlain("charRefFlood"),
  badCodePoints: sendPlain("badCodePoints"),
  doctypeSystem: sendPlain("doctypeSystem"),
  doctypePublic: sendPlain("doctypePublic"),
  deepNesting: sendPlain("deepNesting"),
  protoElements: sendPlain("protoElements"),
  hugeBody: (ctx) => ctx.streamXml(hugeBodyParts()),
  emptyBody: sendPlain("emptyBody"),
  bomUtf8: sendPlain("bomUtf8"),
  failWithCode: sendPlain("failWithCode"),
  shuffledFields: sendPlain("shuffledFields"),
  htmlErrorPage: (ctx) => ctx.sendPage(502, BAD_GATEWAY_PAGE),
};
