import { request as httpRequest } from "node:http";
import { expect, test } from "@playwright/test";
import { SCENARIO } from "../simulator/scenarios";
import { APP_URL } from "./support/env";
import { simulator } from "./support/simulator-control";
import { cookieHeader } from "./support/users";

const BAD_IDS = ["", "-1", "0", "00", "99999999999999999999", "abc", "1.5", "..", "%2f", "%2F..%2F", "%00", "1&service=add_client", "1%26apikey=x", "1%23x", "[deviceId]", "%5BdeviceId%5D", "1%20", "%E2%80%AE1", "１"];

const API_ROUTES = [
  (id: string) => `/api/devices/${id}/sessions`,
  (id: string) => `/api/devices/${id}/history`,
  (id: string) => `/api/devices/${id}/sessions/table`,
  (id: string) => `/api/devices/${id}/sessions/csv`,
  (id: string) => `/api/clients/${id}/sites`,
  (id: string) => `/api/clients/${id}/devices`,
  (id: string) => `/api/sites/${id}/devices`,
];

const PAGE_ROUTES = [(id: string) => `/devices/${id}`, (id: string) => `/clients/${id}`, (id: string) => `/clients/${id}/sites/200001`, (id: string) => `/clients/100001/sites/${id}`];

/** GET exactly this path: no normalisation of dots and slashes, no redirect followed. */
function raw(path: string): Promise<{ status: number; body: string; headers: Headers }> {
  const { hostname, port } = new URL(APP_URL);
  return new Promise((resolve, reject) => {
    const wire = path.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c));
    // As the signed-in administrator: what reaches N-sight, not who may ask, is tested here.
    const req = httpRequest({ hostname, port, path: wire, method: "GET", headers: { cookie: cookieHeader("admin") } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), headers });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

const ALLOWED_SERVICES = new Set(["list_clients", "list_sites", "list_servers", "list_workstations", "list_devices_at_client", "list_mob_sessions"]);
const ALLOWED_PARAMS = new Set(["apikey", "service", "deviceid", "clientid", "siteid", "devicetype"]);

test.describe("hostile visitors", () => {
  test("malformed ids on every API route get 400 or 404 as JSON, and only validated ids reach N-sight", async () => {
    const since = new Date().toISOString();
    for (const route of API_ROUTES) {
      for (const id of BAD_IDS.filter(Boolean)) {
        const path = route(id);
        const { status, body, headers } = await raw(path);
        expect([400, 404], path).toContain(status);
        expect(headers.get("content-type"), path).toContain("application/json");
        expect(JSON.parse(body).error.code, path).toMatch(/bad_request|not_found/);
        expect(body, path).not.toMatch(/at .*\(|node_modules|stack/i);
      }
    }
    for (const path of [`/api/devices/${SCENARIO.failingStreak}/sessions?from=2026-01-01&from=2026-02-01`, `/api/sites/200001/devices?clientId=1&clientId=2`, `/api/devices/${SCENARIO.failingStreak}/sessions?service=add_client`, "/api/devices/../sessions", "/api/devices/./1/sessions"]) {
      const { status } = await raw(path);
      expect([400, 404], path).toContain(status);
    }
    // Next.js redirects repeated slashes before any of our code runs; the target is then validated.
    const repeated: [string, string][] = [
      ["//api//devices//abc/sessions", "/api/devices/abc/sessions"],
      ["/api/devices//sessions", "/api/devices/sessions"],
    ];
    for (const [path, normalised] of repeated) {
      const { status, headers } = await raw(path);
      expect(status, path).toBe(308);
      expect(headers.get("location"), path).toBe(normalised);
      expect([400, 404], normalised).toContain((await raw(normalised)).status);
    }
    for (const request of await simulator.requestsSince(since)) {
      expect(ALLOWED_SERVICES.has(request.service ?? ""), JSON.stringify(request)).toBe(true);
      for (const [name, value] of Object.entries(request.params)) {
        expect(ALLOWED_PARAMS.has(name), name).toBe(true);
        if (name !== "apikey" && name !== "service" && name !== "devicetype") expect(value).toMatch(/^[1-9][0-9]*$/);
      }
    }
  });

  test("malformed ids in page URLs get a real 404", async () => {
    for (const route of PAGE_ROUTES) {
      // A literal ".." segment is resolved by URL parsing itself (/devices/.. is /).
      for (const id of BAD_IDS.filter((id) => id && id !== "..")) {
        const path = route(id);
        const { status, body } = await raw(path);
        expect(status, path).toBe(404);
        expect(body, path).toContain("not found");
      }
    }
  });

  test("no answer relays N-sight's headers or cookies, and pages carry the security headers", async () => {
    const api = await raw(`/api/devices/${SCENARIO.failingStreak}/sessions`);
    expect(api.status).toBe(200);
    expect(api.headers.get("set-cookie")).toBeNull();
    expect(api.headers.get("server")).not.toBe("cloudflare");
    expect(api.headers.get("x-content-type-options")).toBe("nosniff");
    expect(api.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");

    const page = await raw("/");
    expect(page.headers.get("set-cookie")).toBeNull();
    expect(page.headers.get("x-powered-by")).toBeNull();
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    expect(page.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-eval");
    const again = (await raw("/")).headers.get("content-security-policy");
    expect(again).not.toBe(csp);
  });

  test("names with markup or bidirectional overrides render as text everywhere", async ({ page }) => {
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    page.on("dialog", (dialog) => {
      errors.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    await page.goto(`/clients/${SCENARIO.markupClient}`);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText('<script>alert("x")</script> Labs');
    await expect(page.getByRole("link", { name: "LT-⟨U+202E⟩HTIMSJ" })).toBeVisible();
    await page.goto(`/devices/${SCENARIO.markupDevice}`);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText('"><img src=x onerror=alert(1)>');
    await expect(page.getByRole("navigation", { name: "Breadcrumb" })).toContainText('<script>alert("x")</script> Labs');
    await page.goto(`/noc?clients=${SCENARIO.markupClient}`);
    await expect(page.getByRole("heading", { level: 1 })).toContainText('<script>alert("x")</script> Labs');
    expect(await page.locator("img").count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
