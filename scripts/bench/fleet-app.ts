// fleet-app: the dashboard's own process (production build) with a warm store of 50,000 devices, the simulator in a
// process of its own: RSS, event-loop delay while the refresher reads and while 50 NOC walls poll, restart to the
// wall's tiles in Chromium, and the wall's /api/fleet answer at 10 % problems.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { get } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { FleetStore, type StoredDevice } from "../../lib/fleet/fleet-store";
import { keyHint, normaliseServer } from "../../lib/nsight/account";
import { openStore } from "../../lib/store/db";
import { generateFleet } from "../../simulator/fleet";
import { DEFAULT_SEED } from "../../simulator/scenarios";
import { nextBin, ensureBuild, ROOT } from "../lib/build.mjs";
import { freePort, launchBrowser } from "./device-page";
import { startSim } from "./fleet";
import { median, ms, printTable, saveResult } from "./util";

const KEY = "bench-fleet-key";
const MINUTE = 60_000;
const VIEWERS = 50;
/** The wall's shortest refresh: the most a wall asks. */
const VIEWER_EVERY_MS = 5_000;
const WINDOW_MS = 60_000;
/** What a 1080p wall asks for: one page of tiles. */
const WALL_REQUEST = "/api/fleet?page=1&pageSize=25";

/** The state the refresher would have kept: every tenth backup device failed, read within the last hour. */
export function warmDevices(now: number): { devices: StoredDevice[]; clients: { clientId: string; name: string; timezone: string | null }[] } {
  const fleet = generateFleet({ seed: DEFAULT_SEED, devices: 50_000, now: new Date(now) });
  const at = (msAgo: number) => new Date(now - msAgo).toISOString();
  const devices: StoredDevice[] = [];
  let backup = 0;
  for (const client of fleet.clients) {
    for (const site of client.sites) {
      for (const d of site.devices) {
        const failed = d.mob && backup++ % 10 === 0;
        const plugin = (name: string) => ({
          plugin: name,
          state: failed ? ("failed" as const) : ("ok" as const),
          lastStatus: failed ? "FAILED" : "COMPLETED",
          lastEnd: at(2 * 3_600_000),
          lastSuccessAt: at(failed ? 50 * 3_600_000 : 2 * 3_600_000),
          failedInARow: failed ? 2 : 0,
          dueBy: at(-22 * 3_600_000),
          recent: Array.from({ length: 6 }, (_, k) => ({ start: at((2 + 24 * (5 - k)) * 3_600_000), status: failed && k >= 4 ? "FAILED" : "COMPLETED" })),
        });
        devices.push({
          deviceId: d.id,
          name: d.name,
          type: d.type,
          clientId: client.id,
          clientName: client.name,
          siteId: site.id,
          siteName: site.name,
          backupEnabled: d.mob,
          state: !d.mob ? "off" : failed ? "failed" : "ok",
          worstPlugin: failed ? "FILE_SYSTEM" : null,
          since: failed ? at(26 * 3_600_000) : null,
          lastSuccessAt: d.mob ? at(failed ? 50 * 3_600_000 : 2 * 3_600_000) : null,
          failedInARow: failed ? 2 : 0,
          sentence: failed ? "Files and folders failed twice in a row." : null,
          plugins: d.mob ? [plugin("FILE_SYSTEM"), plugin("SYSTEM_STATE")] : [],
          anomalies: [],
          readAt: d.mob ? at((backup % 50) * MINUTE) : null,
          readError: null,
          stateChangedAt: failed ? at(26 * 3_600_000) : null,
          nextBackupDueAt: d.mob ? at(-((backup * 7) % 1_440) * MINUTE) : null,
          overdueAt: d.mob ? at(-26 * 3_600_000) : null,
        });
      }
    }
  }
  return { devices, clients: fleet.clients.map((c) => ({ clientId: c.id, name: c.name, timezone: c.timezone })) };
}

