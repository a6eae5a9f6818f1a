import { existsSync } from "node:fs";
import { createRequire } from "node:module";

const SYSTEM_CHROMIUMS = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"];

export const INSTALL_HINT =
  "No Chromium found for the end-to-end tests: run `npx playwright install chromium`, or on Debian/Ubuntu `sudo apt-get install -y chromium`.";

/** @returns {{ executablePath: string | undefined, source: "playwright" | "system" } | null} */
export function findChromium() {
  if (process.env.CHROMIUM_PATH) {
    return existsSync(process.env.CHROMIUM_PATH) ? { executablePath: process.env.CHROMIUM_PATH, source: "system" } : null;
  }
  try {
    const require = createRequire(import.meta.url);
    const { chromium } = require("playwright-core");
    const own = chromium.executablePath();
    if (own && existsSync(own)) return { executablePath: undefined, source: "playwright" };
  } catch {
  }
  const system = SYSTEM_CHROMIUMS.find((path) => existsSync(path));
  return system ? { executablePath: system, source: "system" } : null;
}
