// The fleet state at 50,000 devices: the store's restore and one device's write, against the whole JSON file earlier versions kept.
import { closeSync, fsyncSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FleetStore, readLegacyFleetState, type StoredDevice } from "../../lib/fleet/fleet-store";
import { openStore } from "../../lib/store/db";
import { median, ms, printTable, saveResult, timeRuns } from "./util";

const DEVICES = 50_000;
const CLIENTS = 1_000;
const ACCOUNT = { server: "https://www.systemmonitor.us", keyHint: "0123456789abcdef" };
const T0 = Date.parse("2026-11-27T12:00:00Z");

function device(i: number): StoredDevice {
  const at = (hoursAgo: number) => new Date(T0 - hoursAgo * 3_600_000).toISOString();
  const failed = i % 10 === 0;
  const plugin = (name: string) => ({
    plugin: name,
    state: failed ? ("failed" as const) : ("ok" as const),
    lastStatus: failed ? "FAILED" : "COMPLETED",
    lastEnd: at(2),
    lastSuccessAt: at(failed ? 50 : 2),
    failedInARow: failed ? 2 : 0,
    dueBy: at(-22),
    recent: Array.from({ length: 6 }, (_, k) => ({ start: at(2 + 24 * k), status: failed && k < 2 ? "FAILED" : "COMPLETED" })),
  });
  return {
    deviceId: String(3_000_000 + i),
    name: `SRV-${i}`,
    type: i % 3 === 0 ? "server" : "workstation",
    clientId: String(100_000 + (i % CLIENTS)),
    clientName: `Client ${i % CLIENTS}`,
    siteId: String(200_000 + (i % CLIENTS)),
    siteName: "Head office",
    backupEnabled: true,
    state: failed ? "failed" : "ok",
    worstPlugin: failed ? "FILE_SYSTEM" : null,
    since: failed ? at(26) : null,
    lastSuccessAt: at(failed ? 50 : 2),
    failedInARow: failed ? 2 : 0,
    sentence: failed ? "Files and folders failed twice in a row." : null,
    plugins: [plugin("FILE_SYSTEM"), plugin("SYSTEM_STATE")],
    anomalies: [],
    readAt: at(1),
    readError: null,
    stateChangedAt: failed ? at(26) : null,
    nextBackupDueAt: at(-22),
    overdueAt: at(-26),
  };
}

/** What earlier versions did at every save: the whole state, written to a temporary file, synced and renamed. */
function writeWholeFile(path: string, document: unknown): void {
  const temporary = `${path}.tmp`;
  const fd = openSync(temporary, "w", 0o600);
  try {
    writeSync(fd, JSON.stringify(document));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}

export async function benchFleetStore(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "bench-fleet-store-"));
  try {
    const devices = Array.from({ length: DEVICES }, (_, i) => device(i));
    const clients = Array.from({ length: CLIENTS }, (_, i) => ({ clientId: String(100_000 + i), name: `Client ${i}`, timezone: "Europe/London" }));
    const fields = { clients, inventoryReadAt: new Date(T0).toISOString(), fullPictureAt: new Date(T0).toISOString(), upstreamLastOkAt: new Date(T0).toISOString() };

    const jsonPath = join(dir, "fleet-state-baseline.json");
    const document = { version: 2, savedAt: new Date(T0).toISOString(), account: { server: ACCOUNT.server, clientIds: clients.map((c) => c.clientId), keyHint: ACCOUNT.keyHint }, ...fields, devices };
    const wholeWrite = await timeRuns(5, 1, () => writeWholeFile(jsonPath, document));
    const jsonLoad = await timeRuns(5, 1, () => {
      const data = readLegacyFleetState(JSON.parse(readFileSync(jsonPath, "utf8")));
      if (data?.devices.length !== DEVICES) throw new Error("the baseline file did not read back whole");
    });

    const writer = FleetStore.inDirectory(dir, ACCOUNT);
    const first = await timeRuns(1, 0, () => writer.save({ ...fields, changed: devices, removed: [] }));
    let n = 0;
    const oneDevice = await timeRuns(50, 5, () => {
      const changed = { ...devices[n % DEVICES]!, readAt: new Date(T0 + ++n * 1_000).toISOString() };
      return writer.save({ ...fields, changed: [changed], removed: [] });
    });
    await writer.close();

    const restore = await timeRuns(5, 1, async () => {
      const reader = new FleetStore(openStore(dir), ACCOUNT, null, true);
      const { data } = await reader.load();
      await reader.close();
      if (data?.devices.length !== DEVICES) throw new Error("the store did not restore every device");
    });

    const result = {
      devices: DEVICES,
      jsonFileBytes: statSync(jsonPath).size,
      restoreMs: median(restore),
      jsonLoadMs: median(jsonLoad),
      restoreRatio: median(restore) / median(jsonLoad),
      oneDeviceWriteMs: median(oneDevice),
      wholeFileWriteMs: median(wholeWrite),
      writeRatio: median(oneDevice) / median(wholeWrite),
      firstWriteOfAllRowsMs: first[0]!,
    };
    saveResult("fleet-store", result);
    printTable(`Fleet state at ${DEVICES.toLocaleString("en")} devices: the store against the whole JSON file (goal: restore well under 1 s)`, [
      ["restore from the store (open + load, median of 5)", `${ms(result.restoreMs)} vs JSON load ${ms(result.jsonLoadMs)}: ratio ${result.restoreRatio.toFixed(2)}`],
      ["one device's write (median of 50)", `${ms(result.oneDeviceWriteMs)} vs whole-file rewrite ${ms(result.wholeFileWriteMs)}: ratio ${result.writeRatio.toFixed(4)}`],
      ["first write of every row, one transaction", ms(result.firstWriteOfAllRowsMs)],
      ["the JSON file", `${(result.jsonFileBytes / 1_048_576).toFixed(1)} MB`],
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
