import { describe, expect, it } from "vitest";
import { canonicalZone } from "./zone-names";

describe("canonicalZone", () => {
  it("answers any case with the canonical spelling", () => {
    expect(canonicalZone("eUrOpE/bErLiN")).toBe("Europe/Berlin");
    expect(canonicalZone("america/argentina/buenos_aires")).toBe(canonicalZone("America/Argentina/Buenos_Aires"));
    expect(canonicalZone("utc")).toBe("UTC");
  });

  it("resolves aliases to the zone Intl names", () => {
    expect(canonicalZone("US/Eastern")).toBe("America/New_York");
    expect(canonicalZone("etc/gmt+5")).toBe("Etc/GMT+5");
  });

  it("refuses what is not a zone", () => {
    for (const name of ["", null, undefined, "Not/AZone", "+05:30", "Europe/Berlin\u0000", "../etc/passwd", `Europe/${"x".repeat(80)}`]) {
      expect(canonicalZone(name)).toBeNull();
    }
  });

  it("spells every listed zone as Intl does", () => {
    for (const zone of Intl.supportedValuesOf("timeZone")) {
      expect(canonicalZone(zone.toUpperCase())).toBe(zone);
    }
  });
});
