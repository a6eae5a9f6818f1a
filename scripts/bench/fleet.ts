// fleet: 5,000 devices from cold, calls per minute; viewers: 50 against none, N-sight calls; soak: /noc heap and DOM over 300 refreshes.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import autocannon from "autocannon";
import { ensureBuild, ROOT } from "../lib/build.mjs";
import { freePort, launchBrowser, startApp } from "./device-page";
import { ms, printTable, saveResult } from "./util";

const KEY = "bench-fleet-key";

interface SimStats {
  totalCalls: number;
  callsByService: Record<string, number>;
  maxCallsInAnyMinute: number;
}

interface Sim {
  url: string;
  control: string;
  child: ChildProcess;
  stats(): Promise<SimStats>;
  reset(): Promise<void>;
  outage(on: boolean): Promise<void>;
}

export async function startSim(devices: number): Promise<Sim> {
  const controlPort = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "simulator/main.ts", "--port", "0", "--control-port", String(controlPort), "--key", KEY, "--devices", String(devices)], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once("line", (line) => resolve((JSON.parse(line) as { url: string }).url));
    child.once("exit", (code) => reject(new Error(`simulator exited (${code})`)));
  });
  const control = `http://127.0.0.1:${controlPort}`;
  return {
    url,
    control,
    child,
    stats: async () => (await (await fetch(`${control}/stats`)).json()) as SimStats,
    reset: async () => void (await fetch(`${control}/reset`, { method: "POST" })),
    outage: async (on) => void (await fetch(`${control}/outage`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ on }) })),
  };
}

interface Snapshot {
  progress: { backupDevices: number; read: number; fullPictureAt: string | null; inventoryReadAt: string | null };
  clients: unknown[];
}

async function fleetSnapshot(app: string): Promise<Snapshot> {
  return ((await (await fetch(`${app}/api/fleet`)).json()) as { data: Snapshot }).data;
}

export async function untilFullPicture(app: string, onProgress?: (s: Snapshot) => void): Promise<Snapshot> {
  for (;;) {
    const snapshot = await fleetSnapshot(app);
    onProgress?.(snapshot);
    if (snapshot.progress.fullPictureAt) return snapshot;
    await new Promise((resolve) => setTimeout(resolve, 10_000));
  }
}

export async function benchFleet(): Promise<void> {
  await ensureBuild({ log: () => undefined });
  const devices = Number(process.env.BENCH_FLEET_DEVICES ?? 5_000);
  const perMinute = 60;
  const sim = await startSim(devices);
  const data = mkdtempSync(join(tmpdir(), "fleet-bench-"));
  const started = Date.now();
  const app = await startApp({ NSIGHT_SERVER: sim.url, NSIGHT_API_KEY: KEY, NSIGHT_DEMO: "1", DATA_DIR: data, NSIGHT_CALLS_PER_MINUTE: String(perMinute) });
  try {
    let lastLog = 0;
    const snapshot = await untilFullPicture(app.url, (s) => {
      if (Date.now() - lastLog > 60_000) {
        lastLog = Date.now();
        console.log(`  … ${s.progress.read} of ${s.progress.backupDevices} read after ${Math.round((Date.now() - started) / 60_000)} min`);
      }
    });
    const stats = await sim.stats();
    const elapsedMs = Date.parse(snapshot.progress.fullPictureAt!) - started;
    const discoveryCalls = (stats.callsByService.list_clients ?? 0) + (stats.callsByService.list_devices_at_client ?? 0);
    const lowerBoundMs = ((snapshot.progress.backupDevices + discoveryCalls) / perMinute) * 60_000;
    const result = {
      devices,
      backupDevices: snapshot.progress.backupDevices,
      discoveryCalls,
      callsByService: stats.callsByService,
      totalCalls: stats.totalCalls,
      maxCallsInAnyMinute: stats.maxCallsInAnyMinute,
      budgetPerMinute: perMinute,
      fullPictureMs: elapsedMs,
      lowerBoundMs,
      ratio: elapsedMs / lowerBoundMs,
    };
    printTable(`Fleet: ${devices.toLocaleString("en-US")} simulated devices, cold start to first full picture`, [
      ["devices with B&R on", result.backupDevices.toLocaleString("en-US")],
      ["discovery calls (list_clients + list_devices_at_client)", String(discoveryCalls)],
      ["calls to N-sight in all (incl. retries)", stats.totalCalls.toLocaleString("en-US")],
      ["most calls in any 60 s (budget 60)", String(stats.maxCallsInAnyMinute)],
      ["time to first full picture", `${(elapsedMs / 60_000).toFixed(1)} min`],
      ["lower bound (B&R devices + discovery) / budget", `${(lowerBoundMs / 60_000).toFixed(1)} min`],
      ["ratio (goal ≤ 1.1)", result.ratio.toFixed(3)],
    ]);
    saveResult("fleet", result);
  } finally {
    app.child.kill();
    sim.child.kill();
    rmSync(data, { recursive: true, force: true });
  }
}

