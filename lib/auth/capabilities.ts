import type { PrincipalClass } from "./principal";

// Free of server-only imports so the end-to-end access matrix can read this table too.
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
  "incidents.read",
  "incidents.snooze",
  "alerts.manage",
  "report.read",
] as const;
export type Capability = (typeof CAPABILITIES)[number];

const ALL: readonly Capability[] = CAPABILITIES;
const READ: readonly Capability[] = ["fleet.read", "noc.read", "client.read", "device.read", "incidents.read", "report.read"];

export const CAPABILITY_TABLE: Readonly<Record<PrincipalClass, readonly Capability[]>> = {
  admin: ALL,
  technician: [...READ, "share.create", "incidents.snooze"],
  viewer: READ,
  no_role: [],
  // Which device or which report (client and month) a link opens is decided in one place: canSeeDevice and canSeeReport (lib/auth/access.ts).
  share: ["device.read", "report.read"],
  display: ["fleet.read", "noc.read"],
  demo: ALL,
};
