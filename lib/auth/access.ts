import "server-only";
import { runningFleet } from "../server/fleet";
import type { ApiErrorCode } from "../types";
import { CAPABILITY_TABLE, type Capability } from "./capabilities";
import { principalClass, type Principal } from "./principal";

export { CAPABILITIES, CAPABILITY_TABLE, type Capability } from "./capabilities";

export function can(principal: Principal, capability: Capability): boolean {
  return CAPABILITY_TABLE[principalClass(principal)].includes(capability);
}

/** Branded like NsightError: modules may be loaded once per bundle. */
const ACCESS_ERROR = Symbol.for("nsight-backup-dashboard.AccessError");

/** Its message is ours and names nothing the asker may not see. */
export class AccessError extends Error {
  readonly [ACCESS_ERROR] = true;
  constructor(
    readonly kind: "unauthenticated" | "forbidden",
    message: string,
    readonly code?: ApiErrorCode,
  ) {
    super(message);
    this.name = "AccessError";
  }
}

export function isAccessError(error: unknown): error is AccessError {
  return typeof error === "object" && error !== null && (error as { [ACCESS_ERROR]?: unknown })[ACCESS_ERROR] === true;
}

const REFUSALS: Record<Capability, string> = {
  "fleet.read": "You may not see fleet health.",
  "noc.read": "You may not see the NOC wall.",
  "client.read": "You may not see clients.",
  "device.read": "You may not see devices.",
  "share.create": "You may not create share links.",
  "share.manage_all": "You may not manage other people's share links.",
  "users.manage": "You may not manage users.",
  "displays.manage": "You may not manage displays.",
  "tokens.manage": "You may not manage API tokens.",
  "audit.read": "You may not read the audit log.",
  "incidents.read": "You may not see incidents.",
  "incidents.snooze": "You may not snooze alerts or plan maintenance windows.",
  "alerts.manage": "You may not manage alert channels.",
  "report.read": "You may not see client reports.",
};

export function requireCapability(principal: Principal | null, capability: Capability): asserts principal is Principal {
  if (!principal) throw new AccessError("unauthenticated", "Sign in to see this.");
  if (!can(principal, capability)) throw new AccessError("forbidden", REFUSALS[capability]);
}

export function clientScope(principal: Principal): ReadonlySet<string> | null {
  switch (principal.kind) {
    case "demo":
      return null;
    case "user":
      return principal.user.role === "viewer" ? new Set(principal.user.clientIds ?? []) : principal.user.role ? null : new Set();
    case "display":
      return principal.clientIds === null ? null : new Set(principal.clientIds);
    case "share":
      return new Set([principal.clientId]);
  }
}

export function canSeeClient(principal: Principal, clientId: string): boolean {
  const scope = clientScope(principal);
  return scope === null || scope.has(clientId);
}

/** A client's reports are for whoever may see the client; a share link sees only its own client's report for its own month. */
export function canSeeReport(principal: Principal, clientId: string, month: string | null): boolean {
  if (principal.kind === "share") return principal.reportMonth !== null && principal.clientId === clientId && principal.reportMonth === month;
  return canSeeClient(principal, clientId);
}

/** Never an N-sight call: a limited principal sees a device as the fleet state places it, and one not placed yet is refused. */
export function canSeeDevice(principal: Principal, deviceId: string): boolean {
  if (principal.kind === "share") return principal.deviceId !== null && principal.deviceId === deviceId;
  const scope = clientScope(principal);
  if (scope === null) return true;
  const clientId = runningFleet()?.device(deviceId)?.clientId;
  return clientId !== undefined && scope.has(clientId);
}

export function requireClient(principal: Principal | null, clientId: string): asserts principal is Principal {
  requireCapability(principal, "client.read");
  if (!canSeeClient(principal, clientId)) throw new AccessError("forbidden", "You may not see this client.");
}

export function requireDevice(principal: Principal | null, deviceId: string): asserts principal is Principal {
  requireCapability(principal, "device.read");
  if (!canSeeDevice(principal, deviceId)) throw new AccessError("forbidden", "You may not see this device.");
}

/** month null: the caller has not chosen one yet (a report link always has its own). */
export function requireReport(principal: Principal | null, clientId: string, month: string | null): asserts principal is Principal {
  requireCapability(principal, "report.read");
  if (!canSeeReport(principal, clientId, month)) throw new AccessError("forbidden", "You may not see this client's report.");
}
