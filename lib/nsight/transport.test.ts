import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpStub, type HttpStub } from "../testing/http-stub";
import { NsightError } from "./errors";
import { decodeXmlBytes } from "./decode";
import { buildRequestUrl, readNsightAnswer, requestNsight, type TransportOptions } from "./transport";

const KEY = "0123456789abcdef0123456789abcdef";
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

let stub: HttpStub;
let options: TransportOptions;

beforeAll(async () => {
  stub = await startHttpStub();
  options = { baseUrl: stub.url, apiKey: KEY, timeoutMs: 1_000, maxBodyBytes: 64 * 1024, userAgent: "test-agent/1.0" };
});
afterAll(() => stub.close());

function xml(body: Buffer | string, status = 200, contentType = "application/xml") {
  stub.handle((_req, res) => {
    res.writeHead(status, { "Content-Type": contentType });
    res.end(body);
  });
}

async function failure(promise: Promise<unknown>): Promise<NsightError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(NsightError);
    const e = error as NsightError;
    expect(JSON.stringify({ ...e, message: e.message, stack: e.stack })).not.toContain(KEY);
    return e;
  }
  throw new Error("expected a failure");
}

describe("buildRequestUrl", () => {
  it("puts apikey then service first, under /api/, keeping a base path", () => {
    const url = buildRequestUrl({ baseUrl: new URL("https://www.systemmonitor.us"), apiKey: "k" }, "list_mob_sessions", { deviceid: "3000001" });
    expect(url.href).toBe("https://www.systemmonitor.us/api/?apikey=k&service=list_mob_sessions&deviceid=3000001");
    const prefixed = buildRequestUrl({ baseUrl: new URL("http://127.0.0.1:4010/nsight"), apiKey: "k" }, "list_clients", {});
    expect(prefixed.href).toBe("http://127.0.0.1:4010/nsight/api/?apikey=k&service=list_clients");
  });
});

