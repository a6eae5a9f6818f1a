import "server-only";
import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { can, type Capability } from "../auth/access";
import { safeNext } from "../auth/page";
import type { Principal } from "../auth/principal";
import { currentPrincipal } from "../auth/resolve";

/** The capabilities of the admin pages; the admin navigation shows to whoever has one. */
export const ADMIN_CAPABILITIES: readonly Capability[] = ["users.manage", "tokens.manage", "displays.manage", "audit.read"];

export function isAdministrator(principal: Principal | null): boolean {
  return principal !== null && ADMIN_CAPABILITIES.some((c) => can(principal, c));
}

/**
 * The principal of an admin page: nobody goes to /login, anyone without the capability gets
 * a real 403 (called before anything streams: the admin pages have no loading boundary).
 */
export async function adminPagePrincipal(capability?: Capability): Promise<Principal> {
  const principal = await currentPrincipal();
  if (!principal) redirect(`/login?next=${encodeURIComponent(safeNext((await headers()).get("x-request-path")))}`);
  if (capability ? !can(principal, capability) : !isAdministrator(principal)) forbidden();
  return principal;
}
