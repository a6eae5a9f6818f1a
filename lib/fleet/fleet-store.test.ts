import { storedDevice } from "../testing/stored-device";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Migrator, sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { accountIdentity, keyHint } from "../nsight/account";
import { connectStore, openStore } from "../store/db";
import { migrationProvider } from "../store/migrations";
import { storeBackends } from "../testing/store-backends";
import { FleetStore, LEGACY_FILE, type StoredDevice } from "./fleet-store";

const US = "https://www.systemmonitor.us";
const KEY = "0123456789abcdef0123456789abcdef";
const THIS_ACCOUNT = { server: US, keyHint: keyHint(KEY) };

const device: StoredDevice = storedDevice({ deviceId: "3000001", name: "SRV-01", clientId: "20", siteId: "10", readAt: "2026-11-27T12:00:00.000Z" });

const clients = [
  { clientId: "20", name: "Acme", timezone: null },
  { clientId: "3", name: "Beta", timezone: null },
];

const fields = {
  clients,
  inventoryReadAt: "2026-11-27T12:00:00.000Z",
  fullPictureAt: "2026-11-27T12:00:00.000Z",
  upstreamLastOkAt: "2026-11-27T12:00:00.000Z",
};

const state = { ...fields, changed: [device], removed: [] };

/** The whole-file state an earlier version kept in DATA_DIR. */
const legacyFile = (account: object | null) => JSON.stringify({ version: account ? 2 : 1, savedAt: "2026-11-27T12:00:00.000Z", ...(account ? { account } : {}), ...fields, devices: [device] });

const stores: FleetStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

function directory() {
  return mkdtempSync(join(tmpdir(), "fleet-store-"));
}

function storeIn(dir: string, account = THIS_ACCOUNT) {
  const store = FleetStore.inDirectory(dir, account);
  stores.push(store);
  return store;
}

async function rawBodies(dir: string) {
  const db = await openStore(dir);
  try {
    return {
      meta: await db.selectFrom("fleet_meta").select(["slot", "body"]).execute(),
      devices: await db.selectFrom("fleet_devices").select(["slot", "device_id", "body"]).orderBy("device_id").execute(),
    };
  } finally {
    await db.destroy();
  }
}

