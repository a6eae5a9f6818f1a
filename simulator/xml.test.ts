import { describe, expect, it } from "vitest";
import { decodeXmlBytes } from "../lib/nsight/decode";
import { childElements, readXml } from "../lib/nsight/xml";
import { cdata, containerElement, encodeLatin1, escapeXml, plainElement, resultDocument, textElement } from "./xml";

describe("xml writer", () => {
  it("wraps free text in CDATA and splits ]]>", () => {
    expect(textElement("name", "Smith & Sons <Plumbing>")).toBe("<name><![CDATA[Smith & Sons <Plumbing>]]></name>");
    expect(cdata("a]]>b")).toBe("<![CDATA[a]]]]><![CDATA[>b]]>");
    const parsed = readXml(`<r>${textElement("name", "x]]>y]]>")}</r>`);
    expect(parsed.children[0]?.text).toBe("x]]>y]]>");
  });

  it("self-closes empty scalars and empty lists", () => {
    expect(textElement("timezone", "")).toBe("<timezone/>");
    expect(plainElement("guid", "")).toBe("<guid/>");
    expect(containerElement("items", "")).toBe("<items/>");
    expect(containerElement("items", "<a/>")).toBe("<items><a/></items>");
  });

  it("writes numbers, ids and flags as plain text", () => {
    expect(plainElement("selection_size", 132579334528)).toBe("<selection_size>132579334528</selection_size>");
    expect(plainElement("mob", true)).toBe("<mob>1</mob>");
    expect(plainElement("online", false)).toBe("<online>0</online>");
    expect(plainElement("clientid", "100001")).toBe("<clientid>100001</clientid>");
  });

  it("writes text beyond ISO-8859-1 as escaped text with numeric references, not CDATA", () => {
    expect(textElement("name", "LT-\u202eHTIMSJ")).toBe("<name>LT-&#x202E;HTIMSJ</name>");
    expect(textElement("name", "A&B \u202e <x> 😀")).toBe("<name>A&amp;B &#x202E; &lt;x&gt; &#x1F600;</name>");
    expect(escapeXml('"quoted"')).toBe("&quot;quoted&quot;");
    expect(textElement("name", "a\u0001b")).toBe("<name><![CDATA[ab]]></name>");
  });

  it("encodes ISO-8859-1 bytes and refuses unescaped characters above U+00FF", () => {
    const bytes = encodeLatin1(textElement("name", "Zürich"));
    expect([...bytes.subarray(bytes.indexOf("Z"), bytes.indexOf("Z") + 6)]).toEqual([0x5a, 0xfc, 0x72, 0x69, 0x63, 0x68]);
    expect(() => encodeLatin1("\u202e")).toThrow();
  });

  it("round-trips through the app's strict reader", () => {
    const names = ["Müller Bau GmbH", '<script>alert("x")</script> Labs', '"><img src=x onerror=alert(1)>', "LT-\u202eHTIMSJ", "a]]>b", "Genève Santé SA"];
    const doc = resultDocument(
      "2026-11-27T01:00:00-06:00",
      'evil"<host>',
      "OK",
      containerElement("items", names.map((n) => `<client>${textElement("name", n)}</client>`).join("")),
    );
    expect(doc.startsWith('<?xml version="1.0" encoding="ISO-8859-1"?>\n<result created="2026-11-27T01:00:00-06:00"')).toBe(true);
    const root = readXml(decodeXmlBytes(encodeLatin1(doc)));
    expect(root.attrs?.host).toBe('evil"<host>');
    const items = childElements(root, "items")[0];
    expect(items ? childElements(items, "client").map((c) => c.children[0]?.text) : []).toEqual(names);
  });
});
