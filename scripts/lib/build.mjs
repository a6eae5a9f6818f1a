// Builds only when the sources changed, so a second run is quick and never serves stale code.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export function distDir() {
  return process.env.NEXT_DIST_DIR || ".next";
}
const stampPath = () => join(ROOT, distDir(), "source-stamp.txt");
const INPUTS = ["app", "components", "lib", "public", "proxy.ts", "instrumentation.ts", "next.config.mjs", "tailwind.config.ts", "postcss.config.mjs", "tsconfig.json", "package-lock.json"];

function* files(path) {
  if (!existsSync(path)) return;
  if (statSync(path).isFile()) {
    yield path;
    return;
  }
  for (const entry of readdirSync(path, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    yield* files(join(path, entry.name));
  }
}

export function sourceStamp() {
  const hash = createHash("sha256");
  for (const input of INPUTS) {
    for (const file of files(join(ROOT, input))) {
      hash.update(relative(ROOT, file));
      hash.update("\0");
      hash.update(readFileSync(file));
      hash.update("\0");
    }
  }
  return hash.digest("hex");
}

export function buildIsCurrent() {
  return existsSync(join(ROOT, distDir(), "BUILD_ID")) && existsSync(stampPath()) && readFileSync(stampPath(), "utf8") === sourceStamp();
}

export function nextBin() {
  return join(ROOT, "node_modules", "next", "dist", "bin", "next");
}

export async function ensureBuild({ log = (line) => console.log(line) } = {}) {
  if (buildIsCurrent()) {
    log("Production build is up to date.");
    return;
  }
  log("Building the production bundle (next build)…");
  const stamp = sourceStamp();
  await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [nextBin(), "build"], {
      cwd: ROOT,
      stdio: "inherit",
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`next build failed with exit code ${code}`))));
    child.on("error", reject);
  });
  writeFileSync(stampPath(), stamp);
}
