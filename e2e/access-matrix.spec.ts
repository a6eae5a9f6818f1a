import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { APIRequestContext, APIResponse } from "@playwright/test";
import { CAPABILITY_TABLE } from "../lib/auth/capabilities";
import type { PrincipalClass } from "../lib/auth/principal";
import { API_ACCESS, expectedAccess, PAGE_ACCESS, type AccessOutcome, type RouteAccess } from "../lib/auth/routes";
import { SCENARIO } from "../simulator/scenarios";
import { authState, E2E_DATA_DIR, E2E_USERS, E2E_VIEWER_CLIENT, SIGNED_OUT } from "./support/env";
import { expect, test } from "./support/fixtures";

/**
 * The access matrix: every principal × every page (as HTML and as its RSC payload) and every
 * API route, each cell's status checked against what lib/auth/routes.ts and the capability
 * table say, and no other client's name in any body a principal limited to one client gets.
 * Pages and routes are listed from app/ at run time, so one without a row fails here.
 */

interface MatrixPrincipal {
  name: string;
  who: PrincipalClass | null;
  /** The clients it may see (no name of any other may reach it); null: all. */
  clients: readonly string[] | null;
  context: (baseURL: string) => Promise<APIRequestContext>;
}

/** A page or API route with its ids filled in: one row of the matrix. */
interface Instance {
  row: string;
  kind: "page" | "rsc" | "api";
  path: string;
  access: RouteAccess;
  /** The client the path names (directly or through its site or device); null: none. */
  client: string | null;
}

/**
 * Principal kinds of the capability table that have no row yet, and why. Share links and
 * displays are built on other branches: when their credentials can be created, add their
 * principals to PRINCIPALS and take them off this list.
 */
const NOT_YET: Partial<Record<PrincipalClass, string>> = {
  share: "share links are built on another branch; add a principal opening /s/{token} here",
  display: "displays are built on another branch; add a paired display's cookie here",
  no_role: "covered by the sign-in specs (a user without a role sees the no-access page)",
  demo: "the e2e app signs in for real; open demo mode is covered by the specs with their own app",
};

const APP_DIR = "app";

/** Path segments of app/ as the app spells them: route groups dropped, [id] → :id, [...path] → *path. */
function routePath(segments: string[]): string {
  const kept = segments.filter((s) => !/^\(.*\)$/.test(s)).map((s) => s.replace(/^\[\.\.\.(.+)\]$/, "*$1").replace(/^\[(.+)\]$/, ":$1"));
  return `/${kept.join("/")}`;
}

function* filesNamed(dir: string, name: string, segments: string[] = []): Generator<string[]> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) yield* filesNamed(join(dir, entry.name), name, [...segments, entry.name]);
    else if (entry.name === name) yield segments;
  }
}

/** Every page of the app, by path. */
function appPages(): string[] {
  return [...filesNamed(APP_DIR, "page.tsx")].map(routePath).sort();
}

