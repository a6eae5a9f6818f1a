import { rmSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { SCENARIO } from "../../simulator/scenarios";
import { APP_PORT, e2eAppEnv, E2E_SIMULATOR_ARGS } from "../support/env";
import { control, startOwnApp, startOwnSimulator, type OwnProcess } from "../support/processes";

const PORT = Number(process.env.E2E_KNOWLEDGE_PORT ?? APP_PORT + 6);
const DATA_DIR = ".cache/e2e-knowledge";
const APP_KEY = "e2e0knowledge0key0b7d2e9f4a1c6";
const REGENERATED_KEY = "e2e0regenerated0key0c3a8f1d5e2b9";
/** The viewer's zone (+5:45) differs from the server's, so "since" must be converted. */
const VIEWER_ZONE = "Asia/Kathmandu";
const ALL_CLEAR = ["No device needs attention", "Every device read so far backed up on time"];

test.use({ timezoneId: VIEWER_ZONE, viewport: { width: 1366, height: 768 } });

interface Knowledge {
  kind: string;
  since: string | null;
}

/** "14:02:10" in the viewer's zone, by Intl alone (not the app's formatting code). */
const localTime = (iso: string) => new Intl.DateTimeFormat("en-GB", { timeZone: VIEWER_ZONE, hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" }).format(new Date(iso));

test("the wall and the home page never show the all-clear while the fleet is not known", async ({ page: wall, context }) => {
  test.setTimeout(600_000);
  rmSync(DATA_DIR, { recursive: true, force: true });
  const sim = await startOwnSimulator(E2E_SIMULATOR_ARGS);
  let app: OwnProcess | undefined;
  try {
    app = await startOwnApp(PORT, { ...e2eAppEnv(DATA_DIR, { demo: true }), NSIGHT_SERVER: sim.url, NSIGHT_API_KEY: APP_KEY });
    const base = app.url;
    const home = await context.newPage();
    const knowledge = async () => ((await (await fetch(`${base}/api/fleet`)).json()) as { data: { knowledge: Knowledge } }).data.knowledge;
    const banners = [wall.getByTestId("fleet-knowledge"), home.getByTestId("fleet-knowledge")];

    // The banner takes room from the tiles, so the page size the wall asks for changes with it: that size must then hold,
    // poll after poll (a page kept from before the banner once flipped the wall between two sizes and two ages).
    const wallHolds = async (kind: string) => {
      const sizes: string[] = [];
      const seen = (request: { url(): string }) => {
        if (request.url().includes("/api/fleet?")) sizes.push(new URL(request.url()).searchParams.get("pageSize") ?? "");
      };
      wall.on("request", seen);
      try {
        await expect.poll(() => sizes.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
      } finally {
        wall.off("request", seen);
      }
      expect(new Set(sizes).size, `page sizes the wall asked for: ${sizes.join(", ")}`).toBe(1);
      await expect(wall.locator("[data-knowledge]")).toHaveAttribute("data-knowledge", kind);
    };
    const bothSay = async (kind: string, words: RegExp) => {
      await expect(wall.locator("[data-knowledge]")).toHaveAttribute("data-knowledge", kind, { timeout: 120_000 });
      await expect(banners[0]!).toContainText(words, { timeout: 30_000 });
      await wallHolds(kind);
      // The home page re-renders from the server once a minute: load it again until it agrees.
      await expect(async () => {
        await home.goto(`${base}/`);
        await expect(home.getByTestId("fleet-overview")).toHaveAttribute("data-knowledge", kind, { timeout: 1_000 });
        await expect(banners[1]!).toContainText(words, { timeout: 1_000 });
      }).toPass({ timeout: 60_000 });
      for (const [index, banner] of banners.entries()) {
        await expect(banner, `page ${index}`).toHaveAttribute("data-state", kind);
        await expect(banner, `page ${index}`).toBeInViewport();
        const page = index === 0 ? wall : home;
        const bannerTop = (await banner.boundingBox())!.y;
        const countsTop = (await page.getByRole("list", { name: "Devices per backup state" }).boundingBox())!.y;
        expect(bannerTop, `page ${index}: the banner comes before the counts`).toBeLessThan(countsTop);
        for (const text of ALL_CLEAR) await expect(page.getByText(text), `page ${index}`).toHaveCount(0);
      }
    };
    const sinceShown = async (kind: string) => {
      const { since } = await knowledge();
      expect(since, kind).not.toBeNull();
      for (const banner of banners) await expect(banner).toContainText(`since ${localTime(since!)}:`);
    };

    // The wall's polls answer a little late, as over a slow link: a page of another size cannot come back before the wall has drawn the one it kept.
    await wall.route("**/api/fleet?**", async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await route.continue().catch(() => undefined);
    });
    // A wall for a client without devices: once the fleet is known, the all-clear is right there.
    await wall.goto(`${base}/noc?refresh=5&clients=${SCENARIO.emptyClient}`);

    await test.step("the key is refused from the start", async () => {
      await bothSay("auth_refused", /N-sight refuses the API key since .*: nothing here is current.*Nothing has been read from N-sight/);
      await sinceShown("auth_refused");
      await expect(wall.getByTestId("noc-not-known")).toContainText("Not known whether any device needs attention");
      await expect(home.getByText("Not known whether any device needs attention")).toBeVisible();
    });

    await test.step("the first read has not finished", async () => {
      await control(sim.control, "/faults", { key: APP_KEY });
      await bothSay("reading", /Still reading: [\d,]+ of [\d,]+ devices/);
      // Banner and counts in one read, so from one render: the page re-renders every minute.
      const [banner, unknownText] = await home.evaluate(() => [
        document.querySelector('[data-testid="fleet-knowledge"]')?.textContent ?? "",
        document.querySelector('[data-state-count="unknown"] p')?.textContent ?? "",
      ]);
      const count = (text: string) => Number(text.replace(/\D/g, ""));
      const [, read, total] = /Still reading: ([\d,]+) of ([\d,]+) devices/.exec(banner)!;
      const unknown = count(unknownText);
      expect(count(read!)).toBeLessThan(count(total!));
      expect(unknown).toBeGreaterThanOrEqual(count(total!) - count(read!));
    });

    await test.step("once every device is read, the fleet is known and the all-clear returns", async () => {
      await expect(wall.locator("[data-knowledge]")).toHaveAttribute("data-knowledge", "current", { timeout: 180_000 });
      await expect(wall.getByText("No device needs attention")).toBeVisible();
      await expect(wall.getByTestId("fleet-knowledge")).toHaveCount(0);
    });

    await test.step("N-sight is unreachable", async () => {
      await control(sim.control, "/outage", { on: true });
      try {
        await bothSay("unreachable", /N-sight is unreachable since .*: nothing here is current.*N-sight last answered .* ago/);
        await sinceShown("unreachable");
      } finally {
        await control(sim.control, "/outage", { on: false });
      }
      await expect(wall.locator("[data-knowledge]")).toHaveAttribute("data-knowledge", "current", { timeout: 120_000 });
    });

    await test.step("N-sight throttles us", async () => {
      await control(sim.control, "/faults", { throttleRate: 1 });
      try {
        await bothSay("throttled", /N-sight is throttling our calls since .*: nothing here is current/);
        await sinceShown("throttled");
      } finally {
        await control(sim.control, "/faults", { throttleRate: 0 });
      }
      await expect(wall.locator("[data-knowledge]")).toHaveAttribute("data-knowledge", "current", { timeout: 120_000 });
    });

    await test.step("a key that worked stops working: the banner says why and every device shows its age", async () => {
      await control(sim.control, "/faults", { key: REGENERATED_KEY });
      await bothSay("auth_refused", /N-sight refuses the API key since .*: nothing here is current.*N-sight last answered .* ago; every device shows its last known state/);
      await sinceShown("auth_refused");
      const row = home.locator(`tr[data-device-id="${SCENARIO.failingStreak}"]`);
      await expect(row).toHaveAttribute("data-health", "failed");
      await expect(row.locator("td").last()).toContainText(/ago|just now/);
      await wall.clock.install();
      await wall.goto(`${base}/noc?refresh=5&clients=${SCENARIO.accentClient}`);
      const tile = wall.locator(`li[data-device-id="${SCENARIO.failingStreak}"]`);
      await expect(tile).toContainText(/read (\d+ s ago|just now|\d+ min ago)/);
      const before = Number((/read (\d+) min ago/.exec((await tile.textContent()) ?? "") ?? [, "0"])[1]);
      await wall.clock.fastForward("10:00");
      await expect(tile).toContainText(new RegExp(`read (${before + 10}|${before + 11}) min ago`));
      await expect(wall.getByTestId("fleet-knowledge")).toHaveAttribute("data-state", "auth_refused");
      await expect(wall.getByText("No device needs attention")).toHaveCount(0);
    });
  } finally {
    await app?.stop();
    await sim.stop();
  }
});
