import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { ensureBuild, ROOT } from "./lib/build.mjs";
import { findChromium, INSTALL_HINT } from "./lib/find-browser.mjs";

if (!findChromium()) {
  console.error(INSTALL_HINT);
  process.exit(1);
}
await ensureBuild();
// Every run starts with no saved fleet state, no accounts and no signed-in browsers.
for (const dir of ["e2e-data", "e2e-restart", "e2e-auth", "e2e-auth-app"]) rmSync(join(ROOT, ".cache", dir), { recursive: true, force: true });
const result = spawnSync(process.execPath, [join(ROOT, "node_modules", "@playwright", "test", "cli.js"), "test", ...process.argv.slice(2)], {
  cwd: ROOT,
  stdio: "inherit",
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
});
process.exit(result.status ?? 1);
