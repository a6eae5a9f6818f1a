import { describe, expect, it } from "vitest";
import { decodeXmlBytes, UnsupportedEncodingError, XmlTextDecoder } from "./decode";

const latin1 = (s: string) => new Uint8Array(Buffer.from(s, "latin1"));
const utf8 = (s: string) => new Uint8Array(Buffer.from(s, "utf8"));

describe("decodeXmlBytes", () => {
  it("decodes ISO-8859-1 as declared, so accented names survive", () => {
    const bytes = latin1('<?xml version="1.0" encoding="ISO-8859-1"?><r>Zürich Genève Müller</r>');
    expect(bytes.includes(0xfc)).toBe(true);
    expect(decodeXmlBytes(bytes)).toContain("Zürich Genève Müller");
  });

  it("reads ISO-8859-1 as windows-1252, as browsers do, so the euro sign and curly quotes survive", () => {
    // Bytes as N-sight sends them: 0x80 is the euro sign, 0x93/0x94 curly double quotes, 0x96 an en dash.
    const bytes = new Uint8Array([...latin1('<?xml version="1.0" encoding="ISO-8859-1"?><r>'), 0x93, 0x31, 0x30, 0x20, 0x80, 0x94, 0x20, 0x96, 0x20, 0xfc, ...latin1("</r>")]);
    expect(decodeXmlBytes(bytes)).toContain("<r>\u201c10 \u20ac\u201d \u2013 \u00fc</r>");
    expect(decodeXmlBytes(latin1("<r>\x80</r>"), "text/xml; charset=iso-8859-1")).toBe("<r>\u20ac</r>");
    expect(decodeXmlBytes(latin1('<?xml version="1.0" encoding="windows-1252"?><r>\x99</r>'))).toContain("<r>\u2122</r>");
    expect(decodeXmlBytes(latin1('<?xml version="1.0" encoding="ISO-8859-1"?><r>\x81\x8d\x8f\x90\x9d</r>'))).toContain("<r>\x81\x8d\x8f\x90\x9d</r>");
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

describe("XmlTextDecoder (a body decoded as it arrives)", () => {
  const declared = '<?xml version="1.0" encoding="ISO-8859-1"?>';
  const cases: [string, Uint8Array, string | null][] = [
    ["windows-1252 with C1 bytes", new Uint8Array([...latin1(`${declared}<r>`), 0x80, 0x93, 0xfc, 0x94, ...latin1(`${" x".repeat(200)}</r>`)]), null],
    ["UTF-8 with multi-byte sequences", utf8(`<?xml version="1.0" encoding="UTF-8"?><r>Zürich € 𝄞 ${"ä".repeat(150)}</r>`), null],
    ["a UTF-8 byte-order mark", new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(`<r>Genève ${"é".repeat(150)}</r>`)]), null],
    ["an undeclared UTF-8 body", utf8(`<r>${"Genève ".repeat(60)}</r>`), null],
    ["an undeclared windows-1252 body", latin1(`<r>${"Genève ".repeat(60)}</r>`), null],
    ["a Content-Type charset", latin1(`<r>${"Genève \x80 ".repeat(60)}</r>`), "text/xml; charset=ISO-8859-1"],
    ["a short body", latin1("<r>\x80</r>"), "text/xml; charset=ISO-8859-1"],
  ];

  it.each(cases)("gives exactly the whole-body decoding for %s, split at every byte", (_label, bytes, contentType) => {
    const whole = decodeXmlBytes(bytes, contentType);
    for (let cut = 0; cut <= bytes.byteLength; cut++) {
      const decoder = new XmlTextDecoder(contentType);
      const text = decoder.write(bytes.subarray(0, cut)) + decoder.write(bytes.subarray(cut)) + decoder.end();
      expect(text, `cut at ${cut}`).toBe(whole);
    }
  });

  it("gives the same text for a body arriving one byte at a time", () => {
    const [, bytes] = cases[1]!;
    const decoder = new XmlTextDecoder();
    let text = "";
    for (let i = 0; i < bytes.byteLength; i++) text += decoder.write(bytes.subarray(i, i + 1));
    expect(text + decoder.end()).toBe(decodeXmlBytes(bytes));
  });

  it("refuses what decodeXmlBytes refuses", () => {
    const bad = (bytes: Uint8Array) => () => {
      const decoder = new XmlTextDecoder();
      decoder.write(bytes);
      decoder.end();
    };
    expect(bad(latin1(`<?xml version="1.0" encoding="EBCDIC"?><r>${" ".repeat(300)}</r>`))).toThrow(UnsupportedEncodingError);
    expect(bad(latin1(`<?xml version="1.0" encoding="UTF-8"?><r>Zürich${" ".repeat(300)}</r>`))).toThrow(TypeError);
    expect(bad(new Uint8Array([0xfe, 0xff, 0, 0x3c]))).toThrow(UnsupportedEncodingError);
  });
});
