import type { PrincipalClass } from "./principal";

/**
 * Who may do what: ONE table of principal class × capability. The data layer asks it before
 * any read (lib/auth/access.ts), route handlers and pages through it, and the access tests
 * iterate over it. Free of server-only imports so the end-to-end matrix can read it too.
 */
export const CAPABILITIES = [
  "fleet.read",
  "noc.read",
  "client.read",
  "device.read",
  "share.create",
  "share.manage_all",
  "users.manage",
  "displays.manage",
  "tokens.manage",
  "audit.read",
] as const;
export type Capability = (typeof CAPABILITIES)[number];

const ALL: readonly Capability[] = CAPABILITIES;
const READ: readonly Capability[] = ["fleet.read", "noc.read", "client.read", "device.read"];

export const CAPABILITY_TABLE: Readonly<Record<PrincipalClass, readonly Capability[]>> = {
  admin: ALL,
  technician: [...READ, "share.create"],
  // Reads like a technician, but only its own clients (see canSeeClient).
  viewer: READ,
  no_role: [],
  // One device's page, nothing else (see canSeeDevice).
  share: ["device.read"],
  // The wall and the fleet data it polls, for its clients.
  display: ["fleet.read", "noc.read"],
  demo: ALL,
};
