import type { StoredDevice } from "../fleet/fleet-store";

/** A read, healthy server with nothing due: tests override what they are about. */
export function storedDevice(over: Partial<StoredDevice> & { deviceId: string }): StoredDevice {
  return {
    name: over.deviceId,
    type: "server",
    clientId: "1",
    clientName: "Acme",
    siteId: "2",
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
    readAt: null,
    readError: null,
    stateChangedAt: null,
    nextBackupDueAt: null,
    overdueAt: null,
    ...over,
  };
}
