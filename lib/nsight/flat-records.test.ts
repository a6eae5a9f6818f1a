import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { referenceParseSessions } from "../../scripts/bench/reference-parse";
import { decodeXmlBytes } from "./decode";
import { FlatRecordStream, readFlatRecords, type FlatRecords, type RecordValues } from "./flat-records";
import { mapSessions, SESSION_FIELDS, sessionsFromValues } from "./session-records";
import { readXml } from "./xml";

const fixture = (name: string) => decodeXmlBytes(new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url))));
const fast = (xml: string) => {
  const flat = readFlatRecords(xml, "result", "session", SESSION_FIELDS);
  return flat ? sessionsFromValues(flat.records) : null;
};
const general = (xml: string) => mapSessions(readXml(xml));

const session = (id: number, extra = "") =>
  `<session><session_id>${id}</session_id><type>BACKUP</type><plugin><![CDATA[FILE_SYSTEM]]></plugin><start>2024-01-0${(id % 9) + 1} 01:00:00</start><end>2024-01-0${(id % 9) + 1} 01:10:00</end><transferred_size>${id * 1000}</transferred_size>${extra}<status>COMPLETED</status></session>`;
const doc = (body: string) => `<?xml version="1.0" encoding="ISO-8859-1"?>\n<result created="2025-01-09T12:12:51-06:00" host="h" status="OK">${body}</result>`;

describe("readFlatRecords (the fast path for big answers)", () => {
  it("reads exactly what the general reader reads, and what an independent fast-xml-parser reading gives", () => {
    for (const xml of [fixture("list_mob_sessions.xml"), fixture("list_mob_sessions_empty.xml"), doc(Array.from({ length: 50 }, (_, i) => session(i + 1)).join(""))]) {
      const result = fast(xml);
      expect(result).not.toBeNull();
      expect(result).toEqual(general(xml));
      expect(result).toEqual(referenceParseSessions(xml));
    }
  });

  it("handles entities, CDATA split in parts, comments, indentation and self-closing fields like the general reader", () => {
    const xml = doc(
      `\n  <!-- note -->\n  <session>\n    <session_id> 7 </session_id>\n    <plugin><![CDATA[FILE_]]>SYS&#84;EM</plugin>\n    <storage_account_id/>\n    <status>COMPLETED<!-- x --></status>\n    <unknown_field>ignored</unknown_field>\n    <session_id>8</session_id>\n  </session>\n`,
    );
    expect(fast(xml)).toEqual(general(xml));
    expect(fast(xml)![0]).toMatchObject({ sessionId: "7", plugin: "FILE_SYSTEM", storageAccountId: null, status: "COMPLETED" });
  });

  it("reads the root's attributes", () => {
    expect(readFlatRecords(doc(session(1)), "result", "session", SESSION_FIELDS)!.rootAttrs).toEqual({
      created: "2025-01-09T12:12:51-06:00",
      host: "h",
      status: "OK",
    });
  });

  it.each([
    ["an error envelope", fixture("fail_invalid_value.xml")],
    ["a wrapper element", doc(`<mob_sessions>${session(1)}</mob_sessions>`)],
    ["a field with attributes", doc(session(1, '<error_count unit="n">0</error_count>'))],
    ["a nested element", doc(session(1, "<error_count><n>0</n></error_count>"))],
    ["a DOCTYPE", `<!DOCTYPE result [<!ENTITY a "b">]>${doc(session(1))}`],
    ["text after the root", `${doc(session(1))}junk`],
    ["a mismatched end tag", doc(session(1).replace("</status>", "</statu>"))],
    ["an undefined entity", doc(session(1).replace("BACKUP", "&nbsp;"))],
    ["an undefined entity in a field nobody reads", doc(session(1, "<note>&nbsp;</note>"))],
    ["an illegal character reference in a field nobody reads", doc(session(1, "<note>&#0;</note>"))],
    ["a different root", `<settings>${session(1)}</settings>`],
  ])("gives up on %s (the general reader decides)", (_label, xml) => {
    expect(readFlatRecords(xml, "result", "session", SESSION_FIELDS)).toBeNull();
  });

  it("never returns a partial result for an answer cut anywhere", () => {
    const full = doc(Array.from({ length: 5 }, (_, i) => session(i + 1)).join(""));
    for (let cut = 0; cut < full.length; cut++) {
      expect(readFlatRecords(full.slice(0, cut), "result", "session", SESSION_FIELDS)).toBeNull();
    }
  });

  it.each([
    ["a raw control character", doc(session(1).replace("BACKUP", "BACK\u0001UP"))],
    ["a raw U+FFFF in a field nobody reads", doc(session(1, "<note>\uffff</note>"))],
  ])("gives up on %s, like the general reader", (_label, xml) => {
    expect(readFlatRecords(xml, "result", "session", SESSION_FIELDS)).toBeNull();
    expect(() => readXml(xml)).toThrow(/not allowed/);
  });
});

function readInPieces(xml: string, cuts: number[]): FlatRecords | null {
  const records: RecordValues[] = [];
  const stream = new FlatRecordStream("result", "session", SESSION_FIELDS, (values) => records.push(values));
  let from = 0;
  for (const cut of [...cuts, xml.length]) {
    stream.write(xml.slice(from, cut));
    from = cut;
  }
  return stream.end() ? { rootAttrs: stream.rootAttrs, records } : null;
}

