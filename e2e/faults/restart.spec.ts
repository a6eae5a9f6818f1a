import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { SCENARIO } from "../../simulator/scenarios";
import { E2E_API_KEY, SIM_URL } from "../support/env";
import { fullPicture } from "../support/fleet";
import { simulator } from "../support/simulator-control";

const PORT = Number(process.env.E2E_RESTART_PORT ?? 3320);
const BASE = `http://127.0.0.1:${PORT}`;
const DATA_DIR = ".cache/e2e-restart";

function startApp(): ChildProcess {
  return spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(PORT)], {
    stdio: "ignore",
    env: {
      ...process.env,
      NSIGHT_SERVER: SIM_URL,
      NSIGHT_API_KEY: E2E_API_KEY,
      NSIGHT_DEMO: "1",
      NSIGHT_TIMEOUT_SECONDS: "6",
      FLEET_MIN_REREAD_SECONDS: "90",
      NSIGHT_SESSIONS_TTL_SECONDS: "90",
      FLEET_REREAD_SECONDS: "90",
      DATA_DIR,
      NEXT_TELEMETRY_DISABLED: "1",
    },
  });
}

async function waitUntilUp(): Promise<void> {
  await expect.poll(async () => (await fetch(`${BASE}/api/health`).catch(() => null))?.status ?? 0, { timeout: 60_000 }).toBe(200);
}

test("a restart with a warm store shows the previous fleet state before any new N-sight call returns", async ({ page, request }) => {
  test.setTimeout(300_000);
  let app = startApp();
  try {
    await waitUntilUp();
    const before = await fullPicture(request, BASE);
    // Let a save happen, then kill the server without warning, in the middle of its refresh.
    await new Promise((resolve) => setTimeout(resolve, 6_500));
    app.kill("SIGKILL");
    await new Promise((resolve) => app.once("exit", resolve));

    const stored = JSON.parse(readFileSync(join(DATA_DIR, "fleet-state.json"), "utf8"));
    expect(stored.devices.length).toBeGreaterThan(0);

    // From now on N-sight answers nothing for minutes (calls time out after 6 s): whatever
    // the page shows comes from disk.
    await simulator.setFaults({ latencyMs: 240_000 });
    app = startApp();
    await waitUntilUp();
    const after = (await (await request.get(`${BASE}/api/fleet`)).json()).data;
    expect(after.progress.restoredAt).not.toBeNull();
    expect(after.total).toBe(stored.devices.length);
    expect(after.problems.map((d: { deviceId: string }) => d.deviceId)).toContain(SCENARIO.failingStreak);
    expect(after.counts.failed).toBe(before.counts.failed);

    await page.goto(`${BASE}/`);
    await expect(page.getByTestId("fleet-overview")).toContainText("restored from disk");
    await expect(page.locator(`tr[data-device-id="${SCENARIO.failingStreak}"]`)).toHaveAttribute("data-health", "failed");
  } finally {
    await simulator.setFaults({ latencyMs: 0 });
    app.kill("SIGKILL");
  }
});
