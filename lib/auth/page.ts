import "server-only";
import { redirect } from "next/navigation";
import { can, type Capability } from "./access";
import type { Principal } from "./principal";
import { currentPrincipal } from "./resolve";

/** Where sign-in sends someone back to: a path of this site only. */
export function safeNext(next: string | null | undefined): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/";
}

export async function pagePrincipal(path: string): Promise<Principal> {
  const principal = await currentPrincipal();
  if (!principal) redirect(`/login?next=${encodeURIComponent(safeNext(path))}`);
  return principal;
}

export function lacks(principal: Principal, capability: Capability): boolean {
  return !can(principal, capability);
}
