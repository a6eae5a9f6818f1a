// instances: the same viewers' work against one instance and against three sharing one Redis and one PostgreSQL.
// N-sight calls should be equal (one per resource per TTL, whoever asks); three should carry more requests a second.
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { startTestPostgres } from "../../lib/testing/postgres-server";
import { startTestRedis } from "../../lib/testing/redis-server";
import { ensureBuild } from "../lib/build.mjs";
import { startApp } from "./device-page";
import { startSim } from "./fleet";
import { ms, percentile, printTable, saveResult } from "./util";

const KEY = "bench-fleet-key";
const DEVICES = 60;
const WORK_DEVICES = 12;
const WARM_UP_SECONDS = 10;

interface Run {
  instances: number;
  requests: number;
  errors: number;
  rps: number;
  p50: number;
  p99: number;
  workSetCalls: number;
  allCalls: number;
  /** CPU the instances used together, in cores, and the viewers' own process: on a small machine they compete. */
  serverCores: number;
  viewerCores: number;
}

function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

interface LoggedRequest {
  at: string;
  service: string | null;
  params: Record<string, string>;
}

async function simRequests(control: string, since: string): Promise<LoggedRequest[]> {
  const { requests } = (await (await fetch(`${control}/stats`)).json()) as { requests: LoggedRequest[] };
  return requests.filter((r) => r.at >= since);
}

/** The work: every viewer walks what the same device pages ask for, and the fleet, each request to the next instance in turn. */
function workPaths(devices: readonly string[]): string[] {
  const view = "range=30d&tz=UTC";
  return [...devices.flatMap((d) => [`/api/devices/${d}/history?${view}`, `/api/devices/${d}/sessions/table?${view}`]), "/api/fleet"];
}

async function viewers(urls: readonly string[], paths: readonly string[], count: number, seconds: number): Promise<{ latencies: number[]; errors: number }> {
  const endAt = performance.now() + seconds * 1000;
  const latencies: number[] = [];
  let errors = 0;
  let turn = 0;
  await Promise.all(
    Array.from({ length: count }, async (_, viewer) => {
      for (let step = viewer; performance.now() < endAt; step++) {
        const url = `${urls[turn++ % urls.length]}${paths[step % paths.length]}`;
        const startedAt = performance.now();
        try {
          const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
          await response.arrayBuffer();
          if (response.ok) latencies.push(performance.now() - startedAt);
          else errors++;
        } catch {
          errors++;
        }
      }
    }),
  );
  return { latencies, errors };
}

export async function benchInstances(): Promise<void> {
  await ensureBuild({ log: () => undefined });
  const seconds = Number(process.env.BENCH_INSTANCES_SECONDS ?? 30);
  const viewerCount = Number(process.env.BENCH_INSTANCES_VIEWERS ?? 50);
  const [redis, postgres, sim] = await Promise.all([startTestRedis(), startTestPostgres(), startSim(DEVICES)]);
  const dirs: string[] = [];
  const apps: ChildProcess[] = [];
  try {
    // Steady devices: none of the simulator's seeded faults (a stall, an HTML answer…) whose retries would count as work.
    const listed = (await (await fetch(`${sim.control}/devices?state=ok&steady=true&limit=${WORK_DEVICES}`)).json()) as { devices: { deviceId: string }[] };
    const work = listed.devices.map((d) => d.deviceId);
    const paths = workPaths(work);
    const runs: Run[] = [];
    for (const size of [1, 3]) {
      // Each configuration starts cold: an empty Redis, a new database, new data directories.
      await redis.stop();
      await redis.start();
      const databaseUrl = await postgres.createDatabase();
      const urls: string[] = [];
      for (let i = 0; i < size; i++) {
        const dir = mkdtempSync(join(tmpdir(), "instances-bench-"));
        dirs.push(dir);
        const app = await startApp({
          NSIGHT_SERVER: sim.url,
          NSIGHT_API_KEY: KEY,
          // Open demo on a loopback simulator: no sign-in, so the work is the reads alone.
          NSIGHT_DEMO: "1",
          NSIGHT_CALLS_PER_MINUTE: "60",
          NSIGHT_CALLS_PER_PRINCIPAL: "60",
          NSIGHT_TIMEOUT_SECONDS: "6",
          NSIGHT_SESSIONS_TTL_SECONDS: "300",
          DATA_DIR: dir,
          REDIS_URL: redis.url,
          DATABASE_URL: databaseUrl,
          MAX_INSTANCES: "3",
          INSTANCE_NAME: `bench-${i + 1}`,
        });
        apps.push(app.child);
        urls.push(app.url);
      }
      const since = new Date().toISOString();
      // Unmeasured but counted in N-sight calls: each instance's first reads (cold caches, code not yet optimised).
      await viewers(urls, paths, viewerCount, WARM_UP_SECONDS);
      const cpuBefore = apps.reduce((sum, app) => sum + cpuSeconds(app.pid), 0);
      const viewerCpuBefore = process.cpuUsage();
      const { latencies, errors } = await viewers(urls, paths, viewerCount, seconds);
      const serverCores = (apps.reduce((sum, app) => sum + cpuSeconds(app.pid), 0) - cpuBefore) / seconds;
      const viewerCpu = process.cpuUsage(viewerCpuBefore);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const calls = await simRequests(sim.control, since);
      const workSet = new Set(work);
      runs.push({
        instances: size,
        requests: latencies.length,
        errors,
        rps: latencies.length / seconds,
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        workSetCalls: calls.filter((c) => c.service === "list_mob_sessions" && workSet.has(c.params.deviceid ?? "")).length,
        allCalls: calls.length,
        serverCores,
        viewerCores: (viewerCpu.user + viewerCpu.system) / 1e6 / seconds,
      });
      for (const app of apps.splice(0)) {
        const gone = new Promise((resolve) => app.once("exit", resolve));
        app.kill("SIGTERM");
        await gone;
      }
    }
    const [one, three] = runs as [Run, Run];
    const rows: [string, string][] = runs.map((r) => [
      `${r.instances} instance${r.instances > 1 ? "s" : ""}`,
      `${r.rps.toFixed(0)} req/s (${r.requests} answered, ${r.errors} errors), p50 ${ms(r.p50)}, p99 ${ms(r.p99)}, N-sight calls for the work ${r.workSetCalls} (all calls, the refresher's too: ${r.allCalls}); CPU cores: instances ${r.serverCores.toFixed(2)}, viewers ${r.viewerCores.toFixed(2)} of ${availableParallelism()}`,
    ]);
    rows.push([
      "3 vs 1",
      `requests/s ×${(three.rps / one.rps).toFixed(2)}, p99 ×${(three.p99 / one.p99).toFixed(2)}, N-sight calls for the work ${three.workSetCalls} vs ${one.workSetCalls}${three.workSetCalls === one.workSetCalls ? " (equal)" : " (NOT equal)"}`,
    ]);
    printTable(`Instances: ${viewerCount} viewers × ${seconds} s (after ${WARM_UP_SECONDS} s unmeasured) over ${WORK_DEVICES} device pages' reads and the fleet, round robin, one Redis + PostgreSQL, ${DEVICES}-device simulator`, rows);
    saveResult("instances", { seconds, warmUpSeconds: WARM_UP_SECONDS, viewers: viewerCount, workDevices: WORK_DEVICES, runs });
  } finally {
    for (const app of apps) app.kill("SIGKILL");
    sim.child.kill();
    await redis.close();
    await postgres.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}
