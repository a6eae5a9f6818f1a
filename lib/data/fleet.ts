import "server-only";
import { clientScope, requireCapability, requireClient, type Capability } from "../auth/access";
import type { Principal } from "../auth/principal";
import { answerFor, type FleetQuery } from "../fleet/fleet-answer";
import type { FleetAnswer, FleetDevice, FleetSnapshot } from "../fleet/types";
import { getFleet } from "../server/fleet";

/** The clients the principal may see of those requested (undefined: every client), checked before anything is read. */
function visibleFilter(principal: Principal | null, capability: Capability, requested?: ReadonlySet<string>): ReadonlySet<string> | undefined {
  requireCapability(principal, capability);
  const scope = clientScope(principal);
  if (scope === null) return requested;
  return new Set([...(requested ?? scope)].filter((id) => scope.has(id)));
}

/** The refresher's state (never N-sight), limited to the clients the principal may see before anything is read. */
function snapshotFor(principal: Principal | null, capability: Capability, requested?: ReadonlySet<string>): FleetSnapshot {
  return getFleet().snapshot(visibleFilter(principal, capability, requested));
}

/** The whole picture, for the server's own use (client names and zones): never send it to a browser, send an answer. */
export function readFleetSnapshot(principal: Principal | null, requested?: ReadonlySet<string>): FleetSnapshot {
  return snapshotFor(principal, "fleet.read", requested);
}

/** As readFleetSnapshot, built without blocking the event loop for a whole pass over the fleet: for the walls' polls. */
export function readFleetSnapshotInTurns(principal: Principal | null, requested?: ReadonlySet<string>): Promise<FleetSnapshot> {
  return getFleet().snapshotInTurns(visibleFilter(principal, "fleet.read", requested));
}

export function readNocSnapshot(principal: Principal | null, requested?: ReadonlySet<string>): FleetSnapshot {
  return snapshotFor(principal, "noc.read", requested);
}

export function readFleetAnswer(principal: Principal | null, query: FleetQuery, requested?: ReadonlySet<string>): FleetAnswer {
  return answerFor(readFleetSnapshot(principal, requested), query);
}

export function readNocAnswer(principal: Principal | null, query: FleetQuery, requested?: ReadonlySet<string>): FleetAnswer {
  return answerFor(readNocSnapshot(principal, requested), query);
}

export function fleetDevicesOfClient(principal: Principal | null, clientId: string): Map<string, FleetDevice> {
  requireClient(principal, clientId);
  return getFleet().devicesOfClient(clientId);
}