describe("FleetStore", () => {
  it("saves which account the state was read from, and never the key", async () => {
    const dir = directory();
    await storeIn(dir).save(state);
    expect(await storeIn(dir).accountOf("current")).toEqual({ server: US, clientIds: ["20", "3"], keyHint: keyHint(KEY) });
    expect(JSON.stringify(await rawBodies(dir))).not.toContain(KEY);
  });

  it("serves the same server's state saved with the same key at once", async () => {
    const store = storeIn(directory());
    await store.save(state);
    const loaded = await store.load();
    expect(loaded.confirmation).toBe("show");
    expect(loaded.data?.devices).toEqual([device]);
    expect(loaded.data).toMatchObject(fields);
  });

  it("writes each changed device as its own row, and removes the ones gone, leaving the others", async () => {
    const dir = directory();
    const store = storeIn(dir);
    const other = { ...device, deviceId: "3000002", name: "SRV-02" };
    const third = { ...device, deviceId: "3000003", name: "SRV-03" };
    await store.save({ ...fields, changed: [device, other, third], removed: [] });
    const failed = { ...device, state: "failed" as const, failedInARow: 2 };
    await store.save({ ...fields, changed: [failed], removed: [third.deviceId] });
    await store.save({ ...fields, changed: [], removed: [] });
    const loaded = await storeIn(dir).load();
    expect(loaded.data?.devices.sort((a, b) => a.deviceId.localeCompare(b.deviceId))).toEqual([failed, other]);
  });

  it("holds back the same server's state saved with another key, for list_clients to confirm", async () => {
    const dir = directory();
    await storeIn(dir, { server: US, keyHint: keyHint("the key before it was regenerated") }).save(state);
    const loaded = await storeIn(dir).load();
    expect(loaded.confirmation).toBe("hold");
    expect(loaded.data?.account).toEqual({ server: US, clientIds: ["20", "3"], keyHint: keyHint("the key before it was regenerated") });
    expect(loaded.data?.devices).toEqual([device]);
  });

  it("sets another server's state aside on load, keeping only the latest one set aside", async () => {
    const dir = directory();
    for (const port of [4010, 4011]) {
      await storeIn(dir, { server: `http://127.0.0.1:${port}`, keyHint: keyHint("demo") }).save({ ...state, changed: [{ ...device, deviceId: `${port}` }] });
      const store = storeIn(dir);
      expect(await store.load()).toEqual({ data: null, problem: "saved from another N-sight server" });
      expect(await store.accountOf("current")).toBeNull();
      expect(await store.deviceIdsOf("current")).toEqual([]);
      expect((await store.accountOf("set_aside"))?.server).toBe(`http://127.0.0.1:${port}`);
      expect(await store.deviceIdsOf("set_aside")).toEqual([`${port}`]);
    }
  });

  it("skips a damaged device row, not the whole state, and drops it", async () => {
    const dir = directory();
    const other = { ...device, deviceId: "3000002", name: "SRV-02" };
    const third = { ...device, deviceId: "3000003", name: "SRV-03" };
    await storeIn(dir).save({ ...fields, changed: [device, other, third], removed: [] });
    const db = await openStore(dir);
    await db.updateTable("fleet_devices").set({ body: '{"deviceId":"3000002","name":' }).where("device_id", "=", "3000002").execute();
    await db.updateTable("fleet_devices").set({ body: JSON.stringify({ ...third, state: "grand", plugins: null }) }).where("device_id", "=", "3000003").execute();
    await db.destroy();
    const store = storeIn(dir);
    const loaded = await store.load();
    expect(loaded).toMatchObject({ confirmation: "show", skipped: 2 });
    expect(loaded.data?.devices).toEqual([device]);
    expect(await store.deviceIdsOf("current")).toEqual([device.deviceId]);
  });

  it("imports the file an earlier version kept, once, and renames it", async () => {
    const dir = directory();
    writeFileSync(join(dir, LEGACY_FILE), legacyFile({ server: US, clientIds: ["20", "3"], keyHint: keyHint(KEY) }));
    const loaded = await storeIn(dir).load();
    expect(loaded.confirmation).toBe("show");
    expect(loaded.data?.devices).toEqual([device]);
    expect(loaded.data).toMatchObject({ ...fields, savedAt: "2026-11-27T12:00:00.000Z" });
    expect(readdirSync(dir).filter((f) => f.startsWith("fleet-state"))).toEqual([`${LEGACY_FILE}.imported`]);

    const again = await storeIn(dir).load();
    expect(again.data?.devices).toEqual([device]);
  });

  it("treats an imported state saved before the account was recorded as of an unknown account, judged by its clients", async () => {
    const dir = directory();
    writeFileSync(join(dir, LEGACY_FILE), legacyFile(null));
    for (let i = 0; i < 2; i++) {
      const loaded = await storeIn(dir).load();
      expect(loaded.confirmation).toBe("hold");
      expect(loaded.data?.account).toEqual({ server: null, clientIds: ["20", "3"], keyHint: null });
      expect(loaded.data?.devices).toEqual([device]);
    }
  });

  it("sets a damaged old file aside without importing it", async () => {
    const dir = directory();
    writeFileSync(join(dir, LEGACY_FILE), '{"version":1,"devices":[{"deviceId":');
    expect(await storeIn(dir).load()).toEqual({ data: null, problem: "not a fleet state of this version" });
    expect(existsSync(join(dir, LEGACY_FILE))).toBe(false);
    expect(readdirSync(dir).some((f) => f.startsWith(`${LEGACY_FILE}.damaged-`))).toBe(true);
  });
});

