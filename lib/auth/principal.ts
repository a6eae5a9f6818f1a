import type { Role, User } from "../store/users";

/**
 * Who is asking. Every read in lib/data/ takes one and decides with it (lib/auth/access.ts)
 * before touching the cache or N-sight.
 */
export interface UserPrincipal {
  kind: "user";
  user: User;
  /** How the request proved it: a browser session or an API token. */
  via: "session" | "token";
  /** The session's hash (to sign out) or the token's id. */
  credentialId: string;
}

/** Someone holding a share link: one device's page, read-only. */
export interface SharePrincipal {
  kind: "share";
  linkId: string;
  deviceId: string;
  clientId: string;
  view: string;
}

/** A paired wall screen: the NOC and its data, for some clients (null: all). */
export interface DisplayPrincipal {
  kind: "display";
  displayId: string;
  name: string;
  clientIds: string[] | null;
  /** Its credential's expiry was pushed back by this request: the wall's cookie is renewed with it. */
  renewed?: boolean;
}

/** Everyone, in demo mode against the built-in simulator. */
export interface DemoPrincipal {
  kind: "demo";
}

export type Principal = UserPrincipal | SharePrincipal | DisplayPrincipal | DemoPrincipal;

/** The rows of the capability table. */
export type PrincipalClass = Role | "no_role" | "share" | "display" | "demo";

export function principalClass(principal: Principal): PrincipalClass {
  switch (principal.kind) {
    case "user":
      return principal.user.role ?? "no_role";
    case "share":
    case "display":
    case "demo":
      return principal.kind;
  }
}

/** How the audit log names a principal. */
export function actorOf(principal: Principal): string {
  switch (principal.kind) {
    case "user":
      return `user:${principal.user.id}`;
    case "share":
      return `share:${principal.linkId}`;
    case "display":
      return `display:${principal.displayId}`;
    case "demo":
      return "demo";
  }
}

/** A short description for pages ("Signed in as …"). */
export function describePrincipal(principal: Principal): string {
  switch (principal.kind) {
    case "user":
      return principal.user.name ?? principal.user.email;
    case "share":
      return "Shared link";
    case "display":
      return `Display ${principal.name}`;
    case "demo":
      return "Demo administrator";
  }
}
