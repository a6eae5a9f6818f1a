import { describe, expect, it } from "vitest";
import { childElement, childElements, decodeEntities, readXml, recordFields, XmlSyntaxError } from "./xml";

const COMPACT =
  '<?xml version="1.0" encoding="ISO-8859-1"?>\n<result created="2025-01-09T12:12:51-06:00" host="h" status="OK"><items><client><name><![CDATA[A & B <Ltd>]]></name><clientid>1</clientid><timezone/></client></items></result>';

describe("readXml", () => {
  it("reads a compact document with CDATA, attributes and self-closing elements", () => {
    const root = readXml(COMPACT);
    expect(root.name).toBe("result");
    expect(root.attrs).toEqual({ created: "2025-01-09T12:12:51-06:00", host: "h", status: "OK" });
    const client = childElement(childElement(root, "items")!, "client")!;
    expect(recordFields(client)).toEqual({ name: "A & B <Ltd>", clientid: "1", timezone: "" });
  });

  it("reads the same document indented, with comments and processing instructions", () => {
    const indented = `<?xml version="1.0" ?>
<!-- N-sight doc examples are indented -->
<result status="OK">
  <items>
    <client>
      <name>A &amp; B &lt;Ltd&gt;</name>
      <clientid> 1 </clientid>
      <timezone />
    </client>
  </items>
</result>
`;
    const client = childElement(childElement(readXml(indented), "items")!, "client")!;
    expect(recordFields(client)).toEqual({ name: "A & B <Ltd>", clientid: "1", timezone: "" });
  });

  it("decodes the predefined entities and legal numeric references", () => {
    expect(decodeEntities("&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&#x202E;")).toBe("<>&\"'AB\u202e");
    expect(readXml("<a x='&quot;1&quot;'>&#xE9;</a>").text).toBe("é");
  });

  it("keeps repeated elements in order and single ones as one-element lists", () => {
    const root = readXml("<result><s>1</s><t/><s>2</s></result>");
    expect(childElements(root, "s").map((s) => s.text)).toEqual(["1", "2"]);
    expect(childElements(root, "t")).toHaveLength(1);
    expect(childElements(root, "missing")).toEqual([]);
  });

  it("treats __proto__ and constructor elements as plain data without polluting prototypes", () => {
    const root = readXml("<result><__proto__><polluted>yes</polluted></__proto__><constructor>x</constructor></result>");
    const fields = recordFields(root);
    expect(fields.constructor).toBe("x");
    expect(Object.getPrototypeOf(fields)).toBeNull();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ["a DOCTYPE", '<!DOCTYPE r [<!ENTITY a "b">]><r>&a;</r>'],
    ["an external entity", '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'],
    ["an undefined entity", "<r>&nbsp;</r>"],
    ["a bare ampersand", "<r>Smith & Sons</r>"],
    ["an out-of-range code point", "<r>&#9999999;</r>"],
    ["a code point above U+10FFFF", "<r>&#x110000;</r>"],
    ["a NUL reference", "<r>&#0;</r>"],
    ["a surrogate reference", "<r>&#xD800;</r>"],
    ["mismatched tags", "<r><a>1</b></r>"],
    ["an unclosed root", "<r><a>1</a>"],
    ["two roots", "<r/><r/>"],
    ["text after the root", "<r/>junk"],
    ["text before the root", "junk<r/>"],
    ["an empty document", "   "],
    ["an unquoted attribute", "<r a=1/>"],
    ["a duplicate attribute", '<r a="1" a="2"/>'],
    ["an unterminated CDATA", "<r><![CDATA[abc</r>"],
    ["an unterminated comment", "<r><!-- abc</r>"],
    ["an end tag without start", "</r>"],
    ["a raw NUL", "<r>a\u0000b</r>"],
    ["a raw control character", "<r>\u0001</r>"],
    ["a raw control character in an attribute", '<r a="\u001b"/>'],
    ["a raw U+FFFE", "<r>\ufffe</r>"],
    ["a raw U+FFFF", "<r>\uffff</r>"],
  ])("rejects %s", (_label, xml) => {
    expect(() => readXml(xml)).toThrow(XmlSyntaxError);
  });

  it("accepts tab, newline, carriage return, C1 controls and astral characters written raw", () => {
    expect(readXml("<r>\t\n\r\u0085\u00a0\ud834\udd1e\ufffd</r>").text).toBe("\t\n\r\u0085\u00a0\ud834\udd1e\ufffd");
  });

  it("rejects nesting deeper than the limit", () => {
    const deep = "<a>".repeat(101) + "</a>".repeat(101);
    expect(() => readXml(deep)).toThrow(/Nesting deeper/);
    expect(readXml("<a>".repeat(10) + "</a>".repeat(10)).name).toBe("a");
  });

  it("rejects a real answer cut at every offset", () => {
    let accepted = 0;
    for (let cut = 0; cut < COMPACT.length; cut++) {
      try {
        readXml(COMPACT.slice(0, cut));
        accepted++;
      } catch (error) {
        expect(error).toBeInstanceOf(XmlSyntaxError);
      }
    }
    expect(accepted).toBe(0);
    expect(readXml(COMPACT).name).toBe("result");
  });
});
