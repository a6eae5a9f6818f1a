import { describe, expect, it } from "vitest";
import { JSON_OBJECT, readJsonBody } from "./json-body";

const post = (body: string, contentType = "application/json") => new Request("http://127.0.0.1/api/x", { method: "POST", headers: { "Content-Type": contentType }, body });

describe("readJsonBody", () => {
  it("hands over a JSON object whose fields the handler checks itself", async () => {
    expect(await readJsonBody(post('{"deviceId":"3000001","expiresInDays":7}'), JSON_OBJECT)).toEqual({ deviceId: "3000001", expiresInDays: 7 });
  });

  it("refuses what is not a JSON object, not JSON, or not sent as JSON, with our words", async () => {
    await expect(readJsonBody(post("[1,2]"), JSON_OBJECT)).rejects.toThrow(/^Invalid body/);
    await expect(readJsonBody(post("{"), JSON_OBJECT)).rejects.toThrow("The request body is not valid JSON.");
    await expect(readJsonBody(post("{}", "text/plain"), JSON_OBJECT)).rejects.toThrow("Send a JSON body");
  });

  it("refuses a body over 64 KiB before parsing it, whatever Content-Length says", async () => {
    const big = JSON.stringify({ view: "x".repeat(70_000) });
    await expect(readJsonBody(post(big), JSON_OBJECT)).rejects.toThrow("The request body is too large.");
  });
});