describe("requestNsight", () => {
  it("sends a User-Agent and Accept header and returns the parsed <result>", async () => {
    xml(fixture("list_clients.xml"), 200, "application/xml; charset=ISO-8859-1");
    const answer = await requestNsight(options, "list_clients", {});
    expect(answer.result.name).toBe("result");
    const last = stub.requests.at(-1)!;
    expect(last.headers["user-agent"]).toBe("test-agent/1.0");
    expect(last.headers.accept).toContain("application/xml");
    expect(last.url).toBe(`/api/?apikey=${KEY}&service=list_clients`);
  });

  it.each([
    ["fail_login.xml", "auth", 3],
    ["fail_invalid_api_key.xml", "auth", 2],
    ["fail_invalid_value.xml", "not_found", 4],
    ["fail_missing_parameter.xml", "bad_request", 5],
    ["fail_service_unknown.xml", "bad_response", 1],
    ["fail_without_code.xml", "bad_response", undefined],
  ])("maps %s to a typed %s error", async (file, kind, code) => {
    xml(fixture(file));
    const error = await failure(requestNsight(options, "list_mob_sessions", { deviceid: "1" }));
    expect(error.kind).toBe(kind);
    expect(error.errorCode).toBe(code);
    expect(error.message).not.toMatch(/Invalid value for parameter|Duplicate name/);
  });

  it("maps the WAF's 403 HTML page to an auth failure without relaying the page", async () => {
    xml(fixture("waf_403.html"), 403, "text/html");
    const error = await failure(requestNsight(options, "list_clients", {}));
    expect(error.kind).toBe("auth");
    expect(error.httpStatus).toBe(403);
    expect(error.message).not.toContain("Cloudflare");
  });

  it("refuses an HTML page served with 200", async () => {
    xml(fixture("waf_403.html"), 200, "text/html; charset=utf-8");
    expect((await failure(requestNsight(options, "list_clients", {}))).kind).toBe("bad_response");
  });

  it("refuses an HTML body that claims to be XML", async () => {
    xml("<html><body>Maintenance</body></html>");
    expect((await failure(requestNsight(options, "list_clients", {}))).kind).toBe("bad_response");
  });

  it("maps 429 to throttled with the Retry-After delay, and 5xx to unavailable", async () => {
    stub.handle((_req, res) => {
      res.writeHead(429, { "Retry-After": "17" });
      res.end();
    });
    const throttled = await failure(requestNsight(options, "list_clients", {}));
    expect(throttled).toMatchObject({ kind: "throttled", retryAfterMs: 17_000 });
    xml("oops", 503, "text/plain");
    expect((await failure(requestNsight(options, "list_clients", {}))).kind).toBe("unavailable");
  });

  it("maps other HTTP statuses, an empty 200, and truncated or malformed XML to bad_response", async () => {
    xml("", 404);
    expect((await failure(requestNsight(options, "list_clients", {}))).kind).toBe("bad_response");
    xml("");
    expect((await failure(requestNsight(options, "list_clients", {}))).kind).toBe("bad_response");
    const full = fixture("list_mob_sessions.xml");
    xml(full.subarray(0, full.length - 40));
    expect((await failure(requestNsight(options, "list_mob_sessions", { deviceid: "1" }))).message).toMatch(/cut off/);
    xml('<result status="OK"><session></result>');
    expect((await failure(requestNsight(options, "list_mob_sessions", { deviceid: "1" }))).kind).toBe("bad_response");
  });

  it("refuses a <result> that does not say OK, and a different root", async () => {
    xml('<result status="MAYBE"><items/></result>');
    expect((await failure(requestNsight(options, "list_clients", {}))).kind).toBe("bad_response");
    xml("<settings/>");
    expect((await failure(requestNsight(options, "list_clients", {}))).kind).toBe("bad_response");
  });

  it("refuses bodies over the size cap, declared or streamed", async () => {
    const big = Buffer.alloc(options.maxBodyBytes + 1, 32);
    xml(big);
    expect((await failure(requestNsight(options, "list_clients", {}))).message).toMatch(/larger/);
    stub.handle((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/xml" });
      for (let i = 0; i < 80; i++) res.write(Buffer.alloc(1024, 32));
      res.end();
    });
    expect((await failure(requestNsight(options, "list_clients", {}))).message).toMatch(/larger/);
  });

  it("times out on an upstream that never answers, or stops mid-body", async () => {
    stub.handle(() => undefined);
    expect((await failure(requestNsight({ ...options, timeoutMs: 200 }, "list_clients", {}))).kind).toBe("timeout");
    stub.handle((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/xml" });
      res.write("<result status=\"OK\">");
    });
    expect((await failure(requestNsight({ ...options, timeoutMs: 200 }, "list_clients", {}))).kind).toBe("timeout");
  });

  it("maps a reset connection and a refused one to unavailable, without the key in the diagnostic", async () => {
    stub.handle((req) => req.socket.destroy());
    const reset = await failure(requestNsight(options, "list_clients", {}));
    expect(reset.kind).toBe("unavailable");
    const refused = await failure(requestNsight({ ...options, baseUrl: new URL("http://127.0.0.1:1") }, "list_clients", {}));
    expect(refused.kind).toBe("unavailable");
    expect(refused.diagnostic ?? "").not.toContain(KEY);
  });

  it("hands the text to its reader while the body arrives, not only after the last byte", async () => {
    const full = fixture("list_mob_sessions.xml");
    let sendRest = () => undefined as void;
    stub.handle((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/xml; charset=ISO-8859-1" });
      res.write(full.subarray(0, 400));
      sendRest = () => res.end(full.subarray(400));
    });
    // The rest is sent only once the reader has seen the first part.
    const pieces: string[] = [];
    const reader = {
      write: (text: string) => {
        if (pieces.push(text) === 1) sendRest();
      },
      end: () => pieces.join(""),
    };
    const answer = await readNsightAnswer(options, "list_mob_sessions", { deviceid: "1" }, reader);
    expect(pieces.length).toBeGreaterThan(1);
    expect(answer).toEqual({ value: decodeXmlBytes(full), bytes: full.byteLength });
  });

  it("hands a large network chunk to its reader in pieces of at most 16 KiB, so one step of reading blocks nobody for long", async () => {
    const body = Buffer.from(`<?xml version="1.0"?><result status="OK">${"<session><session_id>1</session_id></session>".repeat(1_300)}</result>`, "latin1");
    stub.handle((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/xml; charset=ISO-8859-1" });
      res.end(body);
    });
    const pieces: string[] = [];
    const reader = { write: (text: string) => void pieces.push(text), end: () => pieces.join("") };
    const answer = await readNsightAnswer(options, "list_mob_sessions", { deviceid: "1" }, reader);
    expect(answer.value).toBe(body.toString("latin1"));
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThanOrEqual(16 * 1024);
  });

  it("refuses to follow a redirect", async () => {
    stub.handle((_req, res) => {
      res.writeHead(302, { Location: "http://169.254.169.254/latest/meta-data/" });
      res.end();
    });
    expect((await failure(requestNsight(options, "list_clients", {}))).kind).toBe("bad_response");
  });
});
