import { describe, expect, it } from "vitest";
import { compareValues, firstParam, matchesFilter, parseListView, sortBy, withParams } from "./list-view";

const KEYS = ["name", "devices", "lastBackup"] as const;

describe("parseListView", () => {
  it("reads the filter, sort and direction", () => {
    expect(parseListView({ q: "acme", sort: "devices", dir: "desc" }, KEYS, "name")).toEqual({ q: "acme", sort: "devices", dir: "desc" });
  });

  it("falls back to the defaults for anything unknown, and keeps the first of repeated values", () => {
    expect(parseListView({}, KEYS, "name")).toEqual({ q: "", sort: "name", dir: "asc" });
    expect(parseListView({ sort: "__proto__", dir: "sideways" }, KEYS, "name")).toEqual({ q: "", sort: "name", dir: "asc" });
    expect(parseListView({ q: ["first", "second"], sort: ["devices", "name"] }, KEYS, "name")).toEqual({ q: "first", sort: "devices", dir: "asc" });
  });

  it("cuts a long filter to 200 characters", () => {
    expect(parseListView({ q: "x".repeat(5_000) }, KEYS, "name").q).toHaveLength(200);
  });
});

describe("withParams", () => {
  it("changes, adds and removes keys, keeping the others", () => {
    expect(withParams({ q: "acme", sort: "name" }, { sort: "devices", dir: "desc" })).toBe("?q=acme&sort=devices&dir=desc");
    expect(withParams({ q: "acme", sort: "name" }, { q: undefined, sort: "" })).toBe("?");
    expect(withParams({ tag: ["a", "b"], empty: "" }, {})).toBe("?tag=a");
  });

  it("encodes what it writes", () => {
    expect(withParams({}, { q: "a&b=c", tz: "Europe/Berlin" })).toBe("?q=a%26b%3Dc&tz=Europe%2FBerlin");
  });
});

describe("firstParam", () => {
  it("takes a single value or the first of several", () => {
    expect(firstParam({ a: "1", b: ["2", "3"] }, "a")).toBe("1");
    expect(firstParam({ a: "1", b: ["2", "3"] }, "b")).toBe("2");
    expect(firstParam({}, "c")).toBeUndefined();
  });
});

describe("matchesFilter", () => {
  it("ignores case, accents and surrounding spaces, and matches any field", () => {
    expect(matchesFilter("  zurich ", "Büro Zürich")).toBe(true);
    expect(matchesFilter("ÉCOLE", null, "Ecole du Nord")).toBe(true);
    expect(matchesFilter("geneva", "Büro Zürich", undefined)).toBe(false);
    expect(matchesFilter("   ", "anything")).toBe(true);
  });
});

describe("compareValues and sortBy", () => {
  it("compares text as people read it: case-blind, numbers by value", () => {
    expect(compareValues("Server 2", "server 10")).toBeLessThan(0);
    expect(compareValues("alpha", "ALPHA")).toBe(0);
    expect(compareValues(3, 12)).toBeLessThan(0);
    expect(compareValues(false, true)).toBeLessThan(0);
  });

  it("keeps unknown values last in either direction", () => {
    const rows = [{ n: 2 }, { n: null }, { n: 10 }, { n: undefined }, { n: 1 }];
    const value = (row: { n: number | null | undefined }) => row.n;
    expect(sortBy(rows, { q: "", sort: "n", dir: "asc" }, value).map((r) => r.n)).toEqual([1, 2, 10, null, undefined]);
    expect(sortBy(rows, { q: "", sort: "n", dir: "desc" }, value).map((r) => r.n)).toEqual([10, 2, 1, null, undefined]);
    expect(rows.map((r) => r.n)).toEqual([2, null, 10, undefined, 1]);
  });
});