const failedPlugin = {
  plugin: "FILE_SYSTEM",
  state: "failed" as const,
  lastStatus: "FAILED",
  lastEnd: "2026-11-27T10:00:00.000Z",
  lastSuccessAt: "2026-11-25T10:00:00.000Z",
  failedInARow: 2,
  dueBy: null,
  recent: [{ start: "2026-11-27T09:00:00.000Z", status: "FAILED" }],
};
const okPlugin = { ...failedPlugin, state: "ok" as const, lastStatus: "COMPLETED", lastSuccessAt: "2026-11-27T10:00:00.000Z", failedInARow: 0 };

describe.each(storeBackends())("FleetStore on $name", (backend) => {
  it("reads the devices an earlier version wrote whole (before migration 010), and its own with their plugins apart, at once or plugins later", async () => {
    const location = await backend.fresh();
    const earlier = connectStore(location);
    try {
      await new Migrator({ db: earlier, provider: migrationProvider }).migrateTo("009_leader_fences");
      const meta = JSON.stringify({ version: 2, account: accountIdentity(THIS_ACCOUNT, clients), ...fields, savedAt: "2026-11-27T12:00:00.000Z" });
      await sql`insert into fleet_meta (slot, body, updated_at) values ('current', ${meta}, 1)`.execute(earlier);
      const whole = { ...device, deviceId: "3000009", state: "failed" as const, plugins: [failedPlugin] };
      await sql`insert into fleet_devices (slot, device_id, client_id, state, body, updated_at) values ('current', ${whole.deviceId}, '20', 'failed', ${JSON.stringify(whole)}, 1)`.execute(earlier);
    } finally {
      await earlier.destroy();
    }
    const db = await openStore(location);
    try {
      const store = new FleetStore(db, THIS_ACCOUNT);
      const failed = { ...device, deviceId: "3000001", state: "failed" as const, plugins: [failedPlugin] };
      const ok = { ...device, deviceId: "3000002", plugins: [okPlugin] };
      await store.save({ ...fields, changed: [failed, ok], removed: [] });
      const rows = await db.selectFrom("fleet_devices").select(["device_id", "body", "plugins"]).where("device_id", "=", ok.deviceId).execute();
      expect(JSON.parse(rows[0]!.body)).not.toHaveProperty("plugins");
      expect(JSON.parse(rows[0]!.plugins!)).toEqual([okPlugin]);

      const byId = (devices: StoredDevice[] | undefined) => [...(devices ?? [])].sort((a, b) => a.deviceId.localeCompare(b.deviceId));
      expect(byId((await store.load()).data?.devices)).toEqual([failed, ok, { ...device, deviceId: "3000009", state: "failed", plugins: [failedPlugin] }]);
      expect((await store.readDevices(["3000002", "3000009"])).devices.map((d) => d.plugins)).toEqual(expect.arrayContaining([[okPlugin], [failedPlugin]]));

      const staged = await store.load({ pluginsFirst: (d) => d.state === "failed" });
      // The earlier version's row came whole; of the others only the one asked for first.
      expect(staged.pluginsLater).toEqual([ok.deviceId]);
      expect(byId(staged.data?.devices).map((d) => [d.deviceId, d.plugins])).toEqual([
        [failed.deviceId, [failedPlugin]],
        [ok.deviceId, []],
        ["3000009", [failedPlugin]],
      ]);
      expect(await store.loadPlugins([ok.deviceId])).toEqual({ plugins: new Map([[ok.deviceId, [okPlugin]]]), damaged: [] });

      await db.updateTable("fleet_devices").set({ plugins: '[{"plugin":' }).where("device_id", "=", ok.deviceId).execute();
      expect(await store.loadPlugins([ok.deviceId, "4000000"])).toEqual({ plugins: new Map(), damaged: [ok.deviceId, "4000000"] });
      expect(await store.deviceIdsOf("current")).toEqual([failed.deviceId, "3000009"]);
    } finally {
      await db.destroy();
      backend.dispose(location);
    }
  });
});