/** The app's resident memory with any process it started. */
function rssBytes(pid: number): number {
  let total = 0;
  const visit = (p: number) => {
    try {
      total += Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, "utf8"))?.[1] ?? 0) * 1024;
      for (const task of readdirSync(`/proc/${p}/task`)) {
        for (const child of readFileSync(`/proc/${p}/task/${task}/children`, "utf8").split(" ").filter(Boolean)) visit(Number(child));
      }
    } catch {
    }
  };
  visit(pid);
  return total;
}

interface LoopSecond {
  at: number;
  p99Ms: number;
  maxMs: number;
  gcMaxMs: number;
  gcMaxKind?: string | null;
}

function loopWindow(
  file: string,
  from: number,
  to: number,
): { worstSecondP99Ms: number; medianSecondP99Ms: number; maxMs: number; gcMaxMs: number; gcMaxKind: string | null; seconds: number } {
  const lines = existsSync(file)
    ? readFileSync(file, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as LoopSecond)
        .filter((line) => line.at > from + 1_000 && line.at <= to)
    : [];
  if (lines.length === 0) return { worstSecondP99Ms: NaN, medianSecondP99Ms: NaN, maxMs: NaN, gcMaxMs: NaN, gcMaxKind: null, seconds: 0 };
  const longestGc = lines.reduce((a, b) => (b.gcMaxMs > a.gcMaxMs ? b : a));
  return {
    worstSecondP99Ms: Math.max(...lines.map((l) => l.p99Ms)),
    medianSecondP99Ms: median(lines.map((l) => l.p99Ms)),
    maxMs: Math.max(...lines.map((l) => l.maxMs)),
    gcMaxMs: longestGc.gcMaxMs,
    gcMaxKind: longestGc.gcMaxKind ?? null,
    seconds: lines.length,
  };
}

// FLEET_APP_LOG=file keeps the app's log; FLEET_APP_CPU_PROF=dir writes a CPU profile of each start to dir;
// FLEET_APP_ONLY=restart skips the refresh and viewer windows (quicker iterations on the restart alone).
function spawnApp(port: number, env: Record<string, string>): ChildProcess {
  const profile = process.env.FLEET_APP_CPU_PROF;
  const logFile = process.env.FLEET_APP_LOG;
  const child = spawn(process.execPath, [...(profile ? ["--cpu-prof", `--cpu-prof-dir=${profile}`] : []), nextBin(), "start", "-p", String(port)], {
    cwd: ROOT,
    stdio: ["ignore", logFile ? openSync(logFile, "a") : "ignore", "inherit"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env },
  });
  return child;
}

async function untilHealthy(url: string): Promise<void> {
  for (let i = 0; i < 1_200; i++) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) return;
    } catch {
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("the app did not start");
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

/** The bytes sent for the wall's request, gzipped as the browser asks. */
function answerBytes(url: string): Promise<{ sent: number; encoding: string | null; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { "accept-encoding": "gzip" } }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ sent: chunks.reduce((n, c) => n + c.length, 0), encoding: (response.headers["content-encoding"] as string | undefined) ?? null, body: Buffer.concat(chunks) }));
      response.on("error", reject);
    }).on("error", reject);
  });
}

async function viewers(url: string, count: number, everyMs: number, forMs: number): Promise<{ requests: number; failed: number; p99Ms: number }> {
  const times: number[] = [];
  let failed = 0;
  const until = Date.now() + forMs;
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      // Walls opened at different moments.
      await new Promise((resolve) => setTimeout(resolve, (i * everyMs) / count));
      while (Date.now() < until) {
        const started = performance.now();
        try {
          const response = await fetch(url);
          await response.arrayBuffer();
          if (!response.ok) failed++;
        } catch {
          failed++;
        }
        const took = performance.now() - started;
        times.push(took);
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, everyMs - took)));
      }
    }),
  );
  const sorted = times.sort((a, b) => a - b);
  return { requests: times.length, failed, p99Ms: sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)] ?? NaN };
}

