import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "../store/db";
import { enqueueNotification, findNotification, listDeliveryLog } from "../store/notifications";
import { Dispatcher } from "./dispatcher";
import { ALERT_SCHEMA, GIVE_UP_AFTER_MS, type AlertChannel, type AlertMessage, type ChannelSender, type DeliveryResult } from "./types";

const T0 = Date.parse("2026-11-30T12:00:00Z");
const MIN = 60_000;

let dir: string;
let db: Store;
let clock: number;
let tries: { channelId: string; summary: string; at: number }[];
let answer: (channel: AlertChannel) => DeliveryResult;

const sender: ChannelSender = {
  async deliver(channel, message) {
    tries.push({ channelId: channel.id, summary: message.summary, at: clock });
    return answer(channel);
  },
};

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "alert-dispatcher-"));
  db = await openStore(dir);
  clock = T0;
  tries = [];
  answer = () => ({ ok: true, statusCode: 200 });
});

afterEach(async () => {
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

async function addChannel(id: string, type = "webhook", enabled = true) {
  await db
    .insertInto("alert_channels")
    .values({ id, type, name: id, target: "https://hooks.example.com/" + id, secret: "s", client_ids: "[]", states: '["failed"]', anomalies: 0, enabled: enabled ? 1 : 0, created_by: null, created_at: 0, updated_at: 0 })
    .execute();
}

async function queue(channelId: string, summary: string) {
  const message: Omit<AlertMessage, "id"> = { schema: ALERT_SCHEMA, event: "incident.opened", createdAt: new Date(clock).toISOString(), summary, client: null, incidents: [], nsight: null, dashboardUrl: null };
  return (await enqueueNotification(db, { channelId, event: "incident.opened", dedupeKey: summary, incidentIds: [], message, notBefore: clock }, clock))!;
}

const dispatcher = () => new Dispatcher({ db, sender, now: () => clock });

describe("Dispatcher", () => {
  it("retries a failing channel with growing waits and gives up a day after queueing", async () => {
    await addChannel("a");
    const row = await queue("a", "one");
    answer = () => ({ ok: false, statusCode: 503, error: "HTTP 503" });
    const d = dispatcher();
    await d.dispatchDue();
    for (let i = 0; i < 40 && (await findNotification(db, row.id))!.status === "pending"; i++) {
      clock = (await findNotification(db, row.id))!.nextAttemptAt - 1;
      await d.dispatchDue();
      clock += 1;
      await d.dispatchDue();
    }
    const gaps = tries.slice(1).map((t, i) => t.at - tries[i]!.at);
    expect(gaps.slice(0, 7)).toEqual([30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000]);
    expect(gaps.slice(7).every((g) => g === 3_600_000)).toBe(true);
    expect(tries.at(-1)!.at - T0).toBeLessThanOrEqual(GIVE_UP_AFTER_MS);
    expect(tries.at(-1)!.at - T0).toBeGreaterThan(GIVE_UP_AFTER_MS - 3_600_000);
    const final = (await findNotification(db, row.id))!;
    expect(final.status).toBe("given_up");
    expect(final.attempts).toBe(tries.length);
    expect(await listDeliveryLog(db)).toHaveLength(tries.length);
  });

  it("delivers once after a failure, honours Retry-After and stops at once on a permanent refusal", async () => {
    await addChannel("a");
    await addChannel("b");
    const a = await queue("a", "to a");
    const b = await queue("b", "to b");
    let failA = true;
    answer = (channel) =>
      channel.id === "a"
        ? failA
          ? { ok: false, statusCode: 429, error: "HTTP 429", retryAfterMs: 10 * MIN }
          : { ok: true, statusCode: 200 }
        : { ok: false, statusCode: 410, error: "HTTP 410", permanent: true };
    const d = dispatcher();
    await d.dispatchDue();
    expect((await findNotification(db, a.id))!.nextAttemptAt).toBe(T0 + 10 * MIN);
    expect((await findNotification(db, b.id))!.status).toBe("given_up");
    failA = false;
    clock += 9 * MIN;
    await d.dispatchDue();
    clock += MIN;
    await d.dispatchDue();
    await d.dispatchDue();
    expect(tries.map((t) => t.channelId)).toEqual(["a", "b", "a"]);
    expect((await findNotification(db, a.id))!.status).toBe("sent");
  });

  it("keeps a Slack channel to one message a second, while a webhook gets all at once", async () => {
    await addChannel("slack", "slack");
    await addChannel("hook");
    for (const n of [1, 2, 3]) {
      await queue("slack", `slack ${n}`);
      await queue("hook", `hook ${n}`);
    }
    const d = dispatcher();
    await d.dispatchDue();
    expect(tries.map((t) => t.summary).sort()).toEqual(["hook 1", "hook 2", "hook 3", "slack 1"]);
    clock += 500;
    await d.dispatchDue();
    expect(tries).toHaveLength(4);
    clock += 500;
    await d.dispatchDue();
    clock += 1_000;
    await d.dispatchDue();
    expect(tries.filter((t) => t.channelId === "slack").map((t) => [t.summary, t.at - T0])).toEqual([
      ["slack 1", 0],
      ["slack 2", 1_000],
      ["slack 3", 2_000],
    ]);
  });

  it("sends nothing to a disabled channel and nothing queued for a deleted one", async () => {
    await addChannel("off", "webhook", false);
    await addChannel("gone");
    const off = await queue("off", "to a disabled channel");
    await queue("gone", "to a deleted channel");
    await db.deleteFrom("alert_channels").where("id", "=", "gone").execute();
    await dispatcher().dispatchDue();
    expect(tries).toEqual([]);
    expect((await findNotification(db, off.id))!.status).toBe("given_up");
  });
});
