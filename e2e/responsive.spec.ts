import type { Browser, Locator, Page } from "@playwright/test";
import { SCENARIO } from "../simulator/scenarios";
import { fullPicture } from "./support/fleet";
import { chartsSettled, expect, test } from "./support/fixtures";

const DEVICE = `/devices/${SCENARIO.failingStreak}?tz=UTC&range=30d`;
const PHONE = { width: 390, height: 844 };
const DESK = { width: 1440, height: 900 };

async function openDevice(browser: Browser, viewport: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await page.goto(DEVICE);
  await expect(page.getByTestId("health-sentence")).toBeVisible({ timeout: 30_000 });
  await chartsSettled(page);
  await expect(page.locator("section[data-total]")).toHaveAttribute("data-state", "ready");
  return page;
}

async function pageOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

async function precedes(a: Locator, b: Locator): Promise<boolean> {
  const handle = await b.elementHandle();
  return a.evaluate((el, other) => Boolean(el.compareDocumentPosition(other!) & Node.DOCUMENT_POSITION_FOLLOWING), handle);
}

type Box = { left: number; right: number; top: number; bottom: number };
const box = (locator: Locator): Promise<Box> =>
  locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
  });
const inside = (inner: Box, outer: Box) => inner.left >= outer.left - 0.5 && inner.right <= outer.right + 0.5 && inner.top >= outer.top - 0.5 && inner.bottom <= outer.bottom + 0.5;

test.describe("the device page on a phone", () => {
  test("shows the state and each plugin's last backup first, on the first screen", async ({ browser }) => {
    const page = await openDevice(browser, PHONE);
    const sentence = page.getByTestId("health-sentence");
    const cards = page.getByRole("list", { name: "Last backup per plugin" }).getByRole("listitem");
    await expect(cards).toHaveCount(2);
    for (const element of [sentence, cards.first(), cards.last()]) {
      expect(await precedes(element, page.locator("[data-chart]").first())).toBe(true);
      expect(await precedes(element, page.locator('section[aria-label="View"]'))).toBe(true);
      expect((await box(element)).bottom).toBeLessThanOrEqual(PHONE.height);
    }
    expect(await pageOverflow(page)).toBeLessThanOrEqual(0);
    await page.context().close();
  });

  test("folds range and filters into one View button that works from the keyboard", async ({ browser }) => {
    const page = await openDevice(browser, PHONE);
    const toggle = page.getByRole("button", { name: "View", exact: true });
    const range = page.getByRole("group", { name: "Time range" });
    await expect(toggle).toHaveAttribute("aria-expanded", "false");
    await expect(range).toBeHidden();
    await expect(page.getByRole("checkbox", { name: "Failed" })).toBeHidden();

    await toggle.focus();
    await page.keyboard.press("Enter");
    await expect(toggle).toHaveAttribute("aria-expanded", "true");
    await expect(range).toBeVisible();
    await expect(page.getByRole("checkbox", { name: "Failed" })).toBeVisible();
    await expect(page.getByLabel("Time zone")).toBeVisible();
    expect(await pageOverflow(page)).toBeLessThanOrEqual(0);

    await page.keyboard.press("Tab");
    await expect(range.getByRole("button").first()).toBeFocused();
    await range.getByRole("button", { name: "Last 7 days" }).click();
    await expect(page).toHaveURL(/range=7d/);
    await expect(range.getByRole("button", { name: "Last 7 days" })).toHaveAttribute("aria-pressed", "true");
    await expect(toggle).toHaveAttribute("aria-expanded", "true");

    await toggle.press("Space");
    await expect(toggle).toHaveAttribute("aria-expanded", "false");
    await expect(range).toBeHidden();
    await page.context().close();
  });
});

test("on a wide screen the controls stay in view, with no View button", async ({ browser }) => {
  const page = await openDevice(browser, DESK);
  await expect(page.getByRole("button", { name: "View", exact: true })).toBeHidden();
  await expect(page.getByRole("group", { name: "Time range" })).toBeVisible();
  await expect(page.getByRole("checkbox", { name: "Failed" })).toBeVisible();
  expect(await pageOverflow(page)).toBeLessThanOrEqual(0);
  await page.context().close();
});

