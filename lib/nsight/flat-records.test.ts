import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { referenceParseSessions } from "../../scripts/bench/reference-parse";
import { decodeXmlBytes } from "./decode";
import { readFlatRecords, readFlatRecordsYielding } from "./flat-records";
import { mapSessions, SESSION_FIELDS, sessionsFromValues } from "./records";
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

  it("gives the same records when read in slices that hand the event loop back", async () => {
    const xml = doc(Array.from({ length: 120 }, (_, i) => session(i + 1)).join(""));
    const sliced = await readFlatRecordsYielding(xml, "result", "session", SESSION_FIELDS, 7);
    expect(sliced!.records).toEqual(readFlatRecords(xml, "result", "session", SESSION_FIELDS)!.records);
    expect(sliced!.records).toHaveLength(120);
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
      }
    } finally {
      await sim.close();
    }
  });
});
