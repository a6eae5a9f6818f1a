import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ALERT_SCHEMA, type AlertMessage } from "../alerts/types";
import { findChannel, listChannels } from "./alert-channels";
import { storeBackends } from "../testing/store-backends";
import { openStore, type Store, type StoreLocation } from "./db";
import { listIncidents, listOpenIncidents } from "./incidents";
import { dueNotifications, enqueueNotification, findNotification, listDeliveryLog, nextNotificationDueAt, pruneAlertHistory, recordAttempt } from "./notifications";
import { createMaintenanceWindow, createSnooze, endSnooze, listActiveSnoozes, listMaintenanceWindows } from "./snoozes";
import { withLoopTurns } from "../testing/loop-turns";

describe.each(storeBackends())("$name", (backend) => {
  let location: StoreLocation;
  let db: Store;

  beforeEach(async () => {
    location = await backend.fresh();
    db = await openStore(location);
    await db
      .insertInto("alert_channels")
      .values({ id: "ch1", type: "webhook", name: "Ops", target: "http://127.0.0.1:9/hook", secret: "s", client_ids: "[]", states: '["failed","overdue"]', anomalies: 0, enabled: 1, created_by: null, created_at: 1, updated_at: 1 })
      .execute();
  });

  afterEach(async () => {
    await db.destroy();
    backend.dispose(location);
  });

  const message: Omit<AlertMessage, "id"> = {
    schema: ALERT_SCHEMA,
    event: "incident.opened",
    createdAt: "2026-11-30T00:00:00.000Z",
    summary: "SRV-01: FileSystem failed",
    client: { id: "20", name: "Acme" },
    incidents: [],
    nsight: null,
    dashboardUrl: null,
  };

  describe("alert channels", () => {
    it("drops a row of an unknown type and unknown states rather than guessing", async () => {
      await db
        .insertInto("alert_channels")
        .values({ id: "ch2", type: "pager", name: "?", target: "x", secret: null, client_ids: "not json", states: '["failed","bogus"]', anomalies: 0, enabled: 1, created_by: null, created_at: 2, updated_at: 2 })
        .execute();
      expect((await listChannels(db)).map((c) => c.id)).toEqual(["ch1"]);
      expect(await findChannel(db, "ch2")).toBeNull();
      expect((await findChannel(db, "ch1"))?.states).toEqual(["failed", "overdue"]);
    });
  });

  describe("notifications", () => {
    it("queues a dedupe key once per channel", async () => {
      const first = await enqueueNotification(db, { channelId: "ch1", event: "incident.opened", dedupeKey: "open:i1", incidentIds: ["i1"], message, notBefore: 1_000 }, 500);
      expect(first?.message.id).toBe(first?.id);
      expect(await enqueueNotification(db, { channelId: "ch1", event: "incident.opened", dedupeKey: "open:i1", incidentIds: ["i1"], message, notBefore: 1_000 }, 600)).toBeNull();
      expect(await dueNotifications(db, 999)).toEqual([]);
      expect((await dueNotifications(db, 1_000)).map((n) => n.id)).toEqual([first!.id]);
      expect(await nextNotificationDueAt(db)).toBe(1_000);
    });

    it("records each attempt with the notification's new state, and numbers attempts in the log", async () => {
      const n = (await enqueueNotification(db, { channelId: "ch1", event: "incident.opened", dedupeKey: "k", incidentIds: [], message, notBefore: 0 }, 0))!;
      await recordAttempt(db, n, { result: { ok: false, statusCode: 502, error: "Bad gateway" }, at: 10, durationMs: 5, retryAt: 40 });
      const retried = (await findNotification(db, n.id))!;
      expect(retried).toMatchObject({ status: "pending", attempts: 1, nextAttemptAt: 40, lastError: "Bad gateway" });
      await recordAttempt(db, retried, { result: { ok: true, statusCode: 204 }, at: 50, durationMs: 3, retryAt: null });
      expect(await findNotification(db, n.id)).toMatchObject({ status: "sent", attempts: 2, sentAt: 50, lastError: null });
      expect(await dueNotifications(db, 1e12)).toEqual([]);
      const log = await listDeliveryLog(db, { channelId: "ch1" });
      expect(log.map((e) => [e.attempt, e.ok, e.statusCode, e.notificationStatus])).toEqual([
        [2, true, 204, "sent"],
        [1, false, 502, "sent"],
      ]);
    });

    it("gives up when no retry time is given", async () => {
      const n = (await enqueueNotification(db, { channelId: "ch1", event: "test", dedupeKey: "t", incidentIds: [], message, notBefore: 0 }, 0))!;
      await recordAttempt(db, n, { result: { ok: false, statusCode: null, error: "refused" }, at: 1, durationMs: 1, retryAt: null });
      expect((await findNotification(db, n.id))?.status).toBe("given_up");
    });
  });

  describe("snoozes and maintenance windows", () => {
    it("lists only running snoozes of the asked clients", async () => {
      const s = await createSnooze(db, { scope: "device", targetId: "3000001", clientId: "20", until: 2_000, reason: "disk swap", createdBy: null, createdByName: "Ann" }, 100);
      await createSnooze(db, { scope: "client", targetId: "21", clientId: "21", until: 500, reason: "move", createdBy: null, createdByName: "Bob" }, 100);
      expect((await listActiveSnoozes(db, 1_000)).map((x) => x.id)).toEqual([s.id]);
      expect(await listActiveSnoozes(db, 1_000, ["21"])).toEqual([]);
      expect(await listActiveSnoozes(db, 1_000, [])).toEqual([]);
      expect(await endSnooze(db, s.id, 1_100)).toBe(true);
      expect(await endSnooze(db, s.id, 1_200)).toBe(false);
      expect(await listActiveSnoozes(db, 1_500)).toEqual([]);
    });

    it("keeps a window's weekdays sorted and unique, and drops damaged ones", async () => {
      const w = await createMaintenanceWindow(db, { clientId: "20", weekdays: [6, 1, 6], startMinute: 22 * 60, durationMinutes: 240, reason: "patching", createdBy: null, createdByName: "Ann" });
      expect(w.weekdays).toEqual([1, 6]);
      await db.updateTable("maintenance_windows").set({ weekdays: "[0, 3, \"x\"]" }).where("id", "=", w.id).execute();
      expect((await listMaintenanceWindows(db))[0]?.weekdays).toEqual([3]);
    });
  });

  describe("incidents", () => {
    it("answers nothing for an empty client scope, and open incidents first", async () => {
      const base = { kind: "health", plugin: "FileSystem", client_id: "20", site_id: "10", device_name: "SRV", client_name: "Acme", site_name: "HQ", state: "failed", reason: "r", flapping: 0, successes_needed: 1, last_session_at: null, last_notified_at: null, resolution: null };
      await db.insertInto("incidents").values({ ...base, id: "a", device_id: "1", opened_at: 1, changed_at: 1, resolved_at: 5 }).execute();
      await db.insertInto("incidents").values({ ...base, id: "b", device_id: "2", opened_at: 2, changed_at: 2, resolved_at: null }).execute();
      expect((await listIncidents(db, { clientIds: null })).map((i) => i.id)).toEqual(["b", "a"]);
      expect(await listIncidents(db, { clientIds: [] })).toEqual([]);
      expect((await listIncidents(db, { clientIds: ["20"], open: false })).map((i) => i.id)).toEqual(["a"]);
      await expect(db.insertInto("incidents").values({ ...base, id: "c", device_id: "2", opened_at: 3, changed_at: 3, resolved_at: null }).execute()).rejects.toThrow(/unique/i);
    });

    it("lists every open incident as one query would, handing the event loop back between slices of thousands on SQLite", async () => {
      const base = { kind: "health", plugin: "FileSystem", client_id: "20", site_id: "10", device_name: "SRV", client_name: "Acme", site_name: "HQ", state: "failed", reason: "r", flapping: 0, successes_needed: 1, last_session_at: null, last_notified_at: null, resolution: null };
      const rows = Array.from({ length: 5_000 }, (_, i) => ({ ...base, id: `i${(i * 7_919) % 5_000}`, device_id: String(i), opened_at: i, changed_at: i, resolved_at: i % 10 === 0 ? i : null }));
      for (let i = 0; i < rows.length; i += 500) await db.insertInto("incidents").values(rows.slice(i, i + 500)).execute();
      const oneQuery = (await db.selectFrom("incidents").select("id").where("resolved_at", "is", null).execute()).map((r) => r.id);
      const { result: open, turns } = await withLoopTurns(() => listOpenIncidents(db));
      expect(open.map((i) => i.id)).toEqual(oneQuery);
      expect(open).toHaveLength(4_500);
      expect(open.find((i) => i.deviceId === "1")).toMatchObject({ id: "i2919", openedAt: 1, resolvedAt: null, flapping: false });
      if (backend.name === "SQLite") expect(turns).toBeGreaterThanOrEqual(2);
    });
  });

  describe("pruneAlertHistory", () => {
    const incident = { kind: "health", plugin: "FileSystem", client_id: "20", site_id: "10", device_name: "SRV", client_name: "Acme", site_name: "HQ", state: "failed", reason: "r", flapping: 0, successes_needed: 1, last_session_at: null, last_notified_at: null, resolution: null };

    it("drops old delivered messages with their attempts, never one as new as the oldest open incident, and old resolved incidents", async () => {
      const queue = async (key: string, at: number) => (await enqueueNotification(db, { channelId: "ch1", event: "incident.opened", dedupeKey: key, incidentIds: [], message, notBefore: at }, at))!;
      const old = await queue("old", 100);
      const kept = await queue("kept", 300);
      const waiting = await queue("waiting", 50);
      for (const n of [old, kept]) await recordAttempt(db, n, { result: { ok: true, statusCode: 200 }, at: n.createdAt + 1, durationMs: 1, retryAt: null });
      await db.insertInto("incidents").values({ ...incident, id: "open", device_id: "1", opened_at: 250, changed_at: 250, resolved_at: null }).execute();
      await db.insertInto("incidents").values({ ...incident, id: "gone", device_id: "2", opened_at: 10, changed_at: 10, resolved_at: 20 }).execute();
      await db.insertInto("incidents").values({ ...incident, id: "recent", device_id: "3", opened_at: 10, changed_at: 10, resolved_at: 900 }).execute();

      expect(await pruneAlertHistory(db, 1_000, 500)).toEqual({ notifications: 1, incidents: 1 });
      expect(await findNotification(db, old.id)).toBeNull();
      expect(await findNotification(db, kept.id)).not.toBeNull();
      expect(await findNotification(db, waiting.id)).not.toBeNull();
      expect((await listDeliveryLog(db)).map((e) => e.notificationId)).toEqual([kept.id]);
      expect(await db.selectFrom("delivery_attempts").select("notification_id").execute()).toEqual([{ notification_id: kept.id }]);
      expect((await listIncidents(db, { clientIds: null })).map((i) => i.id).sort()).toEqual(["open", "recent"]);
    });
  });
});
