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
  /** A share link's page: whoever holds a live token sees it; a dead or made-up one is sent to the 410 page, /s/expired. */
  | { shareLink: true }
  | {
      capability: Capability;
      /** The path names a client or device that must be within the principal's clients. */
      scoped?: "client" | "device";
      /** A page's answer to a principal without the capability: a real 403, or a 200 saying "no access" (default: a streamed 200 that says "not found", as to a client or device out of its scope). */
      refusal?: "403" | "no_access";
      /** Without a credential: a wall waiting to be paired is shown its pairing code (200), not sent to sign in. */
      unauthenticated?: "pairing";
      /** Allowed, it sends the browser on to this page. */
      redirectsTo?: string;
      /** Under /s/{token}/: the link's token in the path is the only credential read there (and only there). */
      credential?: "share_token";
    };

/** Pages by their path, in the app's spelling (`:param`). */
export const PAGE_ACCESS: Readonly<Record<string, RouteAccess>> = {
  // The dashboard's layout answers a wall screen a real 403 (a user without a role is told "no access" instead: the sign-in specs).
  "/": { capability: "client.read", refusal: "403" },
  "/clients/:clientId": { capability: "client.read", scoped: "client", refusal: "403" },
  "/clients/:clientId/sites/:siteId": { capability: "client.read", scoped: "client", refusal: "403" },
  "/devices/:deviceId": { capability: "device.read", scoped: "device", refusal: "403" },
  "/noc": { capability: "noc.read", refusal: "no_access", unauthenticated: "pairing" },
  "/login": { open: true, signedIn: "sent_on" },
  "/setup": { open: true },
  "/s/:token": { shareLink: true },
  // The admin pages answer a real 403 (forbidden()) before anything streams; /admin itself opens the users page.
  "/admin": { capability: "users.manage", refusal: "403", redirectsTo: "/admin/users" },
  "/admin/users": { capability: "users.manage", refusal: "403" },
  "/admin/tokens": { capability: "tokens.manage", refusal: "403" },
  "/admin/audit": { capability: "audit.read", refusal: "403" },
  "/admin/displays": { capability: "displays.manage", refusal: "403" },
};

/**
 * API routes by their label, as apiRoute names them in logs ("GET /api/…"); `*` is every method.
 * A share link's device routes (/s/:token/api/devices/…) run the handlers of /api/devices/…
 * under those routes' labels; their rows here are by path, for the access matrix.
 */
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
  // Share links: a technician makes and lists its own, an admin every one (share.manage_all, checked in lib/auth/share-links.ts).
  "GET /api/share-links": { capability: "share.create" },
  "POST /api/share-links": { capability: "share.create" },
  "DELETE /api/share-links/:id": { capability: "share.create" },
  "GET /s/:token/api/devices/:deviceId/history": { capability: "device.read", scoped: "device", credential: "share_token" },
  "GET /s/:token/api/devices/:deviceId/sessions/table": { capability: "device.read", scoped: "device", credential: "share_token" },
  "GET /s/:token/api/devices/:deviceId/sessions/csv": { capability: "device.read", scoped: "device", credential: "share_token" },
  // Only a share link's page counts its views (the handler refuses any other principal).
  "POST /s/:token/api/views": { capability: "device.read", credential: "share_token" },
  // Displays: an admin pairs, lists and revokes; a wall with no credential asks for a code and claims its cookie (raw handlers, Origin-checked).
  "GET /api/displays": { capability: "displays.manage" },
  "POST /api/displays/pair": { capability: "displays.manage" },
  "DELETE /api/displays/:displayId": { capability: "displays.manage" },
  "POST /api/displays/pairing": { open: true },
  "POST /api/displays/pairing/claim": { open: true },
  // API tokens, users and the audit log: administrators.
  "GET /api/tokens": { capability: "tokens.manage" },
  "POST /api/tokens": { capability: "tokens.manage" },
  "DELETE /api/tokens/:tokenId": { capability: "tokens.manage" },
  "GET /api/users": { capability: "users.manage" },
  "POST /api/users/:userId/role": { capability: "users.manage" },
  "POST /api/users/:userId/disabled": { capability: "users.manage" },
  "DELETE /api/users/:userId/sessions": { capability: "users.manage" },
  "GET /api/audit": { capability: "audit.read" },
  "* /api/*path": { notFound: true },
};

/** The capability an API route needs, from its row; throws for a route without one. */
export function apiCapability(route: string): Capability | null {
  const access = API_ACCESS[route];
  if (!access) throw new Error(`${route} has no row in lib/auth/routes.ts: say who may use it there`);
  return "capability" in access ? access.capability : null;
}

/** `forbidden`: the principal lacks the capability; `out_of_scope`: it has it, but not for the client or device the path names. */
export type AccessOutcome = "allowed" | "sent_on" | "unauthenticated" | "forbidden" | "out_of_scope" | "not_found" | "pairing" | "gone";

/**
 * What the table says a principal gets from a route: `who` null is no credential; `target`
 * says whether the client or device in the path is one of the principal's ("own") or not.
 * A share link's credential is its token in a /s/{token}/ path, read there alone: on any
 * other route a share principal is nobody, and under /s/ whoever asks is the link (`who`
 * "share" for a live token, null for a dead one).
 */
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