function seededRandom(seed: number): () => number {
  return () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

function randomCuts(length: number, count: number, random: () => number): number[] {
  return Array.from({ length: count }, () => Math.floor(random() * (length + 1))).sort((a, b) => a - b);
}

describe("FlatRecordStream (the fast path, reading while the body arrives)", () => {
  const tricky = `<?xml version="1.0" encoding="ISO-8859-1"?>\n<!-- prolog --><?pi x?>\n<result created="2025-01-09T12:12:51-06:00" note="a&gt;b" host="h" status="OK">\n  <!-- note -->\n  ${session(1)}<?pi in between?>\n  <session>\n    <session_id> 7 </session_id>\n    <plugin><![CDATA[FILE_]]>SYS&#84;EM</plugin>\n    <storage_account_id/>\n    <status>COMPLETED<!-- x --></status>\n    <unknown_field>&amp;ignored&#x41;</unknown_field>\n    <session_id>8</session_id>\n  </session>${session(2)}\n</result>\n<!-- epilog -->\n`;

  it("reads the same as the whole document when it is split in two at every offset", () => {
    const whole = readFlatRecords(tricky, "result", "session", SESSION_FIELDS);
    expect(whole!.records).toHaveLength(3);
    for (let cut = 0; cut <= tricky.length; cut++) {
      expect(readInPieces(tricky, [cut]), `cut at ${cut}`).toEqual(whole);
    }
  });

  it("reads the same one character at a time", () => {
    expect(readInPieces(tricky, Array.from({ length: tricky.length }, (_, i) => i))).toEqual(readFlatRecords(tricky, "result", "session", SESSION_FIELDS));
  });

  it("never returns a partial result for an answer cut anywhere and written in random pieces", () => {
    const random = seededRandom(8);
    for (let cut = 0; cut < tricky.length; cut++) {
      const truncated = tricky.slice(0, cut);
      const read = readInPieces(truncated, randomCuts(truncated.length, 5, random));
      // Only a cut after the root's end tag, outside the epilog comment, leaves a whole document.
      if (/^\s*(<!-- epilog -->)?\s*$/.test(tricky.slice(cut))) expect(read, `cut at ${cut}`).toEqual(readFlatRecords(tricky, "result", "session", SESSION_FIELDS));
      else expect(read, `cut at ${cut}`).toBeNull();
    }
  });

  it("gives up in pieces wherever the whole document makes it give up", () => {
    const random = seededRandom(53);
    for (const bad of [doc(session(1, "<error_count><n>0</n></error_count>")), `${doc(session(1))}junk`, doc(session(1).replace("</status>", "</statu>")), '<result status="FAIL"><error/></result>']) {
      for (let i = 0; i < 50; i++) expect(readInPieces(bad, randomCuts(bad.length, 1 + (i % 7), random))).toBeNull();
    }
  });

  it("hands records over while the body arrives, not only at its end", () => {
    let seen = 0;
    const stream = new FlatRecordStream("result", "session", SESSION_FIELDS, () => seen++);
    const xml = doc(Array.from({ length: 50 }, (_, i) => session(i + 1)).join(""));
    stream.write(xml.slice(0, xml.length / 2));
    expect(seen).toBeGreaterThan(20);
    expect(seen).toBeLessThan(50);
    stream.write(xml.slice(xml.length / 2));
    expect(stream.end()).toBe(true);
    expect(seen).toBe(50);
  });

  it("refuses a root its caller does not accept", () => {
    const stream = new FlatRecordStream("result", "session", SESSION_FIELDS, () => undefined, (attrs) => attrs.status === "OK");
    stream.write(doc(session(1)).replace('status="OK"', 'status="FAIL"'));
    expect(stream.end()).toBe(false);
  });

  it("reads a huge record written in small pieces in linear time (it is not read again from its start for every piece)", () => {
    let attempts = 0;
    const big = doc(session(1, `<note>${"x".repeat(1_000_000)}</note>`));
    const stream = new FlatRecordStream("result", "session", SESSION_FIELDS, () => attempts++);
    const indexOf = String.prototype.indexOf;
    let scans = 0;
    String.prototype.indexOf = function (this: string, ...args: Parameters<string["indexOf"]>) {
      scans++;
      return indexOf.apply(this, args);
    };
    try {
      for (let i = 0; i < big.length; i += 1_000) stream.write(big.slice(i, i + 1_000));
    } finally {
      String.prototype.indexOf = indexOf;
    }
    expect(stream.end()).toBe(true);
    expect(attempts).toBe(1);
    // About 1,000 pieces: reading the record again at every one would take thousands of scans.
    expect(scans).toBeLessThan(300);
  });
});

describe("on the simulator's real answers", () => {
  it("the fast path, the general reader and the reference agree on a device's whole history", async () => {
    const { startSimulator } = await import("../../simulator/server");
    const { SCENARIO } = await import("../../simulator/scenarios");
    const sim = await startSimulator({ port: 0, key: "k", now: "2026-11-27T12:00:00Z" });
    try {
      for (const device of [SCENARIO.failingStreak, SCENARIO.singleSession, SCENARIO.backupOff]) {
        const response = await fetch(`${sim.url}/api/?apikey=k&service=list_mob_sessions&deviceid=${device}`, { headers: { "User-Agent": "t" } });
        const xml = decodeXmlBytes(new Uint8Array(await response.arrayBuffer()), response.headers.get("content-type"));
        const result = fast(xml);
        expect(result, device).toEqual(general(xml));
        expect(result, device).toEqual(referenceParseSessions(xml));
        const whole = readFlatRecords(xml, "result", "session", SESSION_FIELDS);
        const random = seededRandom(Number(device));
        for (let i = 0; i < 20; i++) {
          expect(readInPieces(xml, randomCuts(xml.length, 1 + Math.floor(random() * 200), random)), `${device}, split ${i}`).toEqual(whole);
        }
      }
    } finally {
      await sim.close();
    }
  });
});
