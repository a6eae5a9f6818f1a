// Without NSIGHT_API_KEY: the simulator on loopback with a throwaway key, and a "Demo data" badge on every page.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { ensureBuild, nextBin, ROOT } from "./lib/build.mjs";
import { startSimulatorProcess } from "./lib/simulator-process.mjs";

const dev = process.argv.includes("--dev");
const port = process.env.PORT || "3000";
const children = new Set();

function stopAll(code) {
  for (const child of children) child.kill("SIGTERM");
  process.exit(code);
}
process.on("SIGINT", () => stopAll(130));
process.on("SIGTERM", () => stopAll(143));

function watch(child, name) {
  children.add(child);
  child.on("exit", (code, signal) => {
    children.delete(child);
    console.error(`${name} stopped (${signal ?? `exit code ${code}`}); shutting down.`);
    stopAll(code ?? 1);
  });
}

// The same address on every start: the saved demo fleet is tied to its server, so it is recognised as the same account.
const DEMO_SIMULATOR_PORT = 4010;

function portIsFree(port) {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

async function startDemoSimulator(key) {
  const port = (await portIsFree(DEMO_SIMULATOR_PORT)) ? DEMO_SIMULATOR_PORT : 0;
  return startSimulatorProcess(["--port", String(port), "--host", "127.0.0.1", "--key", key]);
}

async function main() {
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
  const apiKey = process.env.NSIGHT_API_KEY?.trim();

  if (apiKey) {
    if (!process.env.NSIGHT_SERVER?.trim()) {
      console.error("NSIGHT_API_KEY is set but NSIGHT_SERVER is not: set it to your regional API host, e.g. www.systemmonitor.us (see README).");
      process.exit(1);
    }
    console.log(`Using N-sight at ${process.env.NSIGHT_SERVER.trim()} (key from NSIGHT_API_KEY).`);
    env.NSIGHT_DEMO = "0";
  } else {
    console.log("No NSIGHT_API_KEY set: serving demo data from the built-in N-sight simulator.");
    const demoKey = randomBytes(16).toString("hex");
    const { child, info } = await startDemoSimulator(demoKey);
    watch(child, "The N-sight simulator");
    console.log(`N-sight simulator listening on ${info.url}`);
    Object.assign(env, { NSIGHT_SERVER: info.url, NSIGHT_API_KEY: demoKey, NSIGHT_DEMO: "1" });
  }

  if (!dev) await ensureBuild();
  const next = spawn(process.execPath, [nextBin(), dev ? "dev" : "start", "-p", port], { cwd: ROOT, stdio: "inherit", env });
  watch(next, "The dashboard server");
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : String(error));
  stopAll(1);
});
