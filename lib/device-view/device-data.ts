import "server-only";
import type { Principal } from "../auth/principal";
import { getDeviceSessions } from "../data/nsight-data";
import type { Fresh } from "../data/fresh";
import { RequestError } from "../http/request-error";
import { buildHistory, filterSessions, markPage, pageOfSessions, type DeviceHistory, type SessionPage } from "./history";
import { checkDeviceViewParams, parseDeviceView, resolveRange, type DeviceView } from "./view";
import type { BackupSession } from "../types";

export function viewFromQuery(query: URLSearchParams): { view: DeviceView; zone: string } {
  const problem = checkDeviceViewParams(query);
  if (problem) throw new RequestError(problem);
  const view = parseDeviceView(query);
  return { view, zone: view.tz ?? "UTC" };
}

export async function getDeviceHistory(principal: Principal | null, deviceId: string, view: DeviceView, zone: string, signal?: AbortSignal, now = Date.now()): Promise<Fresh<DeviceHistory>> {
  const sessions = await getDeviceSessions(principal, deviceId, { signal });
  const range = resolveRange(view, now, zone);
  return { ...sessions, data: buildHistory(sessions.data, { filters: view, range, zone, now }) };
}

export async function getDeviceSessionPage(principal: Principal | null, deviceId: string, view: DeviceView, zone: string, signal?: AbortSignal, now = Date.now()): Promise<Fresh<SessionPage>> {
  const sessions = await getDeviceSessions(principal, deviceId, { signal });
  const filtered = filterSessions(sessions.data, view, resolveRange(view, now, zone));
  return { ...sessions, data: markPage(pageOfSessions(filtered, view), sessions.data, now) };
}

export async function getDeviceSessionsInView(principal: Principal | null, deviceId: string, view: DeviceView, zone: string, signal?: AbortSignal, now = Date.now()): Promise<Fresh<BackupSession[]>> {
  const sessions = await getDeviceSessions(principal, deviceId, { signal });
  const filtered = filterSessions(sessions.data, view, resolveRange(view, now, zone));
  return { ...sessions, data: pageOfSessions(filtered, { ...view, page: 1 }, Math.max(1, filtered.length)).rows };
}
