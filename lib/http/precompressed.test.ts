import type { IncomingMessage } from "node:http";
import type { RouteHas } from "next/dist/lib/load-custom-routes";
import { matchHas } from "next/dist/shared/lib/router/utils/prepare-destination";
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

  it("agrees with how Next.js itself matches the label's `has` condition", () => {
    const labelled = precompressedHeaderRules().filter((rule) => rule.headers.some((h) => h.key === "Content-Encoding" && h.value === "gzip"));
    expect(labelled.length).toBeGreaterThan(0);
    for (const rule of labelled) {
      for (const [header] of CASES) {
        const request = { headers: header === null ? {} : { "accept-encoding": header } } as unknown as IncomingMessage;
        const labelledByNext = matchHas(request, {}, rule.has as RouteHas[]) !== false;
        expect(labelledByNext, `${rule.source} ${JSON.stringify(header)}`).toBe(acceptsGzip(header));
      }
    }
  });
});
