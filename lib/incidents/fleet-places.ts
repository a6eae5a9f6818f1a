import "server-only";
import { safeZone } from "../format";
import { getFleet } from "../server/fleet";

export interface FleetClientPlace {
  clientId: string;
  name: string;
  /** Canonical IANA name; UTC when N-sight gives none. */
  zone: string;
  zoneSet: boolean;
}

/** A client as the fleet state knows it (never N-sight): snoozes and windows may only name what the fleet has seen. */
export function fleetClient(clientId: string): FleetClientPlace | null {
  const client = getFleet()
    .snapshot(new Set([clientId]))
    .clients.find((c) => c.clientId === clientId);
  return client ? { clientId, name: client.name, zone: safeZone(client.timezone), zoneSet: client.timezone !== null } : null;
}

export function fleetDevice(deviceId: string): { deviceId: string; name: string; clientId: string; clientName: string } | null {
  const device = getFleet().device(deviceId);
  return device ? { deviceId, name: device.name, clientId: device.clientId, clientName: device.clientName } : null;
}

/** Each known client's zone, for maintenance windows (which run in the client's local time). */
export function clientZones(clientIds: readonly string[] | null): Map<string, string> {
  const snapshot = getFleet().snapshot(clientIds ? new Set(clientIds) : undefined);
  return new Map(snapshot.clients.map((c) => [c.clientId, safeZone(c.timezone)]));
}
