// Starts the N-sight simulator as a child process and waits for its "listening" line.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { ROOT } from "./build.mjs";

/**
 * @param {string[]} args simulator flags, e.g. ["--port", "0", "--key", "…"]
 * @returns {Promise<{ child: import("node:child_process").ChildProcess, info: { url: string, port: number, controlUrl: string | null } }>}
 */
export function startSimulatorProcess(args, { stdio = "inherit" } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "simulator/main.ts", ...args], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", stdio],
      env: process.env,
    });
    const lines = createInterface({ input: child.stdout });
    let started = false;
    lines.on("line", (line) => {
      if (started) return;
      try {
        const info = JSON.parse(line);
        if (info.event === "listening") {
          started = true;
          resolve({ child, info });
        }
      } catch {
        // Not the JSON line we wait for.
      }
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (!started) reject(new Error(`The simulator exited before listening (exit code ${code})`));
    });
  });
}
