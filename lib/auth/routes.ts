import { CAPABILITY_TABLE, type Capability } from "./capabilities";
import type { PrincipalClass } from "./principal";

// apiRoute refuses to build a route without a row here, and the access matrix (e2e/access-matrix.spec.ts) fails on any page or route file without one.
export type RouteAccess =
  | { open: true; signedIn?: "sent_on" }
  | { notFound: true }
  | { shareLink: true }
  | {
      capability: Capability;
      scoped?: "client" | "device";
      /** Default: a streamed 200 that says "not found", as to a client or device out of its scope. */
      refusal?: "403" | "no_access";
      /** A wall screen's refusal where it differs: the dashboard's layout answers a display a real 403 before the page runs. */
      displayRefusal?: "403";
      unauthenticated?: "pairing";
      redirectsTo?: string;
      credential?: "share_token";
    };

export const PAGE_ACCESS: Readonly<Record<string, RouteAccess>> = {
  // The dashboard's layout answers a wall screen a real 403 (a user without a role is told "no access" instead: the sign-in specs).
  "/": { capability: "client.read", refusal: "403" },
  "/clients/:clientId": { capability: "client.read", scoped: "client", refusal: "403" },
  "/clients/:clientId/sites/:siteId": { capability: "client.read", scoped: "client", refusal: "403" },
  "/devices/:deviceId": { capability: "device.read", scoped: "device", refusal: "403" },
  // A signed-in user without the capability is told "no access" by the page, as on the other dashboard pages.
  "/share-links": { capability: "share.create", refusal: "no_access", displayRefusal: "403" },
  "/noc": { capability: "noc.read", refusal: "no_access", unauthenticated: "pairing" },
  "/login": { open: true, signedIn: "sent_on" },
  "/setup": { open: true },
  "/s/:token": { shareLink: true },
  "/admin": { capability: "users.manage", refusal: "403", redirectsTo: "/admin/users" },
  "/admin/users": { capability: "users.manage", refusal: "403" },
  "/admin/tokens": { capability: "tokens.manage", refusal: "403" },
  "/admin/audit": { capability: "audit.read", refusal: "403" },
  "/admin/displays": { capability: "displays.manage", refusal: "403" },
  "/admin/alerts": { capability: "alerts.manage", refusal: "403" },
};

/** A share link's device routes run the handlers of /api/devices/… under those labels; their rows here are by path, for the access matrix. */
export const API_ACCESS: Readonly<Record<string, RouteAccess>> = {
  "GET /api/clients": { capability: "client.read" },
  "GET /api/clients/:clientId/sites": { capability: "client.read", scoped: "client" },
  "GET /api/clients/:clientId/devices": { capability: "client.read", scoped: "client" },
  "GET /api/sites/:siteId/devices": { capability: "client.read", scoped: "client" },
  "GET /api/devices/:deviceId/sessions": { capability: "device.read", scoped: "device" },
  "GET /api/devices/:deviceId/sessions/table": { capability: "device.read", scoped: "device" },
  "GET /api/devices/:deviceId/sessions/csv": { capability: "device.read", scoped: "device" },
  "GET /api/devices/:deviceId/history": { capability: "device.read", scoped: "device" },
  "GET /api/fleet": { capability: "fleet.read" },
  "GET /api/health": { open: true },
  "GET /api/share-links": { capability: "share.create" },
  "POST /api/share-links": { capability: "share.create" },
  "DELETE /api/share-links/:id": { capability: "share.create" },
  "GET /s/:token/api/devices/:deviceId/history": { capability: "device.read", scoped: "device", credential: "share_token" },
  "GET /s/:token/api/devices/:deviceId/sessions/table": { capability: "device.read", scoped: "device", credential: "share_token" },
  "GET /s/:token/api/devices/:deviceId/sessions/csv": { capability: "device.read", scoped: "device", credential: "share_token" },
  "POST /s/:token/api/views": { capability: "device.read", credential: "share_token" },
  // Displays: an admin pairs, lists and revokes; a wall with no credential asks for a code and claims its cookie (raw handlers, Origin-checked).
  "GET /api/displays": { capability: "displays.manage" },
  "POST /api/displays/pair": { capability: "displays.manage" },
  "DELETE /api/displays/:displayId": { capability: "displays.manage" },
  "POST /api/displays/pairing": { open: true },
  "POST /api/displays/pairing/claim": { open: true },
  "GET /api/tokens": { capability: "tokens.manage" },
  "POST /api/tokens": { capability: "tokens.manage" },
  "DELETE /api/tokens/:tokenId": { capability: "tokens.manage" },
  "GET /api/users": { capability: "users.manage" },
  "POST /api/users/:userId/role": { capability: "users.manage" },
  "POST /api/users/:userId/disabled": { capability: "users.manage" },
  "DELETE /api/users/:userId/sessions": { capability: "users.manage" },
  "GET /api/audit": { capability: "audit.read" },
  "GET /api/alert-channels": { capability: "alerts.manage" },
  "POST /api/alert-channels": { capability: "alerts.manage" },
  "GET /api/alert-channels/:channelId": { capability: "alerts.manage" },
  "PATCH /api/alert-channels/:channelId": { capability: "alerts.manage" },
  "DELETE /api/alert-channels/:channelId": { capability: "alerts.manage" },
  "POST /api/alert-channels/:channelId/test": { capability: "alerts.manage" },
  "GET /api/alert-channels/:channelId/deliveries": { capability: "alerts.manage" },
  "* /api/*path": { notFound: true },
};

export function apiCapability(route: string): Capability | null {
  const access = API_ACCESS[route];
  if (!access) throw new Error(`${route} has no row in lib/auth/routes.ts: say who may use it there`);
  return "capability" in access ? access.capability : null;
}

export type AccessOutcome = "allowed" | "sent_on" | "unauthenticated" | "forbidden" | "out_of_scope" | "not_found" | "pairing" | "gone";

/** A share principal is nobody outside its /s/{token}/ path; under it, whoever asks is the link (null for a dead token). */
export function expectedAccess(access: RouteAccess, who: PrincipalClass | null, target: "own" | "other" | null): AccessOutcome {
  if ("notFound" in access) return "not_found";
  if ("open" in access) return who !== null && who !== "share" && who !== "display" && access.signedIn === "sent_on" ? "sent_on" : "allowed";
  if ("shareLink" in access) return who === "share" ? "allowed" : "gone";
  const asked = who === "share" && access.credential !== "share_token" ? null : who;
  if (asked === null) return access.unauthenticated ?? "unauthenticated";
  if (!CAPABILITY_TABLE[asked].includes(access.capability)) return "forbidden";
  if (access.scoped && target === "other") return "out_of_scope";
  return "allowed";
}
