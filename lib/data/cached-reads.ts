import "server-only";
import type { BackupSession, Client, ClientDevice, DeviceType, Site, SiteDevice } from "../types";
import type { CallOptions } from "../nsight/client";
import { isNsightError, NsightError } from "../nsight/errors";
import { getRuntime } from "../server/nsight";
import { combine, fromHit, type Fresh } from "./fresh";

// Decides nothing about who may see what: only lib/data/nsight-data.ts (which checks the principal first) and the fleet refresher import this module.

/** An unknown id is a definitive answer: remember it for the TTL instead of asking again. */
const isUnknownId = (error: unknown) => isNsightError(error) && error.kind === "not_found";
/** The asker's share was used up: the resource did not fail, and someone else joining the load may still read it. */
const isAskerRefusal = (error: unknown) => isNsightError(error) && error.kind === "rate_limited";

/** Cache keys name the N-sight resource (service and parameters), never who asked. */
export const cacheKey = {
  clients: () => "list_clients",
  sites: (clientId: string) => `list_sites?clientid=${clientId}`,
  clientDevices: (clientId: string, type: DeviceType) => `list_devices_at_client?clientid=${clientId}&devicetype=${type}`,
  siteDevices: (siteId: string, type: DeviceType) => `${type === "server" ? "list_servers" : "list_workstations"}?siteid=${siteId}`,
  sessions: (deviceId: string) => `list_mob_sessions?deviceid=${deviceId}`,
};

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name, "en", { sensitivity: "base" });

export async function readClients(call: CallOptions = {}): Promise<Fresh<Client[]>> {
  const { client, cache, config } = getRuntime();
  const hit = await cache.get(cacheKey.clients(), {
    ttlMs: config.inventoryTtlMs,
    signal: call.signal,
    refusedForAsker: isAskerRefusal,
    load: (signal) => client.listClients({ priority: call.priority, asker: call.asker, signal }),
    weigh: (clients) => clients.length,
  });
  return fromHit(hit);
}

export async function readClient(clientId: string, call: CallOptions = {}): Promise<Fresh<Client>> {
  const clients = await readClients(call);
  const found = clients.data.find((c) => c.clientId === clientId);
  if (!found) throw new NsightError("not_found", "N-sight does not know this client.");
  return { ...clients, data: found };
}

export async function readSites(clientId: string, call: CallOptions = {}): Promise<Fresh<Site[]>> {
  const { client, cache, config } = getRuntime();
  const hit = await cache.get(cacheKey.sites(clientId), {
    ttlMs: config.inventoryTtlMs,
    signal: call.signal,
    refusedForAsker: isAskerRefusal,
    load: (signal) => client.listSites(clientId, { priority: call.priority, asker: call.asker, signal }),
    weigh: (sites) => sites.length,
    cacheError: isUnknownId,
  });
  return fromHit(hit);
}

async function readClientDevicesOfType(clientId: string, type: DeviceType, call: CallOptions): Promise<Fresh<ClientDevice[]>> {
  const { client, cache, config } = getRuntime();
  const hit = await cache.get(cacheKey.clientDevices(clientId, type), {
    ttlMs: config.inventoryTtlMs,
    signal: call.signal,
    refusedForAsker: isAskerRefusal,
    load: (signal) => client.listDevicesAtClient(clientId, type, { priority: call.priority, asker: call.asker, signal }),
    weigh: (devices) => devices.length,
    cacheError: isUnknownId,
  });
  return fromHit(hit);
}

export async function readClientDevices(clientId: string, call: CallOptions = {}): Promise<Fresh<ClientDevice[]>> {
  const [servers, workstations] = await Promise.all([readClientDevicesOfType(clientId, "server", call), readClientDevicesOfType(clientId, "workstation", call)]);
  return combine(servers, workstations, (s, w) =>
    [...s, ...w].sort((a, b) => a.siteName.localeCompare(b.siteName, "en", { sensitivity: "base" }) || byName(a, b)),
  );
}

async function readSiteDevicesOfType(siteId: string, type: DeviceType, call: CallOptions): Promise<Fresh<SiteDevice[]>> {
  const { client, cache, config } = getRuntime();
  const hit = await cache.get(cacheKey.siteDevices(siteId, type), {
    ttlMs: config.inventoryTtlMs,
    signal: call.signal,
    refusedForAsker: isAskerRefusal,
    load: (signal) => {
      const options = { priority: call.priority, asker: call.asker, signal };
      return type === "server" ? client.listServers(siteId, options) : client.listWorkstations(siteId, options);
    },
    weigh: (devices) => devices.length,
    cacheError: isUnknownId,
  });
  return fromHit(hit);
}

/** list_servers lacks the Backup & Recovery flag: given the site's client, it comes from the client's device list. */
export async function readSiteDevices(siteId: string, clientId?: string, call: CallOptions = {}): Promise<Fresh<SiteDevice[]>> {
  const [servers, workstations] = await Promise.all([readSiteDevicesOfType(siteId, "server", call), readSiteDevicesOfType(siteId, "workstation", call)]);
  const devices = combine(servers, workstations, (s, w) => [...s, ...w].sort(byName));
  if (!clientId) return devices;
  const [sites, clientDevices] = await Promise.all([readSites(clientId, call), readClientDevices(clientId, call)]);
  if (!sites.data.some((site) => site.siteId === siteId)) {
    throw new NsightError("not_found", "This site does not belong to that client.");
  }
  const backup = new Map(clientDevices.data.map((d) => [d.deviceId, d.backupEnabled]));
  return combine(devices, combine(sites, clientDevices, () => null), (list) =>
    list.map((d) => ({ ...d, backupEnabled: backup.get(d.deviceId) ?? null })),
  );
}

export async function readDeviceSessions(deviceId: string, call: CallOptions = {}): Promise<Fresh<BackupSession[]>> {
  const { client, cache, config } = getRuntime();
  const hit = await cache.get(cacheKey.sessions(deviceId), {
    ttlMs: config.sessionsTtlMs,
    signal: call.signal,
    refusedForAsker: isAskerRefusal,
    load: (signal) => client.listMobSessions(deviceId, { priority: call.priority, asker: call.asker, signal }),
    weigh: (sessions) => sessions.length,
    cacheError: isUnknownId,
  });
  return fromHit(hit);
}

export function keptWithDeviceSessions<T>(deviceId: string, sessions: readonly BackupSession[], name: string, weight: number, make: () => T): T {
  return getRuntime().cache.keepWith(cacheKey.sessions(deviceId), sessions, name, weight, make);
}
