import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { E2E_DATA_DIR } from "./env";

export function expireShareLink(id: string, dataDir = E2E_DATA_DIR): void {
  const result = spawnSync(join("node_modules", ".bin", "tsx"), ["--conditions=react-server", "e2e/support/expire-share-link.ts", id], {
    env: { ...process.env, DATA_DIR: dataDir },
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`expire share link: ${result.stderr || result.stdout}`);
}
