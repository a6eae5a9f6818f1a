import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeXmlBytes } from "./decode";
import { mapSessions, utcMillis } from "./session-records";
import { readXml } from "./xml";

function fixture(name: string) {
  const bytes = new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
  return readXml(decodeXmlBytes(bytes));
}

describe("mapSessions", () => {
  it("maps every field, sorts by start, reads times as UTC and sizes above 2^32 exactly", () => {
    const sessions = mapSessions(fixture("list_mob_sessions.xml"));
    expect(sessions.map((s) => s.sessionId)).toEqual(["12345", "12346", "12347"]);
    expect(sessions[0]).toEqual({
      sessionId: "12345",
      type: "BACKUP",
      storageAccountId: "139",
      plugin: "FILE_SYSTEM",
      start: "2013-03-17T00:06:57Z",
      end: "2013-03-17T00:07:23Z",
      durationSeconds: 26,
      selectionSize: 132579334528,
      selectionItemCount: 22,
      sizeChange: 843776,
      itemCountChange: 2,
      removedItemCount: 0,
      processedSize: 132579334528,
      processedItemCount: 22,
      transferredSize: 955045456,
      errorCount: 0,
      status: "COMPLETED",
    });
    expect(sessions[1]).toMatchObject({ plugin: "SYSTEM_STATE", status: "FAILED", durationSeconds: 724, errorCount: 2 });
  });

  it("keeps unknown enum values and flags them, with fields in any order and some missing", () => {
    const odd = mapSessions(fixture("list_mob_sessions.xml"))[2]!;
    expect(odd).toMatchObject({
      sessionId: "12347",
      type: "VERIFY",
      plugin: "HYPER_V",
      status: "SUPERSEDED",
      start: "2013-03-18T00:06:57Z",
      end: null,
      durationSeconds: null,
      transferredSize: null,
      storageAccountId: null,
      unknownValues: ["type", "plugin", "status"],
    });
  });

  it("keeps sizes exact up to 2^53 - 1 and refuses larger ones instead of rounding them", () => {
    const session = (size: string) =>
      readXml(`<result status="OK"><session><session_id>1</session_id><selection_size>${size}</selection_size><transferred_size>-${size}</transferred_size></session></result>`);
    // 2^53 - 1 = 9007199254740991 and 2^53 + 1 = 9007199254740993, written out by hand.
    expect(mapSessions(session("9007199254740991"))[0]).toMatchObject({ selectionSize: 9007199254740991, transferredSize: -9007199254740991 });
    for (const big of ["9007199254740992", "9007199254740993", "10000000000000001", "99999999999999999", "123456789012345678901"]) {
      expect(mapSessions(session(big))[0], big).toMatchObject({ selectionSize: null, transferredSize: null });
    }
  });

  it("reads an answer with no session as an empty history", () => {
    expect(mapSessions(fixture("list_mob_sessions_empty.xml"))).toEqual([]);
  });

  it("accepts sessions inside an unexpected wrapper element", () => {
    const root = readXml('<result status="OK"><mob_sessions><session><session_id>1</session_id><start>2024-01-01 00:00:00</start></session></mob_sessions></result>');
    expect(mapSessions(root).map((s) => s.sessionId)).toEqual(["1"]);
  });

  it("puts undated sessions last", () => {
    const root = readXml(
      '<result status="OK"><session><session_id>2</session_id></session><session><session_id>1</session_id><start>2024-01-01 00:00:00</start></session></result>',
    );
    expect(mapSessions(root).map((s) => s.sessionId)).toEqual(["1", "2"]);
  });
});

describe("utcMillis", () => {
  it("reads N-sight date-times as UTC and rejects sentinels and impossible dates", () => {
    expect(utcMillis("2013-03-17 00:06:57")).toBe(Date.UTC(2013, 2, 17, 0, 6, 57));
    expect(utcMillis("0000-00-00 00:00:00")).toBeNaN();
    expect(utcMillis("2024-02-31 00:00:00")).toBeNaN();
    expect(utcMillis("2024-01-01")).toBeNaN();
    expect(utcMillis(undefined)).toBeNaN();
  });
});
