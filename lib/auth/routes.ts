import { CAPABILITY_TABLE, type Capability } from "./capabilities";
import type { PrincipalClass } from "./principal";

/**
 * Every page and API route, with what it takes to open it: the capability of the table in
 * lib/auth/capabilities.ts, and whether the client or device it names must be one the
 * principal may see. apiRoute refuses to build a route without a row here, and the access
 * matrix (e2e/access-matrix.spec.ts) fails on any page or route file without one.
 */
export type RouteAccess =
  /** Anyone; with `signedIn: "sent_on"` someone already signed in is sent on to the dashboard instead. */
  | { open: true; signedIn?: "sent_on" }
  /** Answers "no such route" to everyone. */
  | { notFound: true }
  | {
      capability: Capability;
      /** The path names a client or device that must be within the principal's clients. */
      scoped?: "client" | "device";
    };

/** Pages by their path, in the app's spelling (`:param`). */
export const PAGE_ACCESS: Readonly<Record<string, RouteAccess>> = {
  "/": { capability: "fleet.read" },
  "/clients/:clientId": { capability: "client.read", scoped: "client" },
  "/clients/:clientId/sites/:siteId": { capability: "client.read", scoped: "client" },
  "/devices/:deviceId": { capability: "device.read", scoped: "device" },
  "/noc": { capability: "noc.read" },
  "/login": { open: true, signedIn: "sent_on" },
  "/setup": { open: true },
};

/** API routes by their label, as apiRoute names them in logs ("GET /api/…"); `*` is every method. */
export const API_ACCESS: Readonly<Record<string, RouteAccess>> = {
  "GET /api/clients": { capability: "client.read" },
  "GET /api/clients/:clientId/sites": { capability: "client.read", scoped: "client" },
  "GET /api/clients/:clientId/devices": { capability: "client.read", scoped: "client" },
  // A principal limited to some clients must name the site's client (clientId), which is then checked.
  "GET /api/sites/:siteId/devices": { capability: "client.read", scoped: "client" },
  "GET /api/devices/:deviceId/sessions": { capability: "device.read", scoped: "device" },
  "GET /api/devices/:deviceId/sessions/table": { capability: "device.read", scoped: "device" },
  "GET /api/devices/:deviceId/sessions/csv": { capability: "device.read", scoped: "device" },
  "GET /api/devices/:deviceId/history": { capability: "device.read", scoped: "device" },
  "GET /api/fleet": { capability: "fleet.read" },
  "GET /api/health": { open: true },
  "* /api/*path": { notFound: true },
};

/** The capability an API route needs, from its row; throws for a route without one. */
export function apiCapability(route: string): Capability | null {
  const access = API_ACCESS[route];
  if (!access) throw new Error(`${route} has no row in lib/auth/routes.ts: say who may use it there`);
  return "capability" in access ? access.capability : null;
}

export type AccessOutcome = "allowed" | "sent_on" | "unauthenticated" | "forbidden" | "not_found";

/**
 * What the table says a principal gets from a route: `who` null is no credential; `target`
 * says whether the client or device in the path is one of the principal's ("own") or not.
 */
export function expectedAccess(access: RouteAccess, who: PrincipalClass | null, target: "own" | "other" | null): AccessOutcome {
  if ("notFound" in access) return "not_found";
  if ("open" in access) return who !== null && who !== "share" && who !== "display" && access.signedIn === "sent_on" ? "sent_on" : "allowed";
  if (who === null) return "unauthenticated";
  if (!CAPABILITY_TABLE[who].includes(access.capability)) return "forbidden";
  if (access.scoped && target === "other") return "forbidden";
  return "allowed";
}
