import { describe, expect, it } from "vitest";
import { parseClientFilter } from "./client-filter";

describe("parseClientFilter", () => {
  it("answers every client when absent, and the set asked for otherwise", () => {
    expect(parseClientFilter(null)).toBeUndefined();
    expect(parseClientFilter("100001,100004,")).toEqual(new Set(["100001", "100004"]));
  });

  it("refuses an empty list, a non-id and more than 500 ids", () => {
    for (const value of ["", ",", "100001,abc", "1e5", Array.from({ length: 501 }, (_, i) => String(100000 + i)).join(",")]) {
      expect(() => parseClientFilter(value), value.slice(0, 20)).toThrow(/Invalid clients/);
    }
  });
});
