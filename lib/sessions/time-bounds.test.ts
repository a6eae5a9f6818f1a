import { describe, expect, it } from "vitest";
import type { BackupSession } from "../types";
import { InvalidTimeBoundError, parseTimeBounds, sessionIndexRange, sessionsBetween } from "./time-bounds";

const at = (start: string | null) => ({ sessionId: start ?? "undated", start }) as BackupSession;
const SESSIONS = [at("2026-11-01T00:00:00Z"), at("2026-11-02T12:00:00Z"), at("2026-11-02T12:00:01Z"), at("2026-11-05T00:00:00Z"), at(null)];
const starts = (list: BackupSession[]) => list.map((s) => s.start);

describe("parseTimeBounds", () => {
  it("reads dates as UTC midnight and date-times with their offset", () => {
    expect(parseTimeBounds("2026-11-02", "2026-11-03T01:30:00+02:00")).toEqual({ fromMs: Date.parse("2026-11-02T00:00:00Z"), toMs: Date.parse("2026-11-02T23:30:00Z") });
    expect(parseTimeBounds(null, "2026-11-02T12:00:00.250Z")).toEqual({ fromMs: null, toMs: Date.parse("2026-11-02T12:00:00.250Z") });
    expect(parseTimeBounds(null, null)).toEqual({ fromMs: null, toMs: null });
  });

  it.each([
    ["yesterday", null],
    ["2026-11-02T12:00", null],
    ["2026-11-02T12:00:00", null],
    ["+010000-01-01", null],
    ["2026-02-30T00:00:00Z", null],
    ["2026-13-01", null],
    ["2026-02-29", null],
    ["2100-02-29T00:00:00Z", null],
  ])("refuses from=%s", (from, to) => {
    expect(() => parseTimeBounds(from, to)).toThrow(InvalidTimeBoundError);
  });

  it("accepts 29 February of a leap year", () => {
    expect(parseTimeBounds("2028-02-29", "2400-02-29T00:00:00Z")).toEqual({ fromMs: Date.parse("2028-02-29T00:00:00Z"), toMs: Date.parse("2400-02-29T00:00:00Z") });
  });

  it("refuses from after to, and says so", () => {
    expect(() => parseTimeBounds("2026-11-03", "2026-11-02")).toThrow("Invalid range: from is after to.");
  });
});

describe("sessionsBetween", () => {
  it("without bounds, returns every session, undated ones included", () => {
    expect(starts(sessionsBetween(SESSIONS, { fromMs: null, toMs: null }))).toEqual(starts(SESSIONS));
  });

  it("keeps starts in [from, to), leaving undated sessions out", () => {
    const bounds = { fromMs: Date.parse("2026-11-02T12:00:00Z"), toMs: Date.parse("2026-11-05T00:00:00Z") };
    expect(starts(sessionsBetween(SESSIONS, bounds))).toEqual(["2026-11-02T12:00:00Z", "2026-11-02T12:00:01Z"]);
    expect(starts(sessionsBetween(SESSIONS, { fromMs: null, toMs: Date.parse("2026-11-02T00:00:00Z") }))).toEqual(["2026-11-01T00:00:00Z"]);
    expect(starts(sessionsBetween(SESSIONS, { fromMs: Date.parse("2026-11-03T00:00:00Z"), toMs: null }))).toEqual(["2026-11-05T00:00:00Z"]);
  });

  it("compares bounds between whole seconds correctly", () => {
    const justAfter = Date.parse("2026-11-02T12:00:00.001Z");
    expect(starts(sessionsBetween(SESSIONS, { fromMs: justAfter, toMs: null }))).toEqual(["2026-11-02T12:00:01Z", "2026-11-05T00:00:00Z"]);
    expect(starts(sessionsBetween(SESSIONS, { fromMs: null, toMs: justAfter }))).toEqual(["2026-11-01T00:00:00Z", "2026-11-02T12:00:00Z"]);
  });

  it("reads bounds beyond four-digit years as before or after every session", () => {
    const far = { fromMs: Date.parse("-000100-01-01T00:00:00Z"), toMs: Date.parse("+010000-01-01T00:00:00Z") };
    expect(starts(sessionsBetween(SESSIONS, far))).toEqual(starts(SESSIONS.slice(0, 4)));
    expect(sessionsBetween(SESSIONS, { fromMs: Date.parse("+010000-01-01T00:00:00Z"), toMs: null })).toEqual([]);
  });

  it("is empty for an empty window", () => {
    const t = Date.parse("2026-11-02T12:00:00Z");
    expect(sessionsBetween(SESSIONS, { fromMs: t, toMs: t })).toEqual([]);
    expect(sessionsBetween([], { fromMs: t, toMs: null })).toEqual([]);
  });
});

describe("sessionIndexRange", () => {
  it("gives bounds that select the same sessions the same indices", () => {
    const wholeDated = { lo: 0, hi: 4 };
    expect(sessionIndexRange(SESSIONS, { fromMs: Date.parse("0100-01-01T00:00:00Z"), toMs: Date.parse("9999-12-31T00:00:00Z") })).toEqual(wholeDated);
    expect(sessionIndexRange(SESSIONS, { fromMs: Date.parse("2000-01-01T00:00:00Z"), toMs: null })).toEqual(wholeDated);
    expect(sessionIndexRange(SESSIONS, { fromMs: Date.parse("2026-11-01T00:00:00Z"), toMs: Date.parse("2026-11-05T00:00:01Z") })).toEqual(wholeDated);
    expect(sessionIndexRange(SESSIONS, { fromMs: null, toMs: null })).toEqual({ lo: 0, hi: 5 });
  });
});
