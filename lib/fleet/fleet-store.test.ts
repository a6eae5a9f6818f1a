import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { keyHint } from "../nsight/account";
import { FleetStore, type StoredDevice } from "./fleet-store";

const US = "https://www.systemmonitor.us";
const KEY = "0123456789abcdef0123456789abcdef";
const THIS_ACCOUNT = { server: US, keyHint: keyHint(KEY) };

const device: StoredDevice = {
  deviceId: "3000001",
  name: "SRV-01",
  type: "server",
  clientId: "20",
  clientName: "Acme",
  siteId: "10",
  siteName: "HQ",
  backupEnabled: true,
  state: "ok",
  worstPlugin: null,
  since: null,
  lastSuccessAt: null,
  failedInARow: 0,
  sentence: null,
  plugins: [],
  anomalies: [],
  readAt: "2026-11-27T12:00:00.000Z",
  readError: null,
  stateChangedAt: null,
  nextBackupDueAt: null,
  overdueAt: null,
};

const state = {
  clients: [
    { clientId: "20", name: "Acme", timezone: null },
    { clientId: "3", name: "Beta", timezone: null },
  ],
  devices: [device],
  inventoryReadAt: "2026-11-27T12:00:00.000Z",
  fullPictureAt: "2026-11-27T12:00:00.000Z",
  upstreamLastOkAt: "2026-11-27T12:00:00.000Z",
};

function directory() {
  return mkdtempSync(join(tmpdir(), "fleet-store-"));
}

describe("FleetStore", () => {
  it("saves which account the state was read from, and never the key", () => {
    const store = FleetStore.inDirectory(directory(), THIS_ACCOUNT);
    store.save(state);
    const text = readFileSync(store.path, "utf8");
    expect(JSON.parse(text)).toMatchObject({ version: 2, account: { server: US, clientIds: ["20", "3"], keyHint: keyHint(KEY) } });
    expect(text).not.toContain(KEY);
  });

  it("serves the same server's state saved with the same key at once", () => {
    const store = FleetStore.inDirectory(directory(), THIS_ACCOUNT);
    store.save(state);
    const loaded = store.load();
    expect(loaded.confirmation).toBe("show");
    expect(loaded.data?.devices).toEqual([device]);
  });

  it("holds back the same server's state saved with another key, for list_clients to confirm", () => {
    const dir = directory();
    FleetStore.inDirectory(dir, { server: US, keyHint: keyHint("the key before it was regenerated") }).save(state);
    const loaded = FleetStore.inDirectory(dir, THIS_ACCOUNT).load();
    expect(loaded.confirmation).toBe("hold");
    expect(loaded.data?.account).toEqual({ server: US, clientIds: ["20", "3"], keyHint: keyHint("the key before it was regenerated") });
  });

  it("sets another server's state aside on load, into one file that is replaced each time", () => {
    const dir = directory();
    for (const port of [4010, 4011]) {
      FleetStore.inDirectory(dir, { server: `http://127.0.0.1:${port}`, keyHint: keyHint("demo") }).save(state);
      const store = FleetStore.inDirectory(dir, THIS_ACCOUNT);
      expect(store.load()).toEqual({ data: null, problem: "saved from another N-sight server" });
      expect(existsSync(store.path)).toBe(false);
      expect(JSON.parse(readFileSync(store.setAsidePath, "utf8")).account.server).toBe(`http://127.0.0.1:${port}`);
    }
    expect(readdirSync(dir).sort()).toEqual(["fleet-state.set-aside.json"]);
  });

  it("treats a state saved before the account was recorded as of an unknown account, judged by its clients", () => {
    const store = FleetStore.inDirectory(directory(), THIS_ACCOUNT);
    writeFileSync(store.path, JSON.stringify({ version: 1, savedAt: "2026-11-27T12:00:00.000Z", ...state }));
    const loaded = store.load();
    expect(loaded.confirmation).toBe("hold");
    expect(loaded.data?.account).toEqual({ server: null, clientIds: ["20", "3"], keyHint: null });
    expect(loaded.data?.devices).toEqual([device]);
  });
});