export async function benchFleetApp(): Promise<void> {
  await ensureBuild({ log: (line) => console.log(line) });
  const sim = await startSim(50_000);
  const data = mkdtempSync(join(tmpdir(), "fleet-app-bench-"));
  const loopFile = join(data, "event-loop.jsonl");
  const env = {
    NODE_OPTIONS: `--import ${pathToFileURL(join(ROOT, "scripts", "bench", "event-loop-probe.mjs")).href}`,
    BENCH_EVENT_LOOP_FILE: loopFile,
    NSIGHT_SERVER: sim.url,
    NSIGHT_API_KEY: KEY,
    // Open to every visitor, as on a wall: only with a simulator on this machine.
    NSIGHT_DEMO: "1",
    DATA_DIR: data,
  };
  let app: ChildProcess | null = null;
  const browser = await launchBrowser();
  try {
    const seededAt = Date.now();
    const { devices, clients } = warmDevices(seededAt);
    const store = new FleetStore(openStore(data), { server: normaliseServer(new URL(sim.url)), keyHint: keyHint(KEY) }, null, true);
    const now = new Date(seededAt).toISOString();
    await store.save({ clients, changed: devices, removed: [], inventoryReadAt: now, fullPictureAt: now, upstreamLastOkAt: now });
    await store.close();
    const problems = devices.filter((d) => d.state === "failed").length;

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const firstStart = performance.now();
    app = spawnApp(port, env);
    await untilHealthy(url);
    const firstReadyMs = performance.now() - firstStart;
    const fleet = (await (await fetch(`${url}${WALL_REQUEST}`)).json()) as { data: { progress: { backupDevices: number; read: number } } };
    if (fleet.data.progress.backupDevices < 30_000) throw new Error(`the warm store did not restore: ${JSON.stringify(fleet.data.progress)}`);

    const restartOnly = process.env.FLEET_APP_ONLY === "restart";
    // The refresher reads the failed devices and the stale ones at the budget's rate from the start.
    await new Promise((resolve) => setTimeout(resolve, restartOnly ? 0 : 15_000));
    const refreshFrom = Date.now();
    await new Promise((resolve) => setTimeout(resolve, restartOnly ? 0 : WINDOW_MS));
    const duringRefresh = loopWindow(loopFile, refreshFrom, Date.now());
    const rssRefresh = rssBytes(app.pid!);
    const readsBefore = (await sim.stats()).totalCalls;

    const viewersFrom = Date.now();
    const polled = await viewers(`${url}${WALL_REQUEST}`, VIEWERS, VIEWER_EVERY_MS, restartOnly ? 0 : WINDOW_MS);
    const duringViewers = loopWindow(loopFile, viewersFrom, Date.now());
    const rssViewers = rssBytes(app.pid!);
    const callsDuringViewers = (await sim.stats()).totalCalls - readsBefore;

    const answer = await answerBytes(`${url}${WALL_REQUEST}`);
    const plain = answer.encoding === "gzip" ? null : answer.body;
    const gzBytes = plain ? gzipSync(plain).byteLength : answer.sent;
    const biggest = await answerBytes(`${url}/api/fleet?page=1&pageSize=100`);
    const biggestGz = biggest.encoding === "gzip" ? biggest.sent : gzipSync(biggest.body).byteLength;

    // Restart: the store is written on SIGTERM; the wall's browser is open already, as on a wall. FLEET_APP_RESTARTS=n
    // restarts n times and reports the median (the machine is noisy).
    const restarts: { answeredMs: number; tilesMs: number }[] = [];
    for (let run = 0; run < Math.max(1, Number(process.env.FLEET_APP_RESTARTS) || 1); run++) {
      await stop(app);
      const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
      const restartStart = performance.now();
      app = spawnApp(port, env);
      let answeredMs = NaN;
      for (;;) {
        try {
          await page.goto(`${url}/noc`, { waitUntil: "commit", timeout: 20_000 });
          answeredMs = performance.now() - restartStart;
          break;
        } catch {
          if (performance.now() - restartStart > 60_000) throw new Error("the app did not come back");
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      }
      await page.locator("li[data-device-id]").first().waitFor({ state: "visible", timeout: 60_000 });
      restarts.push({ answeredMs, tilesMs: performance.now() - restartStart });
      await page.close();
    }
    const answeredMs = median(restarts.map((r) => r.answeredMs));
    const tilesMs = median(restarts.map((r) => r.tilesMs));
    const rssAfterRestart = rssBytes(app.pid!);

    const mib = (bytes: number) => `${(bytes / 1_048_576).toFixed(0)} MiB`;
    const result = {
      devices: devices.length,
      backupDevices: fleet.data.progress.backupDevices,
      problems,
      firstReadyMs,
      duringRefresh,
      duringViewers,
      viewers: { count: VIEWERS, everyMs: VIEWER_EVERY_MS, ...polled, nsightCallsMeanwhile: callsDuringViewers },
      rssBytes: { duringRefresh: rssRefresh, duringViewers: rssViewers, afterRestart: rssAfterRestart },
      wallAnswer: { sentBytes: answer.sent, encoding: answer.encoding, gzipBytes: gzBytes, pageSize100GzipBytes: biggestGz },
      restart: { answeredMs, tilesMs, runs: restarts },
    };
    saveResult("fleet-app", result);
    printTable(`fleet-app: the dashboard alone (next start) with a warm store of ${devices.length.toLocaleString("en")} devices, ${problems.toLocaleString("en")} failed (${((100 * problems) / result.backupDevices).toFixed(0)} % of backup devices)`, [
      ["event-loop delay p99 while the refresher reads (goal < 50 ms)", `worst second ${ms(duringRefresh.worstSecondP99Ms)}, median second ${ms(duringRefresh.medianSecondP99Ms)}, max ${ms(duringRefresh.maxMs)} (longest GC ${ms(duringRefresh.gcMaxMs)}, ${duringRefresh.gcMaxKind}) over ${duringRefresh.seconds} s`],
      [`event-loop delay p99 with ${VIEWERS} walls polling every ${VIEWER_EVERY_MS / 1000} s`, `worst second ${ms(duringViewers.worstSecondP99Ms)}, median second ${ms(duringViewers.medianSecondP99Ms)}, max ${ms(duringViewers.maxMs)} (longest GC ${ms(duringViewers.gcMaxMs)}, ${duringViewers.gcMaxKind}); ${polled.requests} requests, p99 ${ms(polled.p99Ms)}, ${polled.failed} failed, N-sight calls meanwhile ${callsDuringViewers} (the refresher's)`],
      ["RSS of the app (goal < 512 MB)", `${mib(rssRefresh)} reading, ${mib(rssViewers)} with the walls, ${mib(rssAfterRestart)} after the restart`],
      [
        "restart to the wall's tiles in Chromium (goal < 2 s)",
        `${ms(tilesMs)} (first answer ${ms(answeredMs)})${restarts.length > 1 ? `, median of ${restarts.length}: ${restarts.map((r) => ms(r.tilesMs)).join(", ")}` : ""}; first start to healthy ${ms(firstReadyMs)}`,
      ],
      ["the wall's /api/fleet answer (goal < 100 kB gz)", `${(gzBytes / 1024).toFixed(1)} kB gzipped (${answer.encoding ?? "sent uncompressed"} ${(answer.sent / 1024).toFixed(1)} kB); a 100-tile page ${(biggestGz / 1024).toFixed(1)} kB`],
    ]);
  } finally {
    if (app) await stop(app);
    await browser.close();
    sim.child.kill();
    rmSync(data, { recursive: true, force: true });
  }
}
