import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childElement, childElements, readXml, recordFields, type XmlElement } from "../lib/nsight/xml";
import {
  BAD_CODE_POINTS,
  CHAR_REF_FLOOD_COUNT,
  FAIL_ERROR_CODE,
  FAIL_MESSAGE,
  HOSTILE_HOST,
  HOSTILE_KINDS,
  HOSTILE_SESSION_FIELDS,
  HOSTILE_SESSIONS,
  HOSTILE_UTF8_HOST,
  HUGE_BODY_MIN_BYTES,
  NESTING_DEPTH,
  PROTO_ELEMENTS,
  QUADRATIC_ENTITY_CHARS,
  QUADRATIC_REFERENCES,
  hostileBody,
  hugeBodyParts,
  type HostileKind,
} from "./hostile";
import { SCENARIO } from "./scenarios";
import { startSimulator, type Simulator } from "./server";
import { apiGet, apiUrl, latin1, TEST_UA } from "./test-support";

const KEY = "hostile-key";
const XML_TYPE = "application/xml; charset=ISO-8859-1";
const DECLARATION = '<?xml version="1.0" encoding="ISO-8859-1"?>\n';
let sim: Simulator;

const sessionsOf = (kind: HostileKind) => apiGet(sim.url, { apikey: KEY, service: "list_mob_sessions", deviceid: SCENARIO.hostile[kind] });

function count(text: string, needle: string): number {
  let n = 0;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) n++;
  return n;
}

function sessionRecords(root: XmlElement): Record<string, string>[] {
  return childElements(root, "session").map((s) => {
    const out: Record<string, string> = {};
    for (const field of HOSTILE_SESSION_FIELDS) out[field] = childElement(s, field)?.text ?? "(missing)";
    return out;
  });
}

beforeAll(async () => {
  sim = await startSimulator({ port: 0, key: KEY, now: "2026-11-27T07:00:00Z" });
});

afterAll(async () => {
  await sim.close();
});

describe("Hostile Bench devices", () => {
  it("are listed at the Fault Lab client with B&R off (mob=0)", async () => {
    for (const type of ["server", "workstation"]) {
      const res = await apiGet(sim.url, { apikey: KEY, service: "list_devices_at_client", clientid: SCENARIO.faultLabClient, devicetype: type });
      const root = readXml(latin1(res.body));
      const site = childElements(childElement(childElement(root, "items")!, "client")!, "site").find((s) => childElement(s, "id")?.text === SCENARIO.hostileSite);
      expect(site && childElement(site, "name")?.text).toBe("Hostile Bench");
      for (const device of site?.children.filter((c) => c.name === type) ?? []) {
        expect(Object.values(SCENARIO.hostile)).toContain(childElement(device, "id")?.text);
        expect(childElement(device, "mob")?.text).toBe("0");
      }
    }
    for (const id of Object.values(SCENARIO.hostile)) expect(sim.fleet.deviceById.get(id)?.mob).toBe(false);
  });

  it("answer every plain kind with exactly hostileBody(kind), HTTP 200 and N-sight's XML content type", async () => {
    for (const kind of HOSTILE_KINDS) {
      if (kind === "hugeBody" || kind === "htmlErrorPage") continue;
      const res = await sessionsOf(kind);
      expect(res.status, kind).toBe(200);
      expect(res.headers["content-type"], kind).toBe(XML_TYPE);
      expect(res.body.equals(hostileBody(kind)!), kind).toBe(true);
    }
  });

  it("give the same bytes on every call (cached fixtures)", () => {
    for (const kind of HOSTILE_KINDS) {
      if (kind === "hugeBody") continue;
      expect(hostileBody(kind)).toBe(hostileBody(kind));
    }
    expect(hostileBody("htmlErrorPage")).toBeNull();
  });
});

