import { describe, expect, it } from "vitest";
import { decodeXmlBytes, UnsupportedEncodingError } from "./decode";

const latin1 = (s: string) => new Uint8Array(Buffer.from(s, "latin1"));
const utf8 = (s: string) => new Uint8Array(Buffer.from(s, "utf8"));

describe("decodeXmlBytes", () => {
  it("decodes ISO-8859-1 as declared, so accented names survive", () => {
    const bytes = latin1('<?xml version="1.0" encoding="ISO-8859-1"?><r>Zürich Genève Müller</r>');
    expect(bytes.includes(0xfc)).toBe(true);
    expect(decodeXmlBytes(bytes)).toContain("Zürich Genève Müller");
  });

  it("prefers the XML declaration over a contradicting Content-Type", () => {
    const bytes = latin1('<?xml version="1.0" encoding="ISO-8859-1"?><r>Zürich</r>');
    expect(decodeXmlBytes(bytes, "application/xml; charset=utf-8")).toContain("Zürich");
  });

  it("falls back to the Content-Type charset, then to UTF-8", () => {
    expect(decodeXmlBytes(latin1("<r>Genève</r>"), "text/xml; charset=ISO-8859-1")).toBe("<r>Genève</r>");
    expect(decodeXmlBytes(utf8("<r>Genève</r>"), "application/xml")).toBe("<r>Genève</r>");
  });

  it("reads undeclared bytes that are not UTF-8 as ISO-8859-1", () => {
    expect(decodeXmlBytes(latin1('<?xml version="1.0" ?><r>Genève</r>'))).toContain("<r>Genève</r>");
  });

  it("strips a UTF-8 byte-order mark", () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8("<r>Zürich</r>")]);
    expect(decodeXmlBytes(bytes)).toBe("<r>Zürich</r>");
  });

  it("rejects UTF-16, unknown encodings and invalid UTF-8", () => {
    expect(() => decodeXmlBytes(new Uint8Array([0xff, 0xfe, 0x3c, 0x00]))).toThrow(UnsupportedEncodingError);
    expect(() => decodeXmlBytes(latin1('<?xml version="1.0" encoding="EBCDIC"?><r/>'))).toThrow(UnsupportedEncodingError);
    expect(() => decodeXmlBytes(latin1('<?xml version="1.0" encoding="UTF-8"?><r>Zürich</r>'))).toThrow(TypeError);
  });
});
