import { rmSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import Sqlite from "better-sqlite3";
import { SCENARIO } from "../../simulator/scenarios";
import { E2E_SIMULATOR_ARGS, e2eAppEnv } from "../support/env";
import { fullPicture } from "../support/fleet";
import { control, startOwnApp, startOwnSimulator } from "../support/processes";

const PORT = Number(process.env.E2E_RESTART_PORT ?? 3320);
const DATA_DIR = ".cache/e2e-restart";

test("a restart with a warm store shows the previous fleet state before any new N-sight call returns", async ({ page, request }) => {
  test.setTimeout(300_000);
  rmSync(DATA_DIR, { recursive: true, force: true });
  // Its own simulator: the shared app's calls would still hang in this latency after the spec.
  const sim = await startOwnSimulator(E2E_SIMULATOR_ARGS);
  const env = { ...e2eAppEnv(DATA_DIR, { demo: true }), NSIGHT_SERVER: sim.url };
  let app = await startOwnApp(PORT, env);
  try {
    await fullPicture(request, app.url);
    await new Promise((resolve) => setTimeout(resolve, 6_500));
    const exited = new Promise((resolve) => app.child.once("exit", resolve));
    app.child.kill("SIGKILL");
    await exited;

    // What the killed process had written to the store: one row per device.
    const sqlite = new Sqlite(join(DATA_DIR, "dashboard.sqlite"));
    const stored = { devices: sqlite.prepare("select state from fleet_devices where slot = 'current'").all() as { state: string }[] };
    sqlite.close();
    expect(stored.devices.length).toBeGreaterThan(0);

    // N-sight answers nothing for minutes from here: whatever the page shows comes from disk.
    await control(sim.control, "/faults", { latencyMs: 240_000 });
    app = await startOwnApp(PORT, env);
    const after = (await (await request.get(`${app.url}/api/fleet`)).json()).data;
    expect(after.progress.restoredAt).not.toBeNull();
    expect(after.total).toBe(stored.devices.length);
    expect(after.problems.map((d: { deviceId: string }) => d.deviceId)).toContain(SCENARIO.failingStreak);
    // Counted in the store, not before the kill: the refresher kept reading until then.
    expect(after.counts.failed).toBe(stored.devices.filter((d: { state: string }) => d.state === "failed").length);

    await page.goto(`${app.url}/`);
    await expect(page.getByTestId("fleet-overview")).toContainText("restored from disk");
    await expect(page.locator(`tr[data-device-id="${SCENARIO.failingStreak}"]`)).toHaveAttribute("data-health", "failed");
  } finally {
    app.child.kill("SIGKILL");
    await sim.stop();
  }
});
