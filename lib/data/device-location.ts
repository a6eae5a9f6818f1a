import "server-only";
import type { Client, ClientDevice } from "../types";
import { getRuntime } from "../server/nsight";
import { cacheKey, getClientDevices, getClients } from "./nsight-data";

export interface DeviceLocation {
  device: ClientDevice;
  client: Client;
}

/** Clients searched at once when a device link carries no (correct) hint. */
const SEARCH_CONCURRENCY = 4;

async function deviceOf(client: Client, deviceId: string): Promise<DeviceLocation | null> {
  try {
    const device = (await getClientDevices(client.clientId)).data.find((d) => d.deviceId === deviceId);
    return device ? { device, client } : null;
  } catch {
    // This client's devices cannot be read right now: keep looking elsewhere.
    return null;
  }
}

/**
 * Which client and site a device belongs to, from (cached) inventory. N-sight has no
 * "get device" call, so: the client named by the link's hint first, then every client in
 * turn, a few at a time. Each client's device list is cached, so this costs N-sight at
 * most two calls per client per inventory period. Returns null for a device nobody lists.
 */
export async function findDeviceLocation(deviceId: string, hintClientId?: string): Promise<DeviceLocation | null> {
  const clients = (await getClients()).data;
  const hinted = hintClientId ? clients.find((c) => c.clientId === hintClientId) : undefined;
  if (hinted) {
    const found = await deviceOf(hinted, deviceId);
    if (found) return found;
  }
  const rest = clients.filter((c) => c !== hinted);
  let next = 0;
  let found: DeviceLocation | null = null;
  async function worker() {
    while (!found && next < rest.length) {
      const location = await deviceOf(rest[next++]!, deviceId);
      if (location) found ??= location;
    }
  }
  await Promise.all(Array.from({ length: SEARCH_CONCURRENCY }, worker));
  return found;
}

/**
 * The device's location if the inventory needed is already cached (fresh or not), without
 * calling N-sight: lets a page pick the client's time zone without waiting.
 */
export function peekDeviceLocation(deviceId: string, hintClientId?: string): DeviceLocation | null {
  const { cache } = getRuntime();
  const clients = cache.peek<Client[]>(cacheKey.clients())?.value;
  if (!clients) return null;
  const ordered = hintClientId ? [...clients.filter((c) => c.clientId === hintClientId), ...clients] : clients;
  for (const client of ordered) {
    for (const type of ["server", "workstation"] as const) {
      const devices = cache.peek<ClientDevice[]>(cacheKey.clientDevices(client.clientId, type))?.value;
      const device = devices?.find((d) => d.deviceId === deviceId);
      if (device) return { device, client };
    }
  }
  return null;
}
