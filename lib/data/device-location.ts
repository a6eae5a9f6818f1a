import "server-only";
import type { Client, ClientDevice } from "../types";
import type { CallOptions } from "../nsight/client";
import { canSeeDevice, requireDevice } from "../auth/access";
import type { Principal } from "../auth/principal";
import { isNsightError } from "../nsight/errors";
import { getRuntime } from "../server/nsight";
import { runningFleet } from "../server/fleet";
import { askedBy } from "./asker";
import { cacheKey, readClientDevices, readClients, readDeviceSessions } from "./cached-reads";

export interface DeviceLocation {
  device: ClientDevice;
  client: Client;
}

const SEARCH_CONCURRENCY = 4;

async function deviceOf(clientId: string, deviceId: string, call: CallOptions): Promise<DeviceLocation | null> {
  try {
    const [clients, devices] = await Promise.all([readClients(call), readClientDevices(clientId, call)]);
    const client = clients.data.find((c) => c.clientId === clientId);
    const device = devices.data.find((d) => d.deviceId === deviceId);
    return client && device ? { device, client } : null;
  } catch (error) {
    if (call.signal?.aborted || isRateLimited(error)) throw error;
    // This client's devices cannot be read right now: keep looking elsewhere.
    return null;
  }
}

/** Not an answer about the device, and searching on would only be refused again. */
const isRateLimited = (error: unknown) => isNsightError(error) && error.kind === "rate_limited";

/** The answer is cached, and the page needs it anyway. */
async function isUnknownDevice(deviceId: string, call: CallOptions): Promise<boolean> {
  try {
    await readDeviceSessions(deviceId, call);
    return false;
  } catch (error) {
    if (call.signal?.aborted || isRateLimited(error)) throw error;
    return isNsightError(error) && error.kind === "not_found";
  }
}

/** N-sight has no "get device" call: the fleet state says which client to read; before its first inventory, the device's own sessions (read by the page anyway) rule out a mistyped id. */
export async function findDeviceLocation(principal: Principal | null, deviceId: string, hintClientId?: string, asked: CallOptions = {}): Promise<DeviceLocation | null> {
  requireDevice(principal, deviceId);
  const call = askedBy(principal, asked);
  const fleet = runningFleet();
  const known = fleet?.device(deviceId);
  if (known) return deviceOf(known.clientId, deviceId, call);
  if (fleet?.progress().inventoryReadAt) return null;
  if (await isUnknownDevice(deviceId, call)) return null;

  const clients = (await readClients(call)).data;
  const hinted = hintClientId ? clients.find((c) => c.clientId === hintClientId) : undefined;
  if (hinted) {
    const found = await deviceOf(hinted.clientId, deviceId, call);
    if (found) return found;
  }
  const rest = clients.filter((c) => c !== hinted);
  let next = 0;
  let found: DeviceLocation | null = null;
  async function worker() {
    while (!found && next < rest.length) {
      const location = await deviceOf(rest[next++]!.clientId, deviceId, call);
      if (location) found ??= location;
    }
  }
  await Promise.all(Array.from({ length: SEARCH_CONCURRENCY }, worker));
  return found;
}

export function peekDeviceLocation(principal: Principal | null, deviceId: string, hintClientId?: string): DeviceLocation | null {
  if (!principal || !canSeeDevice(principal, deviceId)) return null;
  const { cache } = getRuntime();
  const clients = cache.peek<Client[]>(cacheKey.clients())?.value;
  if (!clients) return null;
  const first = runningFleet()?.device(deviceId)?.clientId ?? hintClientId;
  const ordered = first ? [...clients.filter((c) => c.clientId === first), ...clients] : clients;
  for (const client of ordered) {
    for (const type of ["server", "workstation"] as const) {
      const devices = cache.peek<ClientDevice[]>(cacheKey.clientDevices(client.clientId, type))?.value;
      const device = devices?.find((d) => d.deviceId === deviceId);
      if (device) return { device, client };
    }
  }
  return null;
}
