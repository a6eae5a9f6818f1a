import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { expect } from "@playwright/test";

export interface OwnProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

function capture(child: ChildProcess): () => string {
  const chunks: string[] = [];
  child.stdout?.on("data", (chunk: Buffer) => chunks.push(chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => chunks.push(chunk.toString("utf8")));
  return () => chunks.join("");
}

function stopper(child: ChildProcess) {
  return (signal: NodeJS.Signals = "SIGTERM") =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill(signal);
    });
}

export async function startOwnSimulator(args: string[]): Promise<OwnProcess & { control: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "simulator/main.ts", "--port", "0", "--control-port", "0", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const info = await new Promise<{ url: string; controlUrl: string }>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", (line) => resolve(JSON.parse(line)));
    child.once("exit", (code) => reject(new Error(`simulator exited (${code})`)));
  });
  return { child, url: info.url, control: info.controlUrl, output: capture(child), stop: stopper(child) };
}

export async function startOwnApp(port: number, env: Record<string, string>): Promise<OwnProcess> {
  const child = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(port)], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env },
  });
  const output = capture(child);
  const url = `http://127.0.0.1:${port}`;
  await expect.poll(async () => (await fetch(`${url}/api/health`).catch(() => null))?.status ?? 0, { timeout: 60_000 }).toBe(200);
  return { child, url, output, stop: stopper(child) };
}

export async function control(base: string, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${base}${path}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
}