describe("hostile answers", () => {
  it("billionLaughs: nested entity definitions in the internal subset, referenced in a session field", async () => {
    const text = latin1((await sessionsOf("billionLaughs")).body);
    expect(text.startsWith(`${DECLARATION}<!DOCTYPE result [`)).toBe(true);
    expect(text).toContain('<!ENTITY lol "lol">');
    expect(text).toContain(`<!ENTITY lol1 "${"&lol;".repeat(10)}">`);
    expect(text).toContain(`<!ENTITY lol9 "${"&lol8;".repeat(10)}">`);
    expect(text).toContain("<status>&lol9;</status>");
    expect(() => readXml(text)).toThrow();
  });

  it("quadraticBlowup: one ~50 KB entity referenced 2,000 times", async () => {
    const text = latin1((await sessionsOf("quadraticBlowup")).body);
    expect(text).toContain(`<!DOCTYPE result [<!ENTITY a "${"a".repeat(QUADRATIC_ENTITY_CHARS)}">]>`);
    expect(count(text, "&a;")).toBe(QUADRATIC_REFERENCES);
    expect(QUADRATIC_ENTITY_CHARS * QUADRATIC_REFERENCES).toBeGreaterThan(100_000_000);
  });

  it("charRefFlood: one valid session with a <note> of 1,000,000 × &#65;", async () => {
    const res = await sessionsOf("charRefFlood");
    const text = latin1(res.body);
    expect(count(text, "&#65;")).toBe(CHAR_REF_FLOOD_COUNT);
    expect(text).toMatch(/<\/status><note>(&#65;)+<\/note><\/session><\/result>$/);
    const root = readXml(text);
    expect(sessionRecords(root)).toEqual([HOSTILE_SESSIONS[0]]);
    expect(childElement(childElement(root, "session")!, "note")?.text).toBe("A".repeat(CHAR_REF_FLOOD_COUNT));
  });

  it("badCodePoints: &#9999999;, &#xFFFFFF; and &#0; in a field", async () => {
    const text = latin1((await sessionsOf("badCodePoints")).body);
    expect(BAD_CODE_POINTS).toBe("&#9999999;&#xFFFFFF;&#0;");
    expect(text).toContain(`<plugin>FILE_SYSTEM${BAD_CODE_POINTS}</plugin>`);
    expect(() => readXml(text)).toThrow();
  });

  it("doctypeSystem: an external entity to file:///etc/passwd, used in a field", async () => {
    const text = latin1((await sessionsOf("doctypeSystem")).body);
    expect(text).toContain('<!DOCTYPE result [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>');
    expect(text).toContain("<plugin>&xxe;</plugin>");
  });

  it("doctypePublic: a DOCTYPE with a PUBLIC external id, otherwise valid", async () => {
    const text = latin1((await sessionsOf("doctypePublic")).body);
    expect(text.startsWith(`${DECLARATION}<!DOCTYPE result PUBLIC "-//X//Y" "http://example.invalid/x.dtd">\n<result `)).toBe(true);
    const rest = text.slice(text.indexOf("<result "));
    expect(sessionRecords(readXml(DECLARATION + rest))).toEqual(HOSTILE_SESSIONS);
  });

  it("deepNesting: 10,000 levels inside a session field", async () => {
    const text = latin1((await sessionsOf("deepNesting")).body);
    expect(text).toContain(`<plugin>${"<n>".repeat(NESTING_DEPTH)}FILE_SYSTEM${"</n>".repeat(NESTING_DEPTH)}</plugin>`);
    expect(count(text, "<n>")).toBe(NESTING_DEPTH);
  });

  it("protoElements: correct sessions that also hold <__proto__> and <constructor> elements", async () => {
    const text = latin1((await sessionsOf("protoElements")).body);
    expect(count(text, PROTO_ELEMENTS)).toBe(HOSTILE_SESSIONS.length);
    const root = readXml(text);
    expect(sessionRecords(root)).toEqual(HOSTILE_SESSIONS);
    for (const session of childElements(root, "session")) {
      expect(childElement(childElement(session, "__proto__")!, "polluted")?.text).toBe("yes");
      expect(childElement(session, "constructor")?.text).toBe("x");
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("hugeBody: a well-formed-looking ~100 MB answer, streamed with a Content-Length", async () => {
    const parts = hugeBodyParts();
    const expected = parts.reduce((n, p) => n + p.byteLength, 0);
    expect(expected).toBeGreaterThanOrEqual(HUGE_BODY_MIN_BYTES);
    expect(expected).toBeLessThan(HUGE_BODY_MIN_BYTES + 2 * 1024 * 1024);
    // The repeated run is one shared Buffer, not a hundred copies.
    expect(new Set(parts.slice(1, -1)).size).toBe(1);
    const { status, headers, total, head, tail } = await new Promise<{
      status: number;
      headers: http.IncomingHttpHeaders;
      total: number;
      head: string;
      tail: string;
    }>((resolve, reject) => {
      const url = apiUrl(sim.url, { apikey: KEY, service: "list_mob_sessions", deviceid: SCENARIO.hostile.hugeBody });
      http
        .get(url, { headers: { "User-Agent": TEST_UA }, agent: false }, (res) => {
          let total = 0;
          let head = "";
          let tail = "";
          res.on("data", (chunk: Buffer) => {
            total += chunk.byteLength;
            if (head.length < 200) head += chunk.subarray(0, 200).toString("latin1");
            tail = (tail + chunk.subarray(-200).toString("latin1")).slice(-200);
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, total, head, tail }));
          res.on("error", reject);
        })
        .on("error", reject);
    });
    expect(status).toBe(200);
    expect(headers["content-type"]).toBe(XML_TYPE);
    expect(Number(headers["content-length"])).toBe(expected);
    expect(total).toBe(expected);
    expect(head.startsWith(`${DECLARATION}<result created=`)).toBe(true);
    expect(head).toContain("<session><session_id>");
    expect(tail.endsWith("</status></session></result>")).toBe(true);
  });

  it("hugeBody: hostileBody gives the same bytes in one Buffer", () => {
    const parts = hugeBodyParts();
    const whole = hostileBody("hugeBody")!;
    expect(whole.byteLength).toBe(parts.reduce((n, p) => n + p.byteLength, 0));
    expect(whole.subarray(0, parts[0]!.byteLength).equals(parts[0]!)).toBe(true);
    expect(whole.subarray(-9).toString("latin1")).toBe("</result>");
  });

  it("hugeBody: a client that gives up mid-body leaves the simulator fine", async () => {
    await new Promise<void>((resolve, reject) => {
      const url = apiUrl(sim.url, { apikey: KEY, service: "list_mob_sessions", deviceid: SCENARIO.hostile.hugeBody });
      const req = http.get(url, { headers: { "User-Agent": TEST_UA }, agent: false }, (res) => {
        res.once("data", () => {
          req.destroy();
          resolve();
        });
      });
      req.on("error", (error) => (req.destroyed ? resolve() : reject(error)));
    });
    expect((await apiGet(sim.url, { apikey: KEY, service: "list_clients" })).status).toBe(200);
  });

  it("emptyBody: HTTP 200, the XML content type and no body at all", async () => {
    const res = await sessionsOf("emptyBody");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe(XML_TYPE);
    expect(res.headers["content-length"]).toBe("0");
    expect(res.body.byteLength).toBe(0);
  });

  it("bomUtf8: a UTF-8 BOM, encoding=\"UTF-8\", a non-ASCII host and correct sessions", async () => {
    const res = await sessionsOf("bomUtf8");
    expect([...res.body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = res.body.subarray(3).toString("utf8");
    expect(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<result ')).toBe(true);
    // "ü" is the two bytes C3 BC.
    expect(res.body.includes(Buffer.from([0x5a, 0xc3, 0xbc, 0x72]))).toBe(true);
    const root = readXml(text);
    expect(root.attrs?.host).toBe(HOSTILE_UTF8_HOST);
    expect(root.attrs?.status).toBe("OK");
    expect(sessionRecords(root)).toEqual(HOSTILE_SESSIONS);
  });

  it("failWithCode: status FAIL with an errorcode and a message", async () => {
    const res = await sessionsOf("failWithCode");
    expect(res.status).toBe(200);
    const root = readXml(latin1(res.body));
    expect(root.attrs).toMatchObject({ status: "FAIL", host: HOSTILE_HOST });
    const error = childElement(root, "error")!;
    expect(recordFields(error)).toEqual({ errorcode: String(FAIL_ERROR_CODE), message: FAIL_MESSAGE });
  });

  it("shuffledFields: correct sessions whose fields come in another order", async () => {
    const root = readXml(latin1((await sessionsOf("shuffledFields")).body));
    expect(sessionRecords(root)).toEqual(HOSTILE_SESSIONS);
    for (const session of childElements(root, "session")) {
      const order = session.children.map((c) => c.name);
      expect([...order].sort()).toEqual([...HOSTILE_SESSION_FIELDS].sort());
      expect(order).not.toEqual([...HOSTILE_SESSION_FIELDS]);
    }
  });

  it("htmlErrorPage: HTTP 502 with a text/html page, like a proxy in front of N-sight", async () => {
    const res = await sessionsOf("htmlErrorPage");
    expect(res.status).toBe(502);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    expect(res.body.toString("utf8")).toMatch(/<html[\s\S]*502/i);
  });

  it("misbehave only on list_mob_sessions", async () => {
    const res = await apiGet(sim.url, { apikey: KEY, service: "list_workstations", siteid: SCENARIO.hostileSite });
    expect(res.status).toBe(200);
    expect(latin1(res.body)).toContain(`<workstationid>${SCENARIO.hostile.htmlErrorPage}</workstationid>`);
  });
});
