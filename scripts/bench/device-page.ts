// Device page: time until four charts are ready, range "all" against 7 d (goal 1.25x), and first-load JS against a bare Next page.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from "node:fs";
import { createServer } from "node:net";
import { createInterface } from "node:readline";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { SCENARIO, SCENARIO_PLACES } from "../../simulator/scenarios";
import { startSimulator } from "../../simulator/server";
import { distDir, ensureBuild, nextBin, ROOT } from "../lib/build.mjs";
import { findChromium } from "../lib/find-browser.mjs";
import { median, ms, printTable, saveResult } from "./util";

const KEY = "bench-device-page-key";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

// nsightAttempts() counts refused connections too, which the simulator's own count never sees.
export async function startApp(env: Record<string, string>): Promise<{ url: string; child: ChildProcess; nsightAttempts: () => number }> {
  const port = await freePort();
  const child = spawn(process.execPath, [nextBin(), "start", "-p", String(port)], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env },
  });
  let attempts = 0;
  const count = (line: string) => {
    if (line.includes('"event":"nsight.call"')) attempts++;
  };
  createInterface({ input: child.stdout! }).on("line", count);
  createInterface({ input: child.stderr! }).on("line", (line) => {
    process.stderr.write(`${line}\n`);
    count(line);
  });
  const nsightAttempts = () => attempts;
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) return { url, child, nsightAttempts };
    } catch {
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill();
  throw new Error("the app did not start");
}

export function launchBrowser() {
  const found = findChromium();
  if (!found) throw new Error("No Chromium: run `npx playwright install chromium` or `apt-get install -y chromium`.");
  return chromium.launch({
    executablePath: found.executablePath,
    args: [
      ...(process.getuid?.() === 0 ? ["--no-sandbox"] : []),
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}

function gzippedFirstLoad(dir: string, dist = ".next"): Map<string, number> {
  const stats = JSON.parse(readFileSync(join(dir, dist, "diagnostics", "route-bundle-stats.json"), "utf8")) as {
    route: string;
    firstLoadChunkPaths: string[];
  }[];
  return new Map(stats.map((r) => [r.route, r.firstLoadChunkPaths.reduce((sum, p) => sum + gzipSync(readFileSync(join(dir, p))).byteLength, 0)]));
}

async function bareShellBytes(): Promise<number> {
  const dir = join(ROOT, ".cache", "bare-next");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "app"), { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "bare-next", private: true, type: "module" }));
  writeFileSync(join(dir, "app", "layout.tsx"), 'export default function Layout({ children }: { children: React.ReactNode }) {\n  return <html lang="en"><body>{children}</body></html>;\n}\n');
  writeFileSync(join(dir, "app", "page.tsx"), "export default function Page() {\n  return <main>hello</main>;\n}\n");
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { jsx: "preserve", strict: true, skipLibCheck: true, moduleResolution: "bundler", module: "esnext", target: "ES2022", lib: ["dom", "es2022"], noEmit: true, isolatedModules: true, esModuleInterop: true, allowJs: false, incremental: false }, include: ["**/*.tsx"] }));
  if (!existsSync(join(dir, "node_modules"))) symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  await new Promise<void>((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
    delete env.NEXT_DIST_DIR;
    const child = spawn(process.execPath, [nextBin(), "build"], { cwd: dir, stdio: "ignore", env });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`bare next build failed (${code})`))));
  });
  return gzippedFirstLoad(dir).get("/")!;
}

export async function benchDevicePage(): Promise<void> {
  await ensureBuild({ log: () => undefined });
  const sim = await startSimulator({ port: 0, key: KEY });
  const app = await startApp({ NSIGHT_SERVER: sim.url, NSIGHT_API_KEY: KEY, NSIGHT_DEMO: "1" });
  const browser = await launchBrowser();
  const device = SCENARIO.hourlySqlServer;
  const client = SCENARIO_PLACES[device]!.clientId;
  try {
    // Warm N-sight's side once: this measures the page, not the upstream.
    const all = await (await fetch(`${app.url}/api/devices/${device}/sessions`)).json();
    const sessions = (all as { data: unknown[] }).data.length;

    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    let jsTransferred = 0;
    const timeToReady = async (range: string): Promise<number> => {
      const page = await context.newPage();
      const started = Date.now();
      await page.goto(`${app.url}/devices/${device}?client=${client}&tz=UTC&range=${range}`);
      await page.waitForFunction(() => document.querySelectorAll('[data-chart][data-state="ready"]').length === 4, undefined, { timeout: 60_000, polling: 20 });
      const elapsed = Date.now() - started;
      jsTransferred = await page.evaluate(() =>
        performance
          .getEntriesByType("resource")
          .filter((e) => e.name.endsWith(".js"))
          .reduce((sum, e) => sum + (e as PerformanceResourceTiming).encodedBodySize, 0),
      );
      await page.close();
      return elapsed;
    };
    await timeToReady("7d");
    await timeToReady("all");
    const weekly: number[] = [];
    const everything: number[] = [];
    for (let i = 0; i < 7; i++) {
      weekly.push(await timeToReady("7d"));
      everything.push(await timeToReady("all"));
    }
    await context.close();

    const routes = gzippedFirstLoad(ROOT, distDir());
    const bare = await bareShellBytes();
    const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
    const delta = (route: string) => routes.get(route)! - bare;
    const result = {
      sessions,
      readyMedianMs: { "7d": median(weekly), all: median(everything) },
      ratioAllTo7d: median(everything) / median(weekly),
      firstLoadGzipBytes: Object.fromEntries(routes),
      bareNextShellGzipBytes: bare,
      devicePageAllJsBytesServed: jsTransferred,
    };
    printTable(`Device page: ${sessions.toLocaleString("en-US")} sessions, charts ready (median of 7, same run)`, [
      ["range 7 d", ms(median(weekly))],
      ["range all", ms(median(everything))],
      ["ratio all / 7 d (goal ≤ 1.25)", `${result.ratioAllTo7d.toFixed(2)}`],
    ]);
    printTable(`First-load JS, gzipped (from ${distDir()}/diagnostics/route-bundle-stats.json)`, [
      ["bare Next.js page (built in this run)", kb(bare)],
      ...["/", "/clients/[clientId]", "/clients/[clientId]/sites/[siteId]"].map(
        (route) => [`${route} (goal ≤ bare + 10 kB)`, `${kb(routes.get(route)!)} (+${kb(delta(route))})`] as [string, string],
      ),
      ["/devices/[deviceId] (goal < 260 kB; charts load on demand)", kb(routes.get("/devices/[deviceId]")!)],
      ["/devices/[deviceId] all JS once the charts are drawn (as served)", kb(jsTransferred)],
    ]);
    saveResult("device-page", result);
  } finally {
    await browser.close();
    app.child.kill();
    await sim.close();
  }
}
