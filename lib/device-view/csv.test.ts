import { describe, expect, it } from "vitest";
import type { BackupSession } from "../types";
import { csvCell, fileSlug, sessionsToCsv } from "./csv";

describe("csvCell", () => {
  it.each([
    ["=SUM(A1:A9)", "'=SUM(A1:A9)"],
    ["+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"],
    ["-2+3", "'-2+3"],
    ["@SUM(1)", "'@SUM(1)"],
    ["\t=1", "'\t=1"],
    ["\r=1", "\"'\r=1\""],
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ["-42", "-42"],
    ["-4.5", "-4.5"],
    ["+42", "'+42"],
    ["FILE_SYSTEM", "FILE_SYSTEM"],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["two\nlines", '"two\nlines"'],
    ["a=b", "a=b"],
    ["", ""],
  ])("%j → %j", (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it("writes numbers as they are, and nothing for null or non-finite numbers", () => {
    expect(csvCell(-1)).toBe("-1");
    expect(csvCell(132579334528)).toBe("132579334528");
    expect(csvCell(null)).toBe("");
    expect(csvCell(Number.NaN)).toBe("");
    expect(csvCell(Number.POSITIVE_INFINITY)).toBe("");
  });
});

describe("sessionsToCsv", () => {
  const session: BackupSession = {
    sessionId: "12345",
    type: "BACKUP",
    storageAccountId: "139",
    plugin: "=1+1",
    start: "2026-03-29T00:30:00Z",
    end: "2026-03-29T01:30:00Z",
    durationSeconds: 3600,
    selectionSize: 1000,
    selectionItemCount: 22,
    sizeChange: 0,
    itemCountChange: 2,
    removedItemCount: null,
    processedSize: 1000,
    processedItemCount: 22,
    transferredSize: 955,
    errorCount: 0,
    status: "COMPLETED",
    unknownValues: ["plugin"],
  };

  it("names the local columns after the zone, guards every cell and ends lines with CRLF", () => {
    const [header, row, end, ...rest] = sessionsToCsv([session], "Europe/Berlin").split("\r\n");
    expect(header).toBe(
      "session_id,type,plugin,status,start_utc,end_utc,start_Europe_Berlin,end_Europe_Berlin,duration_seconds,selection_size_bytes,selection_item_count,size_change_bytes,item_count_change,removed_item_count,processed_size_bytes,processed_item_count,transferred_size_bytes,error_count,storage_account_id",
    );
    // Berlin leaves CET for CEST at 01:00 UTC that night: 00:30 UTC is 01:30, 01:30 UTC is 03:30.
    expect(row).toBe(
      `12345,BACKUP,'=1+1,COMPLETED,2026-03-29T00:30:00Z,2026-03-29T01:30:00Z,"29 Mar 2026, 01:30:00","29 Mar 2026, 03:30:00",3600,1000,22,0,2,,1000,22,955,0,139`,
    );
    expect(end).toBe("");
    expect(rest).toEqual([]);
  });
});

describe("fileSlug", () => {
  it.each([
    ["Müller Bau GmbH", "Muller-Bau-GmbH"],
    ['"><img src=x onerror=alert(1)>', "img-src-x-onerror-alert-1"],
    ["../../etc/passwd", "etc-passwd"],
    ["", "device"],
    ["日本", "device"],
  ])("%j → %j", (name, expected) => {
    expect(fileSlug(name)).toBe(expected);
  });
});
