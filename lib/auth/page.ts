import "server-only";
import { redirect } from "next/navigation";
import { can, type Capability } from "./access";
import type { Principal } from "./principal";
import { currentPrincipal } from "./resolve";

/** Where sign-in sends someone back to: a path of this site only. */
export function safeNext(next: string | null | undefined): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/";
}

/**
 * The principal a page renders for (resolved once per request); without one, the visitor is
 * sent to /login and back here afterwards.
 */
export async function pagePrincipal(path: string): Promise<Principal> {
  const principal = await currentPrincipal();
  if (!principal) redirect(`/login?next=${encodeURIComponent(safeNext(path))}`);
  return principal;
}

/** Whether a page needing `capability` should show "no access" instead. */
export function lacks(principal: Principal, capability: Capability): boolean {
  return !can(principal, capability);
}
