import { join } from "node:path";
import Sqlite from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { storeBackends } from "../testing/store-backends";
import { openStore, STORE_FILE, type Store, type StoreLocation } from "./db";
import { FencedWriteError, readFleetDevices, readFleetDevicesById, readFleetFence, readFleetMeta, setFleetStateAside, writeFleetChanges, type FleetDeviceRow } from "./fleet-state";

describe.each(storeBackends())("$name", (backend) => {
  let location: StoreLocation;
  let db: Store;

  beforeEach(async () => {
    location = await backend.fresh();
    db = await openStore(location);
  });

  afterEach(async () => {
    await db.destroy();
    backend.dispose(location);
  });

  const row = (deviceId: string, state = "ok"): FleetDeviceRow => ({ deviceId, clientId: `c${deviceId.slice(0, 1)}`, state, body: JSON.stringify({ deviceId, state }) });

  describe("fleet state in the store", () => {
    it("migrates to a row per device, indexed by client and state, and a meta row", async () => {
      if ("databaseUrl" in location) {
        const { rows } = await sql<{ name: string }>`select indexname as name from pg_indexes where tablename in ('fleet_devices', 'fleet_meta')`.execute(db);
        expect(rows.map((r) => r.name)).toEqual(expect.arrayContaining(["fleet_devices_pk", "fleet_devices_client", "fleet_devices_state", "fleet_meta_pkey"]));
        return;
      }
      const sqlite = new Sqlite(join(location.dir, STORE_FILE), { readonly: true });
      try {
        const names = sqlite.prepare("select name from sqlite_master where tbl_name in ('fleet_devices', 'fleet_meta') order by name").pluck().all();
        expect(names).toEqual(expect.arrayContaining(["fleet_devices", "fleet_devices_client", "fleet_devices_state", "fleet_meta"]));
        const plan = sqlite.prepare("explain query plan select device_id from fleet_devices where slot = 'current' and client_id = 'c1'").all() as { detail: string }[];
        expect(plan.map((p) => p.detail).join(" ")).toContain("fleet_devices_client");
      } finally {
        sqlite.close();
      }
    });

    it("upserts the changed devices and deletes the removed ones, leaving the others as they were", async () => {
      await writeFleetChanges(db, { meta: '{"m":1}', upserts: [row("11"), row("12"), row("21")], removed: [], at: 1 });
      await writeFleetChanges(db, { meta: null, upserts: [row("12", "failed")], removed: ["21"], at: 2 });
      const devices = await readFleetDevices(db, "current");
      expect(devices.map((d) => [d.deviceId, JSON.parse(d.body).state]).sort()).toEqual([
        ["11", "ok"],
        ["12", "failed"],
      ]);
      expect(await readFleetMeta(db, "current")).toBe('{"m":1}');
      const updated = await db.selectFrom("fleet_devices").select(["device_id", "updated_at", "state"]).orderBy("device_id").execute();
      expect(updated).toEqual([
        { device_id: "11", updated_at: 1, state: "ok" },
        { device_id: "12", updated_at: 2, state: "failed" },
      ]);
    });

    it("writes all of a batch or none of it", async () => {
      await writeFleetChanges(db, { meta: '{"m":1}', upserts: [row("11")], removed: [], at: 1 });
      const broken = { deviceId: "12", clientId: null as unknown as string, state: "ok", body: "{}" };
      await expect(writeFleetChanges(db, { meta: '{"m":2}', upserts: [row("11", "failed"), broken], removed: [], at: 2 })).rejects.toThrow();
      expect((await readFleetDevices(db, "current")).map((d) => JSON.parse(d.body).state)).toEqual(["ok"]);
      expect(await readFleetMeta(db, "current")).toBe('{"m":1}');
    });

    it("keeps one account set aside at most, and the current slot empty after", async () => {
      for (const account of ["a", "b"]) {
        await writeFleetChanges(db, { meta: `{"account":"${account}"}`, upserts: [row(`1${account}`), row(`2${account}`)], removed: [], at: 1 });
        await setFleetStateAside(db);
      }
      expect(await readFleetMeta(db, "current")).toBeNull();
      expect(await readFleetDevices(db, "current")).toEqual([]);
      expect(await readFleetMeta(db, "set_aside")).toBe('{"account":"b"}');
      expect((await readFleetDevices(db, "set_aside")).map((d) => d.deviceId).sort()).toEqual(["1b", "2b"]);
    });
  });

  it("refuses a deposed leader's write once a newer fencing token has written, and keeps nothing of it", async () => {
    await writeFleetChanges(db, { meta: '{"m":1}', upserts: [row("11")], removed: [], at: 1, fence: 1 });
    await writeFleetChanges(db, { meta: '{"m":2}', upserts: [row("12")], removed: [], at: 2, fence: 2 });
    await expect(writeFleetChanges(db, { meta: '{"m":"stale"}', upserts: [row("11", "failed"), row("13")], removed: ["12"], at: 3, fence: 1 })).rejects.toBeInstanceOf(FencedWriteError);
    await expect(setFleetStateAside(db, 1)).rejects.toBeInstanceOf(FencedWriteError);
    expect(await readFleetMeta(db, "current")).toBe('{"m":2}');
    expect((await readFleetDevices(db, "current")).map((d) => [d.deviceId, JSON.parse(d.body).state]).sort()).toEqual([
      ["11", "ok"],
      ["12", "ok"],
    ]);
    expect(await readFleetFence(db)).toBe(2);
    // The same leader writes again and again; a newer one takes over.
    await writeFleetChanges(db, { meta: null, upserts: [row("13")], removed: [], at: 4, fence: 2 });
    await writeFleetChanges(db, { meta: null, upserts: [row("14")], removed: [], at: 5, fence: 7 });
    expect(await readFleetFence(db)).toBe(7);
    expect((await readFleetDevicesById(db, "current", ["13", "14", "99"])).map((d) => d.deviceId).sort()).toEqual(["13", "14"]);
  });
});
