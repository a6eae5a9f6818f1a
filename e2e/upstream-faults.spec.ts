import { rmSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { SCENARIO } from "../simulator/scenarios";
import { E2E_API_KEY } from "./support/env";
import { control, startOwnApp, startOwnSimulator, type OwnProcess } from "./support/processes";

const PORT = Number(process.env.E2E_FAULTS_PORT ?? 3330);
const DATA_DIR = ".cache/e2e-faults";
const DEVICES = ["3000003", "3000004", "3000005", SCENARIO.failingStreak, SCENARIO.overdue, SCENARIO.singleSession, "3000021"];
const FAULTS: [string, Record<string, unknown> | "outage"][] = [
  ["5 s latency", { latencyMs: 5_000 }],
  ["60 s latency", { latencyMs: 60_000 }],
  ["connections reset", { resetRate: 1 }],
  ["hanging connections", { hangRate: 1 }],
  ["HTTP 429", { throttleRate: 1, retryAfterSeconds: 2 }],
  ["HTTP 503", { errorRate: 1, errorStatus: 503 }],
  ["an outage", "outage"],
];

interface SessionsAnswer {
  data: unknown[];
  meta: { fetchedAt: string; stale: boolean };
}

test("with N-sight failing in every way, answers stay available, marked stale, and recover", async ({ page }) => {
  test.setTimeout(420_000);
  rmSync(DATA_DIR, { recursive: true, force: true });
  const sim = await startOwnSimulator(["--key", E2E_API_KEY, "--devices", "40", "--retry-after-seconds", "2"]);
  let app: OwnProcess | undefined;
  try {
    app = await startOwnApp(PORT, {
      NSIGHT_SERVER: sim.url,
      NSIGHT_API_KEY: E2E_API_KEY,
      // About N-sight failing, not about signing in: every request is the demo administrator's.
      NSIGHT_DEMO: "1",
      NSIGHT_TIMEOUT_SECONDS: "6",
      NSIGHT_SESSIONS_TTL_SECONDS: "90",
      // The refresher reads everything once at start, then leaves N-sight to this test.
      FLEET_MIN_REREAD_SECONDS: "86400",
      FLEET_REREAD_SECONDS: "86400",
      DATA_DIR,
    });
    const get = async (path: string) => {
      const response = await fetch(`${app!.url}${path}`);
      return { status: response.status, body: (await response.json()) as SessionsAnswer };
    };

    const warm = new Map<string, string>();
    for (const device of DEVICES) {
      const { status, body } = await get(`/api/devices/${device}/sessions`);
      expect(status, device).toBe(200);
      expect(body.meta.stale).toBe(false);
      warm.set(device, body.meta.fetchedAt);
    }
    // Past every entry's TTL, so each request below must try N-sight.
    await new Promise((resolve) => setTimeout(resolve, 92_000));

    const before = (await (await fetch(`${sim.control}/stats`)).json()) as { totalCalls: number };
    for (const [index, [label, fault]] of FAULTS.entries()) {
      const device = DEVICES[index]!;
      if (fault === "outage") await control(sim.control, "/outage", { on: true });
      else await control(sim.control, "/faults", fault);
      try {
        const { status, body } = await get(`/api/devices/${device}/sessions`);
        expect(status, label).toBe(200);
        expect(body.meta.stale, `${label}: ${JSON.stringify(body.meta)} warm ${warm.get(device)}`).toBe(true);
        expect(body.meta.fetchedAt, label).toBe(warm.get(device));
        expect(body.data.length, label).toBeGreaterThan(0);
        const history = await get(`/api/devices/${device}/history?range=30d&tz=UTC`);
        expect(history.status, label).toBe(200);
        // A refresh that is only slow lands while this second request waits: fresh is right.
        if (label !== "5 s latency") expect(history.body.meta.stale, label).toBe(true);
        if (fault === "outage") {
          await page.goto(`${app.url}/devices/${device}?tz=UTC`);
          await expect(page.getByText("stale: N-sight could not be refreshed")).toBeVisible({ timeout: 30_000 });
          await expect(page.locator('[data-chart="transferred"]')).toHaveAttribute("data-state", /ready|empty/);
        }
      } finally {
        if (fault === "outage") await control(sim.control, "/outage", { on: false });
        await control(sim.control, "/reset", {});
      }
    }
    const during = (await (await fetch(`${sim.control}/stats`)).json()) as { totalCalls: number; maxCallsInAnyMinute: number };
    expect(during.totalCalls - before.totalCalls).toBeLessThanOrEqual(FAULTS.length * 2 * 2);
    expect(during.maxCallsInAnyMinute).toBeLessThanOrEqual(60);

    for (const device of DEVICES) {
      await expect
        .poll(async () => (await get(`/api/devices/${device}/sessions`)).body.meta.stale, { timeout: 90_000, intervals: [2_000] })
        .toBe(false);
    }

    const log = app.output();
    expect(log).toContain("nsight.call");
    expect(log).not.toContain(E2E_API_KEY);
    expect(log).not.toMatch(/apikey=(?!\[redacted\])/i);
  } finally {
    await app?.stop();
    await sim.stop();
  }
});
