import "server-only";
import type { Principal } from "../auth/principal";
import { getReportDeviceSessions } from "../data/nsight-data";
import { toUserError } from "../http/user-error";
import type { ClientDevice } from "../types";
import type { DeviceRead, MonthBounds, ReportDevice } from "./client-report";
import { reportAnomalies } from "./report-anomalies";

/** A client with many devices takes its turn: at most this many of its session lists are asked for at once. */
export const REPORT_READ_CONCURRENCY = 4;

export interface DeviceReadResult {
  device: ReportDevice;
  read: DeviceRead;
}

export function reportDevice(device: ClientDevice): ReportDevice {
  return { deviceId: device.deviceId, name: device.name, siteName: device.siteName, type: device.type, backupEnabled: device.backupEnabled };
}

function limiter(concurrency: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/** One promise per device, never rejected: a device that cannot be read says why, and the others go on. A device with Backup & Recovery off is not read. */
export function readReportDevices(principal: Principal, clientId: string, month: string, bounds: MonthBounds, devices: readonly ClientDevice[], now: number, signal?: AbortSignal): Promise<DeviceReadResult>[] {
  const run = limiter(REPORT_READ_CONCURRENCY);
  return devices.map(async (clientDevice): Promise<DeviceReadResult> => {
    const device = reportDevice(clientDevice);
    if (!device.backupEnabled) return { device, read: { state: "off" } };
    try {
      const sessions = await run(() => getReportDeviceSessions(principal, clientId, month, device.deviceId, { signal }));
      const anomalies = reportAnomalies(sessions.data, bounds, now);
      return { device, read: { state: "read", sessions: sessions.data, stale: sessions.stale, fetchedAt: sessions.fetchedAt, anomalies } };
    } catch (error) {
      return { device, read: { state: "unreadable", reason: toUserError(error, "Backup history").message } };
    }
  });
}
