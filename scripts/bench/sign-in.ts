// sign-in: what resolving a principal adds, in process and end to end, each a ratio within the same run.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { SCENARIO } from "../../simulator/scenarios";
import { issueApiToken } from "../../lib/auth/api-tokens";
import { displayCookieName, sessionCookieName } from "../../lib/auth/cookies";
import { principalFrom, type Credentials } from "../../lib/auth/resolve";
import { createSession } from "../../lib/auth/sessions";
import { hashToken, newToken } from "../../lib/auth/tokens";
import { getStore, openStore } from "../../lib/store/db";
import { insertDisplay } from "../../lib/store/displays";
import { createUser } from "../../lib/store/users";
import { ensureBuild } from "../lib/build.mjs";
import { startApp } from "./device-page";
import { startSim, untilFullPicture } from "./fleet";
import { median, ms, printTable, saveResult, timeRuns } from "./util";

const KEY = "bench-fleet-key";
const CALLS = 3_000;

function credentials(cookies: Record<string, string>, authorization: string | null = null): Credentials {
  return { cookie: (name) => cookies[name], authorization, address: "127.0.0.1" };
}

async function inProcess(): Promise<Record<string, unknown>> {
  const saved = { DATA_DIR: process.env.DATA_DIR, NSIGHT_DEMO: process.env.NSIGHT_DEMO, NSIGHT_SERVER: process.env.NSIGHT_SERVER, NSIGHT_API_KEY: process.env.NSIGHT_API_KEY };
  const data = mkdtempSync(join(tmpdir(), "sign-in-bench-"));
  Object.assign(process.env, { DATA_DIR: data, NSIGHT_DEMO: "1", NSIGHT_SERVER: "http://127.0.0.1:9", NSIGHT_API_KEY: KEY });
  try {
    const db = await getStore();
    const user = await createUser(db, { email: "bench-admin@example.test", role: "admin" });
    const session = await createSession(db, user.id, { address: null, userAgent: null });
    const { token } = await issueApiToken(db, { userId: user.id, name: "bench", expiresInDays: null });
    const displayToken = newToken();
    await insertDisplay(db, { id: randomUUID(), hash: hashToken(displayToken), name: "bench wall", clientIds: null, createdBy: user.id, expiresAt: Date.now() + 86_400_000 });

    const cases: [string, Credentials, string][] = [
      ["open demo, no credential (baseline)", credentials({}), "demo"],
      ["session cookie", credentials({ [sessionCookieName()]: session.token }), "user"],
      ["API token (Bearer)", credentials({}, `Bearer ${token}`), "user"],
      ["display cookie", credentials({ [displayCookieName()]: displayToken }), "display"],
    ];
    const medians: Record<string, number> = {};
    for (const [label, creds, kind] of cases) {
      const principal = await principalFrom(creds);
      if (principal?.kind !== kind) throw new Error(`${label}: resolved to ${principal?.kind ?? "nobody"}, expected ${kind}`);
      medians[label] = median(await timeRuns(CALLS, 300, () => principalFrom(creds))) * 1000;
    }
    const baseline = medians[cases[0]![0]]!;
    printTable(`Sign-in in process: principalFrom, median of ${CALLS.toLocaleString("en-US")} calls, SQLite store in a temporary DATA_DIR`, [
      ...Object.entries(medians).map(([label, us]) => [label, `${us.toFixed(1)} µs${label === cases[0]![0] ? "" : ` (${(us / baseline).toFixed(1)}× the baseline)`}`] as [string, string]),
    ]);
    await db.destroy();
    return { callsPerCase: CALLS, medianMicroseconds: medians };
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    rmSync(data, { recursive: true, force: true });
  }
}

