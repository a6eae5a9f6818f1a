import { describe, expect, it } from "vitest";
import { acceptsGzip, precompressedHeaderRules } from "./precompressed.mjs";

const CASES: [string | null, boolean][] = [
  ["gzip, deflate, br, zstd", true],
  ["gzip", true],
  ["deflate, gzip", true],
  ["br,gzip;q=0.5", true],
  ["gzip;q=1.0, identity; q=0.5", true],
  ["gzip;q=0", false],
  ["gzip; q=0.000, br", false],
  ["br, zstd", false],
  ["x-gzip", false],
  ["identity", false],
  ["", false],
  [null, false],
];

describe("acceptsGzip", () => {
  it.each(CASES)("%j → %s", (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });

  it("agrees with the label next.config.mjs applies (Next anchors `has` patterns)", () => {
    const labelled = precompressedHeaderRules().filter((rule) => rule.headers.some((h) => h.key === "Content-Encoding" && h.value === "gzip"));
    expect(labelled.length).toBeGreaterThan(0);
    for (const rule of labelled) {
      const condition = rule.has?.find((h) => h.key === "accept-encoding");
      expect(condition).toBeDefined();
      const nextMatch = (header: string | null) => header !== null && new RegExp(`^${condition!.value}$`).test(header);
      for (const [header] of CASES) expect(nextMatch(header)).toBe(acceptsGzip(header));
    }
  });
});