function load(url: string, connections: number, seconds: number) {
  return new Promise<autocannon.Result>((resolve, reject) => {
    autocannon(
      {
        url,
        connections,
        duration: seconds,
        // Two NOC polls for each full render of the home page.
        requests: [{ path: "/api/fleet" }, { path: "/api/fleet" }, { path: "/" }],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

export async function benchViewers(): Promise<void> {
  await ensureBuild({ log: () => undefined });
  const seconds = Number(process.env.BENCH_VIEWERS_SECONDS ?? 300);
  const sim = await startSim(400);
  const data = mkdtempSync(join(tmpdir(), "viewers-bench-"));
  // The refresher re-reads nothing for a day after its first full picture, so a difference between the windows is the viewers'.
  const app = await startApp({ NSIGHT_SERVER: sim.url, NSIGHT_API_KEY: KEY, NSIGHT_DEMO: "1", DATA_DIR: data, FLEET_MIN_REREAD_SECONDS: "86400", FLEET_REREAD_SECONDS: "86400" });
  try {
    await untilFullPicture(app.url);
    const quietStart = await sim.stats();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const quietEnd = await sim.stats();
    const result = await load(app.url, 50, seconds);
    const busyEnd = await sim.stats();
    const quietCalls = quietEnd.totalCalls - quietStart.totalCalls;
    const busyCalls = busyEnd.totalCalls - quietEnd.totalCalls;
    const out = {
      seconds,
      viewers: 50,
      nsightCallsWithoutViewers: quietCalls,
      nsightCallsWith50Viewers: busyCalls,
      requests: result.requests.total,
      requestsPerSecond: result.requests.average,
      latencyP50Ms: result.latency.p50,
      latencyP99Ms: result.latency.p99,
      errors: result.errors + result.non2xx,
    };
    printTable(`Viewers: 50 concurrent viewers of /noc and / for ${seconds} s (400-device fleet)`, [
      ["N-sight calls, no viewer", String(quietCalls)],
      ["N-sight calls, 50 viewers", String(busyCalls)],
      ["page data calls served", out.requests.toLocaleString("en-US")],
      ["p50 / p99 latency", `${ms(out.latencyP50Ms)} / ${ms(out.latencyP99Ms)}`],
      ["errors (incl. non-2xx)", String(out.errors)],
    ]);
    saveResult("viewers", out);
  } finally {
    app.child.kill();
    sim.child.kill();
    rmSync(data, { recursive: true, force: true });
  }
}

export async function benchSoak(): Promise<void> {
  await ensureBuild({ log: () => undefined });
  const cycles = Number(process.env.BENCH_SOAK_CYCLES ?? 300);
  const refresh = 5;
  const sim = await startSim(400);
  const data = mkdtempSync(join(tmpdir(), "soak-bench-"));
  const app = await startApp({ NSIGHT_SERVER: sim.url, NSIGHT_API_KEY: KEY, NSIGHT_DEMO: "1", DATA_DIR: data, FLEET_MIN_REREAD_SECONDS: "90", FLEET_REREAD_SECONDS: "90", NSIGHT_SESSIONS_TTL_SECONDS: "90" });
  const browser = await launchBrowser();
  try {
    // Every device read first, else the DOM and heap grow with the data, not with a leak (174 to 443 nodes that way).
    await untilFullPicture(app.url);
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    let polls = 0;
    page.on("response", (response) => {
      if (response.url().includes("/api/fleet")) polls++;
    });
    // No rotation during the soak, so DOM node counts compare like with like.
    await page.goto(`${app.url}/noc?refresh=${refresh}&rotate=600`);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Performance.enable");
    const measure = async () => {
      await cdp.send("HeapProfiler.collectGarbage");
      const { metrics } = await cdp.send("Performance.getMetrics");
      const get = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0;
      return { heap: get("JSHeapUsedSize"), nodes: get("Nodes") };
    };
    while (polls < 10) await new Promise((resolve) => setTimeout(resolve, 1_000));
    const start = await measure();
    const first = polls;
    while (polls - first < cycles) await new Promise((resolve) => setTimeout(resolve, 5_000));
    const end = await measure();
    const out = {
      cycles: polls - first,
      refreshSeconds: refresh,
      heapStartBytes: start.heap,
      heapEndBytes: end.heap,
      heapGrowth: (end.heap - start.heap) / start.heap,
      nodesStart: start.nodes,
      nodesEnd: end.nodes,
    };
    printTable(`Soak: /noc in Chromium, ${out.cycles} refresh cycles every ${refresh} s`, [
      ["JS heap after GC, start → end", `${(start.heap / 1e6).toFixed(2)} MB → ${(end.heap / 1e6).toFixed(2)} MB`],
      ["heap growth (goal < 10%)", `${(out.heapGrowth * 100).toFixed(1)}%`],
      ["DOM nodes, start → end", `${start.nodes} → ${end.nodes}`],
    ]);
    saveResult("soak", out);
  } finally {
    await browser.close();
    app.child.kill();
    sim.child.kill();
    rmSync(data, { recursive: true, force: true });
  }
}
