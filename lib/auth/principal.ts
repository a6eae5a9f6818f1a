import type { Role, User } from "../store/users";

export interface UserPrincipal {
  kind: "user";
  user: User;
  via: "session" | "token";
  credentialId: string;
}

export interface SharePrincipal {
  kind: "share";
  linkId: string;
  /** The one device a device link opens; null for a report link. */
  deviceId: string | null;
  clientId: string;
  /** YYYY-MM: the one month of its client's report a report link opens; null for a device link. */
  reportMonth: string | null;
  view: string;
}

export interface DisplayPrincipal {
  kind: "display";
  displayId: string;
  name: string;
  clientIds: string[] | null;
  renewed?: boolean;
}

export interface DemoPrincipal {
  kind: "demo";
}

export type Principal = UserPrincipal | SharePrincipal | DisplayPrincipal | DemoPrincipal;

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
