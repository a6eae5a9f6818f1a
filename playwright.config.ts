import { defineConfig, devices } from "@playwright/test";
import { APP_PORT, APP_URL, authState, E2E_DATA_DIR, E2E_SIMULATOR_ARGS, e2eAppEnv, SIGNED_OUT, SIM_CONTROL_URL, SIM_PORT, SIM_CONTROL_PORT } from "./e2e/support/env";
import { findChromium, INSTALL_HINT } from "./scripts/lib/find-browser.mjs";

const chromium = findChromium();
if (!chromium) throw new Error(INSTALL_HINT);

const runningAsRoot = typeof process.getuid === "function" && process.getuid() === 0;

export default defineConfig({
  testDir: "./e2e",
  testMatch: "**/*.spec.ts",
  outputDir: "./test-results",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  retries: 0,
  workers: 2,
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    baseURL: APP_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: chromium.executablePath,
      args: [
        ...(runningAsRoot ? ["--no-sandbox"] : []),
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  projects: [
    // Accounts for each role, signed in once through /login (the app runs with sign-in on).
    { name: "setup", use: { ...devices["Desktop Chrome"], channel: undefined }, testMatch: "auth.setup.ts" },
    // Every spec is the administrator unless it says otherwise.
    { name: "journeys", use: { ...devices["Desktop Chrome"], channel: undefined, storageState: authState("admin") }, testIgnore: ["**/faults/**", "**/cluster/**"], dependencies: ["setup"] },
    // Specs that stop or break the simulator run last, one at a time, after every journey.
    { name: "faults", use: { ...devices["Desktop Chrome"], channel: undefined, storageState: authState("admin") }, testMatch: "**/faults/**/*.spec.ts", dependencies: ["journeys"], workers: 1 },
    // Three instances with their own Redis, PostgreSQL, simulator and accounts (e2e/support/cluster.ts): last, alone.
    { name: "cluster", use: { ...devices["Desktop Chrome"], channel: undefined, storageState: SIGNED_OUT }, testMatch: "**/cluster/**/*.spec.ts", dependencies: ["faults"], workers: 1 },
  ],
  webServer: [
    {
      name: "N-sight simulator",
      command: `node --import tsx simulator/main.ts --port ${SIM_PORT} --control-port ${SIM_CONTROL_PORT} ${E2E_SIMULATOR_ARGS.join(" ")}`,
      url: `${SIM_CONTROL_URL}/stats`,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
      timeout: 60_000,
    },
    {
      name: "dashboard",
      command: `node node_modules/next/dist/bin/next start -p ${APP_PORT}`,
      url: `${APP_URL}/api/health`,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
      timeout: 120_000,
      env: e2eAppEnv(E2E_DATA_DIR),
    },
  ],
});