for (const viewport of [PHONE, DESK]) {
  test(`at ${viewport.width} px the session table scrolls inside its card, which fits on the screen`, async ({ browser }) => {
    const page = await openDevice(browser, viewport);
    const table = page.getByRole("table", { name: /Sessions/ });
    const last = table.locator("thead th").last();
    await expect(last).toHaveText("Storage account");
    const card = table.locator("xpath=..");
    expect(await card.evaluate((el) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX))).toBe(true);
    expect(await card.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);

    const cardBox = await box(card);
    expect(cardBox.bottom - cardBox.top).toBeLessThanOrEqual(viewport.height);

    await table.locator("thead th").first().hover();
    for (let i = 0; i < 10 && !(await card.evaluate((el) => el.scrollLeft + el.clientWidth >= el.scrollWidth - 1)); i++) {
      await page.mouse.wheel(800, 0);
      await page.waitForTimeout(100);
    }
    expect(await page.evaluate(() => window.scrollX)).toBe(0);
    expect(inside(await box(last), await box(card))).toBe(true);
    expect(inside(await box(table.locator("tbody tr th").first()), await box(card))).toBe(true);
    expect(await pageOverflow(page)).toBeLessThanOrEqual(0);
    await page.context().close();
  });

  test(`at ${viewport.width} px the status strip's labels stay inside its card, and no axis label is broken`, async ({ browser }) => {
    const page = await openDevice(browser, viewport);
    const card = page.locator('[data-chart="status"]');
    const labels = card.locator("svg text");
    expect(await labels.count()).toBeGreaterThan(2);
    const cardBox = await box(card);
    const outside = await labels.evaluateAll(
      (texts, outer) =>
        texts
          .map((t) => ({ text: t.textContent, r: t.getBoundingClientRect() }))
          .filter(({ r }) => r.left < outer.left - 0.5 || r.right > outer.right + 0.5 || r.top < outer.top - 0.5 || r.bottom > outer.bottom + 0.5)
          .map(({ text }) => text),
      cardBox,
    );
    expect(outside).toEqual([]);
    const ticks = page.locator("[data-chart] .recharts-cartesian-axis-tick-value");
    expect(await ticks.count()).toBeGreaterThan(10);
    const broken = await ticks.evaluateAll((texts) =>
      texts.filter((t) => t.querySelectorAll("tspan").length > 1).map((t) => t.textContent),
    );
    expect(broken).toEqual([]);
    await page.context().close();
  });
}

test.describe("the NOC wall from a laptop screen to a 4K wall", () => {
  test.setTimeout(180_000);

  async function measureWall(browser: Browser, viewport: { width: number; height: number }) {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    await page.goto("/noc");
    await expect(page.locator("li[data-device-id]").first()).toBeVisible();
    await expect(page.locator("[data-per-page]")).toBeVisible();
    const measured = await page.evaluate(() => {
      const wall = document.querySelector("main")!;
      const outside: string[] = [];
      const cut: string[] = [];
      let smallestText = Infinity;
      for (const el of wall.querySelectorAll<HTMLElement>("*")) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue;
        const label = `${el.tagName} ${el.textContent?.slice(0, 30)}`;
        if (r.left < 0 || r.top < 0 || r.right > window.innerWidth + 0.5 || r.bottom > window.innerHeight + 0.5) outside.push(label);
        // Tile lines are truncated with an ellipsis on purpose; nothing else may be cut.
        if (!el.closest("li[data-device-id]") && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) && el.clientWidth > 0) cut.push(label);
        const hasText = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim() !== "");
        if (hasText) smallestText = Math.min(smallestText, parseFloat(getComputedStyle(el).fontSize));
      }
      const title = document.querySelector("li[data-device-id] p:nth-child(2)")!;
      return {
        scroll: [document.documentElement.scrollWidth - window.innerWidth, document.documentElement.scrollHeight - window.innerHeight],
        outside,
        cut,
        smallestText,
        titleSize: parseFloat(getComputedStyle(title).fontSize),
      };
    });
    await context.close();
    return measured;
  }

  test("nothing overflows or is cut at 1366 × 768 and 3840 × 2160, and the text grows with the screen", async ({ browser, request }) => {
    await fullPicture(request);
    const laptop = await measureWall(browser, { width: 1366, height: 768 });
    const wall = await measureWall(browser, { width: 3840, height: 2160 });
    for (const measured of [laptop, wall]) {
      expect(measured.scroll).toEqual([0, 0]);
      expect(measured.outside).toEqual([]);
      expect(measured.cut).toEqual([]);
    }
    expect(laptop.smallestText).toBeGreaterThanOrEqual(14);
    expect(wall.titleSize).toBeGreaterThanOrEqual(2 * laptop.titleSize);
    expect(wall.smallestText).toBeGreaterThanOrEqual(2 * laptop.smallestText);
  });
});
