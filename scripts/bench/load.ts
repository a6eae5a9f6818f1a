// Node accepts one new connection per event-loop turn: under saturation late connections wait seconds and autocannon times
// them out at 10 s; the server's loop delay (event-loop-probe.mjs) and one newcomer a second tell that from a slow server.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { get } from "node:http";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import autocannon from "autocannon";
import { SCENARIO } from "../../simulator/scenarios";
import { ensureBuild, ROOT } from "../lib/build.mjs";
import { startApp } from "./device-page";
import { startSim, untilFullPicture } from "./fleet";
import { ms, percentile, printTable, saveResult } from "./util";

const KEY = "bench-fleet-key";

function peakRssBytes(pid: number): number | null {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

function run(url: string, seconds: number, workers: number) {
  return new Promise<autocannon.Result>((resolve, reject) => {
    autocannon({ url, connections: 200, duration: seconds, headers: { "accept-encoding": "gzip" }, ...(workers > 1 ? { workers } : {}) }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/** autocannon opens its connections once; this is what someone opening the page during the load waits. */
async function newcomers(url: string, running: () => boolean): Promise<{ p50: number | null; max: number | null; count: number; gaveUp: number }> {
  const times: number[] = [];
  let gaveUp = 0;
  while (running()) {
    const startedAt = performance.now();
    const ok = await new Promise<boolean>((resolve) => {
      const request = get(url, { agent: false, headers: { "accept-encoding": "gzip" }, timeout: 30_000 }, (response) => {
        response.resume();
        response.once("end", () => resolve(response.statusCode === 200));
        response.once("error", () => resolve(false));
      });
      request.once("timeout", () => request.destroy());
      request.once("error", () => resolve(false));
    });
    const took = performance.now() - startedAt;
    if (ok) times.push(took);
    else gaveUp++;
    if (took < 1_000) await new Promise((resolve) => setTimeout(resolve, 1_000 - took));
  }
  if (times.length === 0) return { p50: null, max: null, count: 0, gaveUp };
  return { p50: percentile(times, 50), max: Math.max(...times), count: times.length, gaveUp };
}

interface LoopSecond {
  at: number;
  maxMs: number;
  p99Ms: number;
  gcMaxMs: number;
}

function loopDelays(file: string, from: number, to: number): { maxMs: number; worstSecondP99Ms: number; gcMaxMs: number } | null {
  let lines: LoopSecond[];
  try {
    lines = readFileSync(file, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as LoopSecond)
      .filter((line) => line.at > from && line.at <= to + 1_000);
  } catch {
    return null;
  }
  if (lines.length === 0) return null;
  return { maxMs: Math.max(...lines.map((l) => l.maxMs)), worstSecondP99Ms: Math.max(...lines.map((l) => l.p99Ms)), gcMaxMs: Math.max(...lines.map((l) => l.gcMaxMs)) };
}

export async function benchLoad(): Promise<void> {
  await ensureBuild({ log: () => undefined });
  const seconds = Number(process.env.BENCH_LOAD_SECONDS ?? 60);
  // Two threads: one cannot read 200 connections' megabyte histories as fast as the server sends them.
  const workers = Number(process.env.BENCH_LOAD_WORKERS ?? 2);
  const sim = await startSim(40);
  const data = mkdtempSync(join(tmpdir(), "load-bench-"));
  const loopFile = join(data, "event-loop.jsonl");
  const app = await startApp({
    NODE_OPTIONS: `--import ${pathToFileURL(join(ROOT, "scripts", "bench", "event-loop-probe.mjs")).href}`,
    BENCH_EVENT_LOOP_FILE: loopFile,
    NSIGHT_SERVER: sim.url,
    NSIGHT_API_KEY: KEY,
    DATA_DIR: data,
    NSIGHT_SESSIONS_TTL_SECONDS: "90",
    NSIGHT_TIMEOUT_SECONDS: "6",
  });
  const device = SCENARIO.hourlySqlServer;
  const sessionsUrl = `${app.url}/api/devices/${device}/sessions`;
  const fleetUrl = `${app.url}/api/fleet`;
  try {
    // The fleet's first full picture, so the refresher is idle for the runs.
    await untilFullPicture(app.url);
    const warm = (await (await fetch(sessionsUrl)).json()) as { data: unknown[] };
    const sessions = warm.data.length;
    const rows: [string, string][] = [];
    const results: Record<string, unknown> = { sessions, seconds, loadGeneratorThreads: workers };
    const measure = async (label: string, url: string) => {
      const before = (await sim.stats()).totalCalls;
      const attemptsBefore = app.nsightAttempts();
      const serverCpuBefore = cpuSeconds(app.child.pid!);
      const loadCpuBefore = process.cpuUsage();
      const startedAt = performance.now();
      const startedAtEpoch = Date.now();
      let running = true;
      const visitors = newcomers(url, () => running);
      const result = await run(url, seconds, workers).finally(() => (running = false));
      const newcomer = await visitors;
      const wallSeconds = (performance.now() - startedAt) / 1000;
      const loop = loopDelays(loopFile, startedAtEpoch, Date.now());
      const serverCores = (cpuSeconds(app.child.pid!) - serverCpuBefore) / wallSeconds;
      const loadUsage = process.cpuUsage(loadCpuBefore);
      const loadCores = (loadUsage.user + loadUsage.system) / 1e6 / wallSeconds;
      const calls = (await sim.stats()).totalCalls - before;
      const attempts = app.nsightAttempts() - attemptsBefore;
      const errors = result.errors + result.non2xx;
      results[label] = { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors, non2xx: result.non2xx, timeouts: result.timeouts, nsightCalls: calls, nsightAttempts: attempts, bytesPerSecond: result.throughput.average, maxLatency: result.latency.max, serverCores, loadGeneratorCores: loadCores, serverEventLoop: loop, newcomerMs: newcomer };
      rows.push([
        label,
        `${Math.round(result.requests.average).toLocaleString("en-US")} req/s, p50 ${ms(result.latency.p50)}, p99 ${ms(result.latency.p99)}, max ${ms(result.latency.max)}, errors ${errors} (timeouts ${result.timeouts}), ${(result.throughput.average / 1_048_576).toFixed(1)} MiB/s, N-sight calls ${calls} (tried ${attempts}), CPU cores: server ${serverCores.toFixed(2)}, autocannon ${loadCores.toFixed(2)}; server event loop late by at most ${loop ? ms(loop.maxMs) : "?"} (worst second's p99 ${loop ? ms(loop.worstSecondP99Ms) : "?"}, longest GC pause ${loop ? ms(loop.gcMaxMs) : "?"}); a newcomer each second (fresh connection): ${newcomer.p50 !== null && newcomer.max !== null ? `p50 ${ms(newcomer.p50)}, max ${ms(newcomer.max)}` : "none answered"}, gave up after 30 s: ${newcomer.gaveUp}`,
      ]);
    };
    const idleBefore = (await sim.stats()).totalCalls;
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    const idleCalls = (await sim.stats()).totalCalls - idleBefore;
    rows.push(["no load, 10 s (N-sight calls)", String(idleCalls)]);

    await measure(`sessions of ${device} (${sessions.toLocaleString("en-US")} sessions, cached)`, sessionsUrl);
    await measure("fleet", fleetUrl);

    // N-sight down, with the sessions past their TTL so every request must try it first.
    const current = (await (await fetch(sessionsUrl)).json()) as { meta: { fetchedAt: string } };
    const wait = Date.parse(current.meta.fetchedAt) + 92_000 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    await sim.outage(true);
    const stale = (await (await fetch(sessionsUrl)).json()) as { meta: { stale: boolean } };
    rows.push(["N-sight down: sessions answer marked stale", String(stale.meta.stale)]);
    await measure("sessions, N-sight down (stale)", sessionsUrl);
    await measure("fleet, N-sight down", fleetUrl);
    await sim.outage(false);

    const peak = peakRssBytes(app.child.pid!);
    rows.push(["server peak memory (VmHWM)", peak === null ? "unknown" : `${(peak / 1_048_576).toFixed(0)} MiB`]);
    results.peakRssBytes = peak;
    results.idleCallsPer10s = idleCalls;
    printTable(`Load: 200 connections × ${seconds} s each, production build, autocannon on ${workers} thread(s)`, rows);
    saveResult("load", results);
  } finally {
    app.child.kill();
    sim.child.kill();
    if (existsSync(loopFile)) {
      mkdirSync(join(process.cwd(), "bench-results"), { recursive: true });
      copyFileSync(loopFile, join(process.cwd(), "bench-results", "load-event-loop.jsonl"));
    }
    rmSync(data, { recursive: true, force: true });
  }
}
