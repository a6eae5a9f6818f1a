import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { SCENARIO, SCENARIO_PLACES } from "../simulator/scenarios";
import { E2E_API_KEY } from "./support/env";

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const sql = SCENARIO_PLACES[SCENARIO.hourlySqlServer]!;
const PAGES = ["/", `/clients/${sql.clientId}`, `/clients/${sql.clientId}/sites/${sql.siteId}`, `/devices/${SCENARIO.hourlySqlServer}`];

test.describe("the API key never leaves the server", () => {
  test("no file the browser can load contains the key", () => {
    const files = filesUnder(join(process.cwd(), ".next", "static"));
    expect(files.length).toBeGreaterThan(0);
    const leaking = files.filter((file) => readFileSync(file).includes(E2E_API_KEY));
    expect(leaking).toEqual([]);
  });

  test("no page, RSC payload, header or API answer contains the key or an upstream URL", async ({ page, request }) => {
    test.slow();
    const seen: string[] = [];
    page.on("response", async (response) => {
      const headers = JSON.stringify(await response.allHeaders());
      const body = await response.body().catch(() => Buffer.alloc(0));
      seen.push(`${response.url()}\n${headers}\n${body.toString("utf8")}`);
    });
    for (const path of PAGES) {
      await page.goto(path);
      await expect(page.locator('[role="status"][aria-label^="Loading"]')).toHaveCount(0, { timeout: 30_000 });
      await expect(page.locator('[data-chart][data-state="loading"]')).toHaveCount(0, { timeout: 30_000 });
      const rsc = await request.get(path, { headers: { RSC: "1" } });
      seen.push(await rsc.text());
    }
    const apis = [
      "/api/clients",
      `/api/clients/${SCENARIO.accentClient}/sites`,
      `/api/clients/${SCENARIO.accentClient}/devices`,
      `/api/devices/${SCENARIO.hourlySqlServer}/sessions?from=2026-01-01T00:00:00Z`,
      `/api/devices/${SCENARIO.faults.http500}/sessions`,
      `/api/devices/${SCENARIO.faults.html}/sessions`,
      `/api/devices/${SCENARIO.faults.malformed}/sessions`,
      "/api/devices/999999999/sessions",
    ];
    for (const path of apis) {
      const response = await request.get(path);
      seen.push(`${JSON.stringify(response.headers())}\n${await response.text()}`);
    }
    expect(seen.length).toBeGreaterThan(PAGES.length);
    for (const text of seen) {
      expect(text).not.toContain(E2E_API_KEY);
      expect(text).not.toMatch(/apikey=/i);
    }
  });
});
