import { NextRequest } from "next/server";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { proxy } from "./proxy";

const run = (path: string) => proxy(new NextRequest(`http://127.0.0.1:3000${path}`));

/** The CSP's directives by name. */
function directives(csp: string | null): Map<string, string> {
  expect(csp).toBeTruthy();
  return new Map(
    csp!.split(";").map((part) => {
      const [name, ...values] = part.trim().split(/\s+/);
      return [name!, values.join(" ")];
    }),
  );
}

beforeEach(() => vi.stubEnv("NODE_ENV", "production"));
afterEach(() => vi.unstubAllEnvs());

describe("proxy: Content-Security-Policy", () => {
  it("gives every page request a fresh nonce, the same one to Next.js and to the browser", () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const response = run("/devices/3000001");
      const policy = directives(response.headers.get("content-security-policy"));
      const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(policy.get("script-src") ?? "")?.[1];
      expect(nonce).toBeDefined();
      // At least 128 bits, as base64.
      expect(nonce!.length).toBeGreaterThanOrEqual(22);
      expect(policy.get("style-src")).toBe(`'self' 'nonce-${nonce}'`);
      // What the page's server code reads (Next.js forwards the overridden request headers).
      expect(response.headers.get("x-middleware-request-x-nonce")).toBe(nonce);
      expect(response.headers.get("x-middleware-request-content-security-policy")).toBe(response.headers.get("content-security-policy"));
      nonces.add(nonce!);
    }
    expect(nonces.size).toBe(50);
  });

  it("allows scripts by nonce only in production, and nothing from elsewhere", () => {
    const policy = directives(run("/").headers.get("content-security-policy"));
    expect(policy.get("script-src")).toMatch(/^'self' 'nonce-[^']+' 'strict-dynamic'$/);
    expect(policy.get("default-src")).toBe("'self'");
    expect(policy.get("connect-src")).toBe("'self'");
    expect(policy.get("object-src")).toBe("'none'");
    expect(policy.get("base-uri")).toBe("'self'");
    expect(policy.get("form-action")).toBe("'self'");
  });

  it("allows eval for next dev's tooling, and only there", () => {
    vi.stubEnv("NODE_ENV", "development");
    expect(directives(run("/").headers.get("content-security-policy")).get("script-src")).toContain("'unsafe-eval'");
  });
});

describe("proxy: framing from FRAME_ANCESTORS", () => {
  it("refuses every frame by default", () => {
    const response = run("/noc");
    expect(directives(response.headers.get("content-security-policy")).get("frame-ancestors")).toBe("'none'");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
  });

  it("allows the listed origins, comma- or space-separated, and then sends no X-Frame-Options", () => {
    vi.stubEnv("FRAME_ANCESTORS", " https://noc.example.com, https://wall.example.org:8443  'self' ");
    const response = run("/noc");
    expect(directives(response.headers.get("content-security-policy")).get("frame-ancestors")).toBe(
      "https://noc.example.com https://wall.example.org:8443 'self'",
    );
    expect(response.headers.get("x-frame-options")).toBeNull();
  });

  it.each(["*", "https://noc.example.com/path", "javascript:alert(1)", "https://ok.example.com; script-src *", "noc.example.com"])(
    "falls back to refusing frames for a malformed setting: %j",
    (value) => {
      vi.stubEnv("FRAME_ANCESTORS", value);
      const response = run("/noc");
      expect(directives(response.headers.get("content-security-policy")).get("frame-ancestors")).toBe("'none'");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
    },
  );
});

describe("proxy: malformed ids are a real 404", () => {
  it.each([
    "/devices/abc",
    "/devices/0",
    "/devices/-1",
    "/devices/12345678901234567890",
    "/devices/1%26service%3Dadd_client",
    "/devices/%E0%A4%A",
    "/devices/",
    "/clients/1.5",
    "/clients/100001/sites/x",
    "/clients/x/sites/200001",
  ])("page %s", (path) => {
    const response = run(path);
    expect(response.status).toBe(404);
    expect(new URL(response.headers.get("x-middleware-rewrite")!).pathname).toBe("/not-found");
  });

  it("an API path with an empty segment answers JSON 404 in our words", async () => {
    const response = run("/api//clients");
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: "not_found", message: "No such API route." } });
  });

  it.each(["/devices/3000001", "/devices/%33000001", "/clients/100001", "/clients/100001/sites/200001/", "/", "/noc"])(
    "lets well-formed page %s through",
    (path) => {
      const response = run(path);
      expect(response.status).toBe(200);
      expect(response.headers.get("x-middleware-rewrite")).toBeNull();
      expect(response.headers.get("x-middleware-next")).toBe("1");
    },
  );
});

describe("proxy: share links", () => {
  it("keeps a share link's address out of Referer headers, search engines and caches", () => {
    for (const path of ["/s/abc", "/s/abc/api/devices/1/history"]) {
      const response = run(path);
      expect(response.headers.get("referrer-policy"), path).toBe("no-referrer");
      expect(response.headers.get("x-robots-tag"), path).toBe("noindex");
      expect(response.headers.get("cache-control"), path).toBe("no-store");
    }
    expect(run("/devices/3000001").headers.get("x-robots-tag")).toBeNull();
  });
});
