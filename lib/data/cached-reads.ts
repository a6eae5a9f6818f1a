import "server-only";
import type { BackupSession, Client, ClientDevice, DeviceType, Site, SiteDevice } from "../types";
import type { LoadOptions } from "../cache/swr-cache";
import type { CallOptions } from "../nsight/client";
import { isNsightError, NsightError } from "../nsight/errors";
import { getRuntime } from "../server/nsight";
import { combine, fromHit, type Fresh } from "./fresh";

// Decides nothing about who may see what: only lib/data/nsight-data.ts (which checks the principal first) and the fleet refresher import this module.

/** An unknown id is a definitive answer: remember it for the TTL instead of asking again. */
const isUnknownId = (error: unknown) => isNsightError(error) && error.kind === "not_found";
/** The asker's share was used up: the resource did not fail, and someone else joining the load may still read it. */
const isAskerRefusal = (error: unknown) => isNsightError(error) && error.kind === "rate_limited";

/** N-able asks for no automated call on one resource more often than every 90 s: no asker's max age goes below it. */
export const maxAgeFloored = (maxAgeMs: number | undefined) => (maxAgeMs === undefined ? undefined : Math.max(90_000, maxAgeMs));

/** A read that may ask for a copy fresher than the cache period (the fleet refresher watching for a backup). */
export interface ReadOptions extends CallOptions {
  maxAgeMs?: number;
}

/** Cache keys name the N-sight resource (service and parameters), never who asked. */
export const cacheKey = {
  clients: () => "list_clients",
  sites: (clientId: string) => `list_sites?clientid=${clientId}`,
  clientDevices: (clientId: string, type: DeviceType) => `list_devices_at_client?clientid=${clientId}&devicetype=${type}`,
  siteDevices: (siteId: string, type: DeviceType) => `${type === "server" ? "list_servers" : "list_workstations"}?siteid=${siteId}`,
  sessions: (deviceId: string) => `list_mob_sessions?deviceid=${deviceId}`,
};

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name, "en", { sensitivity: "base" });

/** One N-sight list through the cache: keyed by the resource, weighed by its length, the asker's options passed on. */
async function readCachedList<T extends readonly unknown[]>(
  key: string,
  ttlMs: number,
  call: ReadOptions,
  load: (options: CallOptions) => Promise<T>,
  cacheUnknownId = true,
): Promise<Fresh<T>> {
  const { cache, shared } = getRuntime();
  const options: LoadOptions<T> = {
    ttlMs,
    maxAgeMs: maxAgeFloored(call.maxAgeMs),
    signal: call.signal,
    refusedForAsker: isAskerRefusal,
    load: (signal) => load({ priority: call.priority, asker: call.asker, signal }),
    weigh: (list) => list.length,
    cacheError: cacheUnknownId ? isUnknownId : undefined,
    // The refresher needs health, not the history: what it reads must not push out what people look at.
    background: call.priority === "background",
  };
  return fromHit(await cache.get(key, shared ? shared.wrap(cache, key, options) : options));
}

export function readClients(call: CallOptions = {}): Promise<Fresh<Client[]>> {
  const { client, config } = getRuntime();
  return readCachedList(cacheKey.clients(), config.inventoryTtlMs, call, (options) => client.listClients(options), false);
}

export async function readClient(clientId: string, call: CallOptions = {}): Promise<Fresh<Client>> {
  const clients = await readClients(call);
  const found = clients.data.find((c) => c.clientId === clientId);
  if (!found) throw new NsightError("not_found", "N-sight does not know this client.");
  return { ...clients, data: found };
}

export function readSites(clientId: string, call: CallOptions = {}): Promise<Fresh<Site[]>> {
  const { client, config } = getRuntime();
  return readCachedList(cacheKey.sites(clientId), config.inventoryTtlMs, call, (options) => client.listSites(clientId, options));
}

function readClientDevicesOfType(clientId: string, type: DeviceType, call: CallOptions): Promise<Fresh<ClientDevice[]>> {
  const { client, config } = getRuntime();
  return readCachedList(cacheKey.clientDevices(clientId, type), config.inventoryTtlMs, call, (options) => client.listDevicesAtClient(clientId, type, options));
}

export async function readClientDevices(clientId: string, call: CallOptions = {}): Promise<Fresh<ClientDevice[]>> {
  const [servers, workstations] = await Promise.all([readClientDevicesOfType(clientId, "server", call), readClientDevicesOfType(clientId, "workstation", call)]);
  return combine(servers, workstations, (s, w) =>
    [...s, ...w].sort((a, b) => a.siteName.localeCompare(b.siteName, "en", { sensitivity: "base" }) || byName(a, b)),
  );
}

function readSiteDevicesOfType(siteId: string, type: DeviceType, call: CallOptions): Promise<Fresh<SiteDevice[]>> {
  const { client, config } = getRuntime();
  return readCachedList(cacheKey.siteDevices(siteId, type), config.inventoryTtlMs, call, (options) =>
    type === "server" ? client.listServers(siteId, options) : client.listWorkstations(siteId, options),
  );
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

export function readDeviceSessions(deviceId: string, call: ReadOptions = {}): Promise<Fresh<BackupSession[]>> {
  const { client, config } = getRuntime();
  return readCachedList(cacheKey.sessions(deviceId), config.sessionsTtlMs, call, (options) => client.listMobSessions(deviceId, options));
}

export function keptWithDeviceSessions<T>(deviceId: string, sessions: readonly BackupSession[], name: string, weight: number, make: () => T): T {
  return getRuntime().cache.keepWith(cacheKey.sessions(deviceId), sessions, name, weight, make);
}
