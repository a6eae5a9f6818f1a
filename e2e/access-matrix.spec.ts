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

// Pages and routes are listed from app/ at run time, so one without a row fails here.

interface MatrixPrincipal {
  name: string;
  who: PrincipalClass | null;
  /** The clients it may see (no name of any other may reach it); null: all. */
  clients: readonly string[] | null;
  context: (baseURL: string) => Promise<APIRequestContext>;
}

interface Instance {
  row: string;
  kind: "page" | "rsc" | "api";
  method: string;
  path: string;
  access: RouteAccess;
  /** The client the path names (directly or through its site or device); null: none. */
  client: string | null;
  link: "live" | "dead" | null;
}

const NOT_YET: Partial<Record<PrincipalClass, string>> = {
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

function appPages(): string[] {
  return [...filesNamed(APP_DIR, "page.tsx")].map(routePath).sort();
}

function apiRoutes(): string[] {
  const routes: string[] = [];
  const files = [...[...filesNamed(join(APP_DIR, "api"), "route.ts")].map((s) => ["api", ...s]), ...[...filesNamed(join(APP_DIR, "s", "[token]", "api"), "route.ts")].map((s) => ["s", "[token]", "api", ...s])];
  for (const segments of files) {
    const path = routePath(segments);
    const source = readFileSync(join(APP_DIR, ...segments, "route.ts"), "utf8");
    const methods = [...source.matchAll(/export (?:const|async function|function|\{) ?(GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1]!);
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
  storageState: string | Awaited<ReturnType<APIRequestContext["storageState"]>>;
  extraHTTPHeaders?: Record<string, string>;
}
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
  // Its token travels in the /s/{token}/ paths alone.
  { name: "share link", who: "share", clients: [E2E_VIEWER_CLIENT], context: (baseURL) => requestContext(baseURL, { storageState: SIGNED_OUT }) },
  { name: "display", who: "display", clients: [E2E_VIEWER_CLIENT], context: (baseURL) => requestContext(baseURL, { storageState: displayState }) },
];

let displayState: Awaited<ReturnType<APIRequestContext["storageState"]>>;
let liveToken = "";
const DEAD_TOKEN = "made-up-token-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

function expectedStatus(instance: Instance, outcome: AccessOutcome, who: PrincipalClass | null): string {
  const { kind, access } = instance;
  const refusal = "refusal" in access ? (who === "display" && access.displayRefusal) || access.refusal : undefined;
  const forward = "redirectsTo" in access ? access.redirectsTo : undefined;
  // A state-changing call is sent without a body: let through, it is refused by the handler's own checks (400, 404…) or done (201, 204).
  if (kind === "api" && instance.method !== "GET" && outcome === "allowed") return "admitted";
  if (kind === "api") return { allowed: "200", sent_on: "200", unauthenticated: "401", forbidden: "403", out_of_scope: "403", not_found: "404", pairing: "200", gone: "410" }[outcome];
  // A page a principal may not see does not exist (streamed: a 200 that says 404) or says "no access"; an admin page answers a real 403.
  // An RSC payload is always a 200: it carries the redirect or the 403 for the client router to act on.
  const forbidden = refusal === "403" ? (kind === "page" ? "403" : "200 forbidden") : refusal === "no_access" ? "200 no access" : "200 not found";
  const out_of_scope = "200 not found";
  if (kind === "page") return { allowed: forward ? `307 → ${forward}` : "200", sent_on: "307 → /", unauthenticated: "307 → /login", forbidden, out_of_scope, not_found: "404", pairing: "200", gone: "307 → /s/expired" }[outcome];
  return { allowed: forward ? `200 redirect → ${forward}` : "200", sent_on: "200 redirect → /", unauthenticated: "200 redirect → /login", forbidden, out_of_scope, not_found: "404", pairing: "200", gone: "200 redirect → /s/expired" }[outcome];
}

function observed({ kind, method }: Instance, response: APIResponse, body: string): string {
  const status = response.status();
  if (kind === "api" && method !== "GET" && ![401, 403, 405].includes(status)) return "admitted";
  if (status >= 300 && status < 400) {
    const location = new URL(response.headers()["location"] ?? "", "http://x").pathname;
    return `${status} → ${location}`;
  }
  if (kind !== "api" && status === 200) {
    const redirect = /NEXT_REDIRECT;(?:replace|push);([^;"]+);30\d;/.exec(body);
    if (redirect) return `200 redirect → ${new URL(redirect[1]!, "http://x").pathname}`;
    if (body.includes("NEXT_HTTP_ERROR_FALLBACK;403")) return "200 forbidden";
    if (body.includes("NEXT_HTTP_ERROR_FALLBACK;404")) return "200 not found";
    if (/<h1[^>]*>You have no access to this dashboard<\/h1>|"children":"You have no access to this dashboard"/.test(body)) return "200 no access";
  }
  return String(status);
}

// An RSC request is first sent to its own URL with `_rsc` (Next sends one without it there).
async function fetchRow(context: APIRequestContext, instance: Instance, origin: string): Promise<APIResponse> {
  if (instance.method !== "GET") return context.fetch(instance.path, { method: instance.method, maxRedirects: 0, headers: { Origin: origin } });
  if (instance.kind !== "rsc") return context.get(instance.path, { maxRedirects: 0 });
  const headers = { RSC: "1" };
  const first = await context.get(instance.path, { maxRedirects: 0, headers });
  const location = first.status() === 307 ? new URL(first.headers()["location"] ?? "", "http://x") : null;
  if (!location || location.pathname !== new URL(instance.path, "http://x").pathname || !location.searchParams.has("_rsc")) return first;
  return context.get(`${location.pathname}${location.search}`, { maxRedirects: 0, headers });
}

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

    const pages = appPages();
    const routes = apiRoutes();
    expect.soft(pages.filter((p) => !PAGE_ACCESS[p]), "pages without a row in lib/auth/routes.ts").toEqual([]);
    expect.soft(routes.filter((r) => !API_ACCESS[r]), "API routes without a row in lib/auth/routes.ts").toEqual([]);
    const tested = new Set(PRINCIPALS.map((p) => p.who));
    expect.soft(Object.keys(CAPABILITY_TABLE).filter((k) => !tested.has(k as PrincipalClass) && !NOT_YET[k as PrincipalClass])).toEqual([]);

    // Not the Fault Lab's client: an ordinary other one.
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

    const origin = new URL(base).origin;
    const technician = await requestContext(base, { storageState: authState("technician") });
    const link = await technician.post("/api/share-links", { headers: { Origin: origin }, data: { deviceId: ids[own]!.deviceId } });
    expect(link.status()).toBe(201);
    liveToken = /\/s\/([^/?#]+)/.exec(((await link.json()).data as { url: string }).url)![1]!;
    await technician.dispose();
    const wall = await requestContext(base, { storageState: SIGNED_OUT });
    const pairing = await wall.post("/api/displays/pairing", { headers: { Origin: origin } });
    expect(pairing.status()).toBe(201);
    const code = ((await pairing.json()).data as { code: string }).code;
    expect((await admin.post("/api/displays/pair", { headers: { Origin: origin }, data: { code, name: "Access matrix wall", clients: [own] } })).status()).toBe(201);
    const claimed = await wall.post("/api/displays/pairing/claim", { headers: { Origin: origin } });
    expect(((await claimed.json()).data as { status: string }).status).toBe("paired");
    displayState = await wall.storageState();
    await wall.dispose();
    // A GET of an alert channel needs one that exists; calls that change one get a made-up id.
    const channel = await admin.post("/api/alert-channels", { headers: { Origin: origin }, data: { type: "slack", name: "Access matrix", url: "https://hooks.slack.com/services/access-matrix", enabled: false } });
    expect(channel.status()).toBe(201);
    const channelId = ((await channel.json()).data as { id: string }).id;
    await admin.dispose();

    // Ids of things that are not N-sight's (links, displays, tokens, users): made up, so a call let through changes nothing.
    const fill = (path: string, clientId: string | null) =>
      path
        .replace(/:(clientId|siteId|deviceId)/g, (_, name: "clientId" | "siteId" | "deviceId") => ids[clientId!]![name])
        .replace(/:(id|displayId|tokenId|userId)\b/g, "00000000-0000-4000-8000-000000000000")
        .replace("*path", "no-such-route");
    const instances: Instance[] = [];
    const instancesOf = (kind: "page" | "api", method: string, path: string, access: RouteAccess) => {
      const named = /:(clientId|siteId|deviceId)/.test(path);
      const links: ("live" | "dead" | null)[] = /:token\b/.test(path) ? ["live", "dead"] : [null];
      for (const link of links) {
        for (const clientId of named && link !== "dead" ? [own, other] : named ? [own] : [null]) {
          let filled = fill(path, clientId)
            .replace(":token", link === "live" ? liveToken : DEAD_TOKEN)
            .replace(":channelId", method === "GET" ? channelId : "00000000-0000-4000-8000-000000000000");
          if (kind === "api" && path.includes(":siteId") && !path.includes(":clientId")) filled += `?clientId=${clientId}`;
          const shown = link === null ? filled : filled.replace(liveToken, "{live token}").replace(DEAD_TOKEN, "{made-up token}");
          const label = clientId === null ? shown : `${shown} (${clientId === own ? "viewer's client" : "another client"})`;
          if (kind === "page") {
            instances.push({ row: `page ${label}`, kind: "page", method: "GET", path: filled, access, client: clientId, link });
            instances.push({ row: `RSC ${label}`, kind: "rsc", method: "GET", path: filled, access, client: clientId, link });
          } else {
            instances.push({ row: `${method} ${label}`, kind: "api", method: method === "*" ? "GET" : method, path: filled, access, client: clientId, link });
          }
        }
      }
    };
    for (const page of pages) if (PAGE_ACCESS[page]) instancesOf("page", "GET", page, PAGE_ACCESS[page]);
    for (const route of routes) {
      const [method, path] = route.split(" ") as [string, string];
      if (API_ACCESS[route]) instancesOf("api", method, path, API_ACCESS[route]);
    }

    const matrix: Record<string, Record<string, { expected: string; got: string }>> = {};
    for (const principal of PRINCIPALS) {
      const context = await principal.context(base);
      for (const instance of instances) {
        // Under /s/{token}/ whoever asks is the link (a live token) or nobody, and the link sees its own device only.
        const who = instance.link === null ? principal.who : instance.link === "live" ? "share" : null;
        const clients = instance.link === null ? principal.clients : [own];
        const target = instance.client === null ? null : clients === null || clients.includes(instance.client) ? "own" : "other";
        const expected = expectedStatus(instance, expectedAccess(instance.access, who, target), who);
        const response = await fetchRow(context, instance, origin);
        const body = await response.text();
        if (process.env.MATRIX_DUMP) writeFileSync(`/tmp/matrix-${principal.name.replace(/\W/g, "_")}-${instance.row.replace(/\W/g, "_")}.txt`, body);
        const got = observed(instance, response, body);
        (matrix[instance.row] ??= {})[principal.name] = { expected, got };
        expect.soft(got, `${principal.name}: ${instance.row}`).toBe(expected);
        for (const { clientId, spellings } of names) {
          if (principal.clients === null || principal.clients.includes(clientId)) continue;
          for (const name of spellings) expect.soft(body.includes(name), `"${name}" in ${principal.name}'s ${instance.row}`).toBe(false);
        }
      }
      await context.dispose();
    }

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
