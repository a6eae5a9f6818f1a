import "server-only";
import { clientScope, requireCapability, requireClient, type Capability } from "../auth/access";
import type { Principal } from "../auth/principal";
import type { FleetDevice, FleetSnapshot } from "../fleet/types";
import { getFleet } from "../server/fleet";

/** The refresher's state (never N-sight), limited to the clients the principal may see. */
function snapshotFor(principal: Principal | null, capability: Capability, requested?: ReadonlySet<string>): FleetSnapshot {
  requireCapability(principal, capability);
  const scope = clientScope(principal);
  if (scope === null) return getFleet().snapshot(requested);
  const allowed = new Set([...(requested ?? scope)].filter((id) => scope.has(id)));
  return getFleet().snapshot(allowed);
}

export function readFleetSnapshot(principal: Principal | null, requested?: ReadonlySet<string>): FleetSnapshot {
  return snapshotFor(principal, "fleet.read", requested);
}

export function readNocSnapshot(principal: Principal | null, requested?: ReadonlySet<string>): FleetSnapshot {
  return snapshotFor(principal, "noc.read", requested);
}

export function fleetDevicesOfClient(principal: Principal | null, clientId: string): Map<string, FleetDevice> {
  requireClient(principal, clientId);
  return getFleet().devicesOfClient(clientId);
}
