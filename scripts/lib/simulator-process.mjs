import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { ROOT } from "./build.mjs";

/**
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
      }
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (!started) reject(new Error(`The simulator exited before listening (exit code ${code})`));
    });
  });
}
