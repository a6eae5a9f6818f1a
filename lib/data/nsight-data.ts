import "server-only";
import { AccessError, clientScope, requireCapability, requireClient, requireDevice, requireReport } from "../auth/access";
import type { Principal } from "../auth/principal";
import type { CallOptions } from "../nsight/client";
import type { BackupSession, Client, ClientDevice, Site, SiteDevice } from "../types";
import { askedBy } from "./asker";
import { readClient, readClientDevices, readClients, readDeviceSessions, readSites, readSiteDevices } from "./cached-reads";
import type { Fresh } from "./fresh";

// Every read refuses or filters BEFORE the cache or N-sight is touched, so no path can show a client to someone who may not see it.

export { keptWithDeviceSessions } from "./cached-reads";

export async function getClients(principal: Principal | null, call: CallOptions = {}): Promise<Fresh<Client[]>> {
  requireCapability(principal, "client.read");
  const scope = clientScope(principal);
  if (scope !== null && scope.size === 0) return { data: [], fetchedAt: Date.now(), stale: false };
  const clients = await readClients(askedBy(principal, call));
  return scope === null ? clients : { ...clients, data: clients.data.filter((c) => scope.has(c.clientId)) };
}

export async function getClient(principal: Principal | null, clientId: string, call: CallOptions = {}): Promise<Fresh<Client>> {
  requireClient(principal, clientId);
  return readClient(clientId, askedBy(principal, call));
}

export async function getSites(principal: Principal | null, clientId: string, call: CallOptions = {}): Promise<Fresh<Site[]>> {
  requireClient(principal, clientId);
  return readSites(clientId, askedBy(principal, call));
}

export async function getClientDevices(principal: Principal | null, clientId: string, call: CallOptions = {}): Promise<Fresh<ClientDevice[]>> {
  requireClient(principal, clientId);
  return readClientDevices(clientId, askedBy(principal, call));
}

export async function getSiteDevices(principal: Principal | null, siteId: string, clientId?: string, call: CallOptions = {}): Promise<Fresh<SiteDevice[]>> {
  if (clientId !== undefined) requireClient(principal, clientId);
  else {
    requireCapability(principal, "client.read");
    if (clientScope(principal) !== null) throw new AccessError("forbidden", "Say which client this site belongs to (clientId).");
  }
  return readSiteDevices(siteId, clientId, askedBy(principal, call));
}

export async function getDeviceSessions(principal: Principal | null, deviceId: string, call: CallOptions = {}): Promise<Fresh<BackupSession[]>> {
  requireDevice(principal, deviceId);
  return readDeviceSessions(deviceId, askedBy(principal, call));
}

/** A report's reads: for whoever may read this client's report for this month (a report link included), who may see no device page. */
export async function getReportClient(principal: Principal | null, clientId: string, month: string | null, call: CallOptions = {}): Promise<Fresh<Client>> {
  requireReport(principal, clientId, month);
  return readClient(clientId, askedBy(principal, call));
}

export async function getReportDevices(principal: Principal | null, clientId: string, month: string, call: CallOptions = {}): Promise<Fresh<ClientDevice[]>> {
  requireReport(principal, clientId, month);
  return readClientDevices(clientId, askedBy(principal, call));
}

/** The same cached read as the device page's; the device must be one of the client's. */
export async function getReportDeviceSessions(principal: Principal | null, clientId: string, month: string, deviceId: string, call: CallOptions = {}): Promise<Fresh<BackupSession[]>> {
  requireReport(principal, clientId, month);
  const devices = await readClientDevices(clientId, askedBy(principal, call));
  if (!devices.data.some((d) => d.deviceId === deviceId)) throw new AccessError("forbidden", "This device is not one of the report's client's.");
  return readDeviceSessions(deviceId, askedBy(principal, call));
}
