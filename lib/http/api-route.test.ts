import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ConfigError } from "../config";
import { NsightError, type NsightErrorKind } from "../nsight/errors";
import { apiRoute, errorResponse, RequestError } from "./api-route";

const LEAK = "apikey=0123456789abcdef <html>Cloudflare Ray ID</html> at Object.<anonymous> (/srv/app/lib/x.ts:1:1)";

beforeEach(() => {
  vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  vi.spyOn(process.stderr, "write").mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

async function answer(response: Response) {
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as unknown, text, retryAfter: response.headers.get("retry-after") };
}

describe("errorResponse", () => {
  it.each<[NsightErrorKind, number, string]>([
    ["not_found", 404, "not_found"],
    ["auth", 502, "upstream_auth"],
    ["bad_response", 502, "bad_upstream"],
    ["bad_request", 502, "bad_upstream"],
    ["unavailable", 503, "unavailable"],
    ["throttled", 503, "throttled"],
    ["busy", 503, "busy"],
    ["timeout", 504, "timeout"],
  ])("maps an N-sight %s failure to HTTP %i with code %s and our own words only", async (kind, status, code) => {
    const error = new NsightError(kind, "Our words for this failure.", { service: "list_mob_sessions", errorCode: 9, httpStatus: 500, diagnostic: LEAK });
    const got = await answer(errorResponse(error, "GET /test"));
    expect(got.status).toBe(status);
    expect(got.body).toEqual({ error: { code, message: "Our words for this failure." } });
    expect(got.retryAfter).toBeNull();
  });

  it("says when to come back, in whole seconds rounded up, when the failure knows", async () => {
    const throttled = await answer(errorResponse(new NsightError("throttled", "Slow down.", { retryAfterMs: 17_000 }), "GET /test"));
    expect(throttled).toMatchObject({ status: 503, retryAfter: "17" });
    const busy = await answer(errorResponse(new NsightError("busy", "Busy.", { retryAfterMs: 3_050 }), "GET /test"));
    expect(busy).toMatchObject({ status: 503, retryAfter: "4", body: { error: { code: "busy", message: "Busy." } } });
  });

  it("answers a bad request with 400 and the request's problem", async () => {
    const got = await answer(errorResponse(new RequestError("Invalid device id: expected a positive whole number."), "GET /test"));
    expect(got).toMatchObject({ status: 400, body: { error: { code: "bad_request", message: "Invalid device id: expected a positive whole number." } } });
  });

  it("answers a configuration problem with 500 and a pointer to the log, not the problem itself", async () => {
    const got = await answer(errorResponse(new ConfigError(`NSIGHT_SERVER is not a host name or URL: ${LEAK}`), "GET /test"));
    expect(got.status).toBe(500);
    expect(got.body).toEqual({ error: { code: "internal", message: "The dashboard is not configured correctly; see the server log." } });
  });

  it.each([
    Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:5432 ${LEAK}`), { code: "ECONNREFUSED" }),
    Object.assign(new Error(`the database system is starting up ${LEAK}`), { code: "57P03" }),
    new Error(`timeout exceeded when trying to connect ${LEAK}`),
    Object.assign(new Error(`database is locked ${LEAK}`), { code: "SQLITE_BUSY" }),
  ])("answers the dashboard's own database being unreachable with 503, a retry in 5 s and nothing of the error (%#)", async (thrown) => {
    const got = await answer(errorResponse(thrown, "GET /test"));
    expect(got).toMatchObject({ status: 503, retryAfter: "5" });
    expect(got.body).toEqual({ error: { code: "store_unavailable", message: "The dashboard's database cannot be reached right now. Try again in a moment." } });
  });

  it.each([new Error(LEAK), new TypeError(LEAK), LEAK, { stack: LEAK }, null])("answers anything unexpected with 500 and a generic sentence (%#)", async (thrown) => {
    const got = await answer(errorResponse(thrown, "GET /test"));
    expect(got.status).toBe(500);
    expect(got.body).toEqual({ error: { code: "internal", message: "Something went wrong on the server." } });
  });

  it("sends JSON that no browser or proxy keeps or sniffs", () => {
    const response = errorResponse(new NsightError("timeout", "Too slow."), "GET /test");
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("cache-control")).toBe("no-store");
  });
});

describe("apiRoute", () => {
  beforeEach(() => {
    vi.stubEnv("NSIGHT_DEMO", "1");
    vi.stubEnv("NSIGHT_SERVER", "http://127.0.0.1:9");
    vi.stubEnv("NSIGHT_API_KEY", "test-key");
  });
  afterEach(() => vi.unstubAllEnvs());

  const route = (handler: () => Promise<never>) =>
    apiRoute<{ deviceId: string }>({ route: "GET /api/devices/:deviceId/history", ids: ["deviceId"], query: ["from"], handler });
  const call = (GET: ReturnType<typeof route>, url: string, deviceId: string) => GET(new Request(url), { params: Promise.resolve({ deviceId }) });
  const never = () => Promise.reject(new Error("the handler must not run"));

  it.each([
    ["0", "", "Invalid device id: expected a positive whole number."],
    ["12a", "", "Invalid device id: expected a positive whole number."],
    ["1", "?to=x", "Unknown query parameter: to"],
    ["1", "?from=a&from=b", "Repeated query parameter: from"],
  ])("refuses device %j with query %j before the handler runs", async (deviceId, search, message) => {
    const got = await answer(await call(route(never), `http://localhost/api/devices/${deviceId}/test${search}`, deviceId));
    expect(got).toMatchObject({ status: 400, body: { error: { code: "bad_request", message } } });
  });

  it("maps what the handler throws in the same one place", async () => {
    const GET = route(() => Promise.reject(new NsightError("not_found", "N-sight does not know this id.", { diagnostic: LEAK })));
    const got = await answer(await call(GET, "http://localhost/api/devices/7/test", "7"));
    expect(got).toMatchObject({ status: 404, body: { error: { code: "not_found", message: "N-sight does not know this id." } } });
    expect(got.text).not.toContain("apikey");
  });

  it("answers 401 in our words when nobody is signed in (demo off), before the handler runs", async () => {
    vi.stubEnv("NSIGHT_DEMO", "0");
    const got = await answer(await call(route(never), "http://localhost/api/devices/7/test", "7"));
    expect(got).toMatchObject({ status: 401, body: { error: { code: "unauthenticated", message: "Sign in to use this API." } } });
  });

  it("refuses a state change sent from another site, before the handler runs", async () => {
    const POST = route(never);
    const request = new Request("http://localhost/api/devices/7/test", { method: "POST", headers: { origin: "https://evil.example" } });
    const got = await answer(await POST(request, { params: Promise.resolve({ deviceId: "7" }) }));
    expect(got).toMatchObject({ status: 403, body: { error: { code: "forbidden" } } });
  });

  it("builds no route without a row in lib/auth/routes.ts, or at odds with it", () => {
    const handler = never;
    expect(() => apiRoute({ route: "GET /api/new-thing", ids: [], handler })).toThrow("GET /api/new-thing has no row in lib/auth/routes.ts");
    expect(() => apiRoute({ route: "GET /api/clients", ids: [], capability: "audit.read", handler })).toThrow("lib/auth/routes.ts says client.read");
  });

  it("hands the handler the principal", async () => {
    let seen: unknown;
    const GET = apiRoute<{ deviceId: string }>({ route: "GET /api/clients", ids: [], handler: async ({ principal }) => ((seen = principal), { data: 1, fetchedAt: 0, stale: false }) });
    expect((await GET(new Request("http://localhost/t"), { params: Promise.resolve({ deviceId: "1" }) })).status).toBe(200);
    expect(seen).toEqual({ kind: "demo" });
  });
});
