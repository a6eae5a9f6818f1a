import "server-only";
import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { can, type Capability } from "../auth/access";
import { safeNext } from "../auth/page";
import type { Principal } from "../auth/principal";
import { currentPrincipal } from "../auth/resolve";

export const ADMIN_CAPABILITIES: readonly Capability[] = ["users.manage", "tokens.manage", "displays.manage", "audit.read"];

export function isAdministrator(principal: Principal | null): boolean {
  return principal !== null && ADMIN_CAPABILITIES.some((c) => can(principal, c));
}

/** Called before anything streams (admin pages have no loading boundary), so the 403 is a real one. */
export async function adminPagePrincipal(capability?: Capability): Promise<Principal> {
  const principal = await currentPrincipal();
  if (!principal) redirect(`/login?next=${encodeURIComponent(safeNext((await headers()).get("x-request-path")))}`);
  if (capability ? !can(principal, capability) : !isAdministrator(principal)) forbidden();
  return principal;
}