function cannon(url: string, seconds: number, headers: Record<string, string>) {
  return new Promise<autocannon.Result>((resolve, reject) => {
    autocannon({ url, connections: 10, duration: seconds, headers: { "accept-encoding": "gzip", ...headers } }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

async function endToEnd(): Promise<Record<string, unknown>> {
  await ensureBuild({ log: () => undefined });
  const seconds = Number(process.env.BENCH_SIGN_IN_SECONDS ?? 10);
  const sim = await startSim(40);
  const demoData = mkdtempSync(join(tmpdir(), "sign-in-bench-demo-"));
  const signedData = mkdtempSync(join(tmpdir(), "sign-in-bench-signed-"));
  const db = await openStore(signedData);
  const admin = await createUser(db, { email: "bench-admin@example.test", role: "admin" });
  const session = await createSession(db, admin.id, { address: null, userAgent: "sign-in bench" });
  await db.destroy();
  // No PUBLIC_URL: the plain cookie name (as sessionCookieName() gives without https).
  const cookie = `${sessionCookieName()}=${session.token}`;
  const common = { NSIGHT_SERVER: sim.url, NSIGHT_API_KEY: KEY };
  const apps = await Promise.all([startApp({ ...common, NSIGHT_DEMO: "1", DATA_DIR: demoData }), startApp({ ...common, NSIGHT_DEMO: "0", DATA_DIR: signedData })]);
  const [demo, signed] = apps;
  const device = SCENARIO.hourlySqlServer;
  try {
    // Both fleets' first full picture (the refreshers idle for the runs), then the device's history cached in each.
    await Promise.all([untilFullPicture(demo.url), signedFleetReady(signed.url, cookie)]);
    for (const [app, headers] of [[demo, {}], [signed, { cookie }]] as const) {
      const answer = await fetch(`${app.url}/api/devices/${device}/sessions`, { headers });
      if (!answer.ok) throw new Error(`warming the device's history: ${answer.status}`);
      await answer.arrayBuffer();
    }
    const refused = await fetch(`${signed.url}/api/fleet`);
    if (refused.status !== 401) throw new Error(`NSIGHT_DEMO=0 without a cookie answered ${refused.status}, not 401`);

    const targets: [string, string][] = [
      ["GET /api/fleet", "/api/fleet"],
      [`GET /devices/${device} (HTML, cached history)`, `/devices/${device}?tz=UTC`],
    ];
    const rows: [string, string][] = [];
    const results: Record<string, unknown> = { seconds, connections: 10, order: "demo, signed-in, signed-in, demo; figures are the mean of the two runs" };
    // Two runs of half the time each, in the order A B B A, so neither app always has the warmer (or quieter) machine.
    const mean = (runs: autocannon.Result[]) => ({
      rps: runs.reduce((sum, r) => sum + r.requests.average, 0) / runs.length,
      p50: runs.reduce((sum, r) => sum + r.latency.p50, 0) / runs.length,
      p99: runs.reduce((sum, r) => sum + r.latency.p99, 0) / runs.length,
      errors: runs.reduce((sum, r) => sum + r.errors + r.non2xx, 0),
      bytesPerResponse: runs.reduce((sum, r) => sum + r.throughput.total, 0) / Math.max(1, runs.reduce((sum, r) => sum + r.requests.total, 0)),
    });
    type Figures = ReturnType<typeof mean>;
    const line = (f: Figures) => `${Math.round(f.rps).toLocaleString("en-US")} req/s, p50 ${ms(f.p50)}, p99 ${ms(f.p99)}, errors ${f.errors}, ${(f.bytesPerResponse / 1000).toFixed(1)} kB a response`;
    const half = Math.max(1, Math.round(seconds / 2));
    for (const [label, path] of targets) {
      const openRuns: autocannon.Result[] = [];
      const signedRuns: autocannon.Result[] = [];
      openRuns.push(await cannon(`${demo.url}${path}`, half, {}));
      signedRuns.push(await cannon(`${signed.url}${path}`, half, { cookie }));
      signedRuns.push(await cannon(`${signed.url}${path}`, half, { cookie }));
      openRuns.push(await cannon(`${demo.url}${path}`, half, {}));
      const open = mean(openRuns);
      const withCookie = mean(signedRuns);
      rows.push([`${label}, open demo`, line(open)]);
      rows.push([`${label}, signed in (session cookie)`, line(withCookie)]);
      rows.push([`${label}, signed-in / demo`, `req/s ${(withCookie.rps / open.rps).toFixed(2)}, p50 ${(withCookie.p50 / open.p50).toFixed(2)}, p99 ${(withCookie.p99 / open.p99).toFixed(2)}`]);
      results[label] = { demo: open, signedIn: withCookie };
    }
    printTable(`Sign-in end to end: production build, 10 connections, ${seconds} s per app and page in two runs (A B B A), demo and signed-in apps on one simulator`, rows);
    return results;
  } finally {
    for (const app of apps) app.child.kill();
    sim.child.kill();
    rmSync(demoData, { recursive: true, force: true });
    rmSync(signedData, { recursive: true, force: true });
  }
}

async function signedFleetReady(app: string, cookie: string): Promise<void> {
  for (;;) {
    const answer = await fetch(`${app}/api/fleet`, { headers: { cookie } });
    if (!answer.ok) throw new Error(`/api/fleet with the session cookie answered ${answer.status}`);
    const { data } = (await answer.json()) as { data: { progress: { fullPictureAt: string | null } } };
    if (data.progress.fullPictureAt) return;
    await new Promise((resolve) => setTimeout(resolve, 10_000));
  }
}

export async function benchSignIn(): Promise<void> {
  const inProcessResult = await inProcess();
  const endToEndResult = await endToEnd();
  saveResult("sign-in", { inProcess: inProcessResult, endToEnd: endToEndResult });
}