/** Every API route of the app, as "METHOD path" ("*" when it answers every method alike). */
function apiRoutes(): string[] {
  const routes: string[] = [];
  for (const segments of filesNamed(join(APP_DIR, "api"), "route.ts")) {
    const path = routePath(["api", ...segments]);
    const source = readFileSync(join(APP_DIR, "api", ...segments, "route.ts"), "utf8");
    const methods = [...source.matchAll(/export (?:const|async function|function) (GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1]!);
    const all = ["GET", "POST", "PUT", "PATCH", "DELETE"].every((m) => methods.includes(m));
    if (all && API_ACCESS[`* ${path}`]) routes.push(`* ${path}`);
    else for (const method of methods) routes.push(`${method} ${path}`);
  }
  return routes.sort();
}

function tokenFor(email: string): string {
  const tsx = join("node_modules", ".bin", "tsx");
  const result = spawnSync(tsx, ["--conditions=react-server", "e2e/support/issue-api-token.ts", E2E_DATA_DIR, email, "access matrix"], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`issuing a token for ${email}: ${result.stderr || result.stdout}`);
  return result.stdout.trim().split("\n").at(-1)!;
}

interface ContextOptions {
  storageState: string | typeof SIGNED_OUT;
  extraHTTPHeaders?: Record<string, string>;
}
/** Set by the test from its Playwright instance. */
let requestContext: (baseURL: string, options: ContextOptions) => Promise<APIRequestContext>;
const signedInAs = (role: keyof typeof E2E_USERS) => (baseURL: string) => requestContext(baseURL, { storageState: authState(role) });

const PRINCIPALS: MatrixPrincipal[] = [
  { name: "admin", who: "admin", clients: null, context: signedInAs("admin") },
  { name: "technician", who: "technician", clients: null, context: signedInAs("technician") },
  { name: "viewer", who: "viewer", clients: [E2E_VIEWER_CLIENT], context: signedInAs("viewer") },
  {
    name: "viewer's API token",
    who: "viewer",
    clients: [E2E_VIEWER_CLIENT],
    context: (baseURL) => requestContext(baseURL, { storageState: SIGNED_OUT, extraHTTPHeaders: { Authorization: `Bearer ${tokenFor(E2E_USERS.viewer.email)}` } }),
  },
  { name: "no credential", who: null, clients: [], context: (baseURL) => requestContext(baseURL, { storageState: SIGNED_OUT }) },
];

/** The HTTP answer the table's outcome stands for, on a page, its RSC payload, or an API route. */
function expectedStatus(kind: Instance["kind"], outcome: AccessOutcome): string {
  if (kind === "api") return { allowed: "200", sent_on: "200", unauthenticated: "401", forbidden: "403", not_found: "404" }[outcome];
  // To a principal who may not see it, a client's or device's page does not exist (streamed: a 200 that says 404).
  if (kind === "page") return { allowed: "200", sent_on: "307 → /", unauthenticated: "307 → /login", forbidden: "200 not found", not_found: "404" }[outcome];
  // An RSC payload carries a redirect for the client router to follow.
  return { allowed: "200", sent_on: "200 redirect → /", unauthenticated: "200 redirect → /login", forbidden: "200 not found", not_found: "404" }[outcome];
}

/**
 * What a cell shows: the status, where a redirect goes, and whether a page says "not found" or
 * "no access" (a streamed page says the first two in Next's own error digests).
 */
function observed(kind: Instance["kind"], response: APIResponse, body: string): string {
  const status = response.status();
  if (status >= 300 && status < 400) {
    const location = new URL(response.headers()["location"] ?? "", "http://x").pathname;
    return `${status} → ${location}`;
  }
  if (kind !== "api" && status === 200) {
    const redirect = /NEXT_REDIRECT;(?:replace|push);([^;"]+);30\d;/.exec(body);
    if (redirect) return `200 redirect → ${new URL(redirect[1]!, "http://x").pathname}`;
    if (body.includes("NEXT_HTTP_ERROR_FALLBACK;404")) return "200 not found";
    if (/<h1[^>]*>You have no access to this dashboard<\/h1>|"children":"You have no access to this dashboard"/.test(body)) return "200 no access";
  }
  return String(status);
}

/**
 * A row's answer, redirects not followed. An RSC request is first sent to its own URL with
 * the router's cache-busting `_rsc` parameter (Next sends a request without it there).
 */
async function fetchRow(context: APIRequestContext, instance: Instance): Promise<APIResponse> {
  if (instance.kind !== "rsc") return context.get(instance.path, { maxRedirects: 0 });
  const headers = { RSC: "1" };
  const first = await context.get(instance.path, { maxRedirects: 0, headers });
  const location = first.status() === 307 ? new URL(first.headers()["location"] ?? "", "http://x") : null;
  if (!location || location.pathname !== new URL(instance.path, "http://x").pathname || !location.searchParams.has("_rsc")) return first;
  return context.get(`${location.pathname}${location.search}`, { maxRedirects: 0, headers });
}

/** Each client's name, in the spellings a page or an answer could carry it. */
async function clientNames(admin: APIRequestContext): Promise<{ clientId: string; spellings: string[] }[]> {
  const clients = (await (await admin.get("/api/clients")).json()).data as { clientId: string; name: string }[];
  expect(clients.length).toBeGreaterThan(1);
  const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  return clients
    .filter((c) => c.name.trim().length > 3)
    .map((c) => ({ clientId: c.clientId, spellings: [c.name, escapeHtml(c.name), JSON.stringify(c.name).slice(1, -1)] }));
}

test.describe("the access matrix", () => {
  test.use({ storageState: SIGNED_OUT });

  test("every principal gets from every page, RSC payload and API route what the tables say, and nothing named of another client", async ({ playwright, baseURL }, testInfo) => {
    test.setTimeout(300_000);
    requestContext = (url, options) => playwright.request.newContext({ baseURL: url, ...options });
    const base = baseURL!;

    // Every page and API route has a row; every principal kind of the capability table is tested or says why not.
    const pages = appPages();
    const routes = apiRoutes();
    expect.soft(pages.filter((p) => !PAGE_ACCESS[p]), "pages without a row in lib/auth/routes.ts").toEqual([]);
    expect.soft(routes.filter((r) => !API_ACCESS[r]), "API routes without a row in lib/auth/routes.ts").toEqual([]);
    const tested = new Set(PRINCIPALS.map((p) => p.who));
    expect.soft(Object.keys(CAPABILITY_TABLE).filter((k) => !tested.has(k as PrincipalClass) && !NOT_YET[k as PrincipalClass])).toEqual([]);

    // Ids to fill in, read as the administrator: the viewer's client and an ordinary other one (not the Fault Lab's).
    const admin = await requestContext(base, { storageState: authState("admin") });
    const clients = (await (await admin.get("/api/clients")).json()).data as { clientId: string }[];
    const own = E2E_VIEWER_CLIENT;
    const other = clients.map((c) => c.clientId).find((id) => id !== own && id !== SCENARIO.faultLabClient)!;
    const ids: Record<string, { clientId: string; siteId: string; deviceId: string }> = {};
    for (const clientId of [own, other]) {
      const sites = (await (await admin.get(`/api/clients/${clientId}/sites`)).json()).data as { siteId: string }[];
      const devices = (await (await admin.get(`/api/clients/${clientId}/devices`)).json()).data as { deviceId: string; siteId: string; backupEnabled: boolean }[];
      const device = devices.find((d) => d.backupEnabled) ?? devices[0]!;
      ids[clientId] = { clientId, siteId: device.siteId ?? sites[0]!.siteId, deviceId: device.deviceId };
    }
    const names = await clientNames(admin);
    await admin.dispose();

    const fill = (path: string, clientId: string) => path.replace(/:(clientId|siteId|deviceId)/g, (_, name: "clientId" | "siteId" | "deviceId") => ids[clientId]![name]);
    const instances: Instance[] = [];
    const instancesOf = (kind: "page" | "api", method: string, path: string, access: RouteAccess) => {
      const named = /:(clientId|siteId|deviceId)/.test(path);
      for (const clientId of named ? [own, other] : [null]) {
        let filled = clientId ? fill(path, clientId) : path.replace("*path", "no-such-route");
        if (kind === "api" && path.includes(":siteId") && !path.includes(":clientId")) filled += `?clientId=${clientId}`;
        const label = clientId === null ? filled : `${filled} (${clientId === own ? "viewer's client" : "another client"})`;
        if (kind === "page") {
          instances.push({ row: `page ${label}`, kind: "page", path: filled, access, client: clientId });
          instances.push({ row: `RSC ${label}`, kind: "rsc", path: filled, access, client: clientId });
        } else {
          instances.push({ row: `${method} ${label}`, kind: "api", path: filled, access, client: clientId });
        }
      }
    };
    // A page or route without a row has failed above; the rest of the matrix is still filled in.
    for (const page of pages) if (PAGE_ACCESS[page]) instancesOf("page", "GET", page, PAGE_ACCESS[page]);
    for (const route of routes) {
      const [method, path] = route.split(" ") as [string, string];
      if (API_ACCESS[route]) instancesOf("api", method, path, API_ACCESS[route]);
    }

    const matrix: Record<string, Record<string, { expected: string; got: string }>> = {};
    for (const principal of PRINCIPALS) {
      const context = await principal.context(base);
      for (const instance of instances) {
        const target = instance.client === null ? null : principal.clients === null || principal.clients.includes(instance.client) ? "own" : "other";
        const expected = expectedStatus(instance.kind, expectedAccess(instance.access, principal.who, target));
        const response = await fetchRow(context, instance);
        const body = await response.text();
        if (process.env.MATRIX_DUMP) writeFileSync(`/tmp/matrix-${principal.name.replace(/\W/g, "_")}-${instance.row.replace(/\W/g, "_")}.txt`, body);
        const got = observed(instance.kind, response, body);
        (matrix[instance.row] ??= {})[principal.name] = { expected, got };
        expect.soft(got, `${principal.name}: ${instance.row}`).toBe(expected);
        for (const { clientId, spellings } of names) {
          if (principal.clients === null || principal.clients.includes(clientId)) continue;
          for (const name of spellings) expect.soft(body.includes(name), `"${name}" in ${principal.name}'s ${instance.row}`).toBe(false);
        }
      }
      await context.dispose();
    }

    // The matrix as tested, for the closing note: rows × principals, each cell's status.
    const columns = PRINCIPALS.map((p) => p.name);
    const lines = [
      `| route | ${columns.join(" | ")} |`,
      `|---|${columns.map(() => "---").join("|")}|`,
      ...Object.entries(matrix).map(([row, cells]) => `| ${row} | ${columns.map((c) => (cells[c]!.got === cells[c]!.expected ? cells[c]!.got : `${cells[c]!.got} (expected ${cells[c]!.expected})`)).join(" | ")} |`),
    ];
    const notYet = Object.entries(NOT_YET).map(([kind, why]) => `- ${kind}: ${why}`);
    const text = [...lines, "", "Principal kinds without a column:", ...notYet].join("\n");
    mkdirSync("test-results", { recursive: true });
    writeFileSync(join("test-results", "access-matrix.json"), JSON.stringify({ principals: columns, notYet: NOT_YET, rows: matrix }, null, 2));
    writeFileSync(join("test-results", "access-matrix.md"), `${text}\n`);
    await testInfo.attach("access-matrix.md", { body: text, contentType: "text/markdown" });
    testInfo.annotations.push({ type: "access matrix", description: text });
  });
});
