import "server-only";
import { isNsightId } from "../ids";
import { getStore } from "../store/db";
import { listDisplays, revokeDisplay, type DisplayListing } from "../store/displays";
import { requireCapability } from "./access";
import { audit } from "./audit";
import { pairDisplay } from "./displays";
import { actorOf, type Principal } from "./principal";

export interface DisplayView {
  id: string;
  name: string;
  clients: string[];
  createdAt: string;
  expiresAt: string;
  lastSeenAt: string | null;
  lastAddress: string | null;
}

export function displayView(d: Pick<DisplayListing, "id" | "name" | "clientIds" | "expiresAt" | "lastSeenAt"> & Partial<DisplayListing>, now = Date.now()): DisplayView {
  return {
    id: d.id,
    name: d.name,
    clients: d.clientIds ?? [],
    createdAt: new Date(d.createdAt ?? now).toISOString(),
    expiresAt: new Date(d.expiresAt).toISOString(),
    lastSeenAt: d.lastSeenAt === null ? null : new Date(d.lastSeenAt).toISOString(),
    lastAddress: d.lastAddress ?? null,
  };
}

const MAX_NAME = 80;
const MAX_CLIENTS = 500;

export type PairInput = { code: unknown; name: unknown; clients: unknown };
export type PairOutcome = { ok: true; display: DisplayView } | { ok: false; status: 400 | 404; message: string };

export async function pairDisplayAs(principal: Principal | null, input: PairInput, address: string | null): Promise<PairOutcome> {
  requireCapability(principal, "displays.manage");
  if (typeof input.code !== "string" || input.code.length > 40) return { ok: false, status: 400, message: "Enter the code the wall shows." };
  const name = typeof input.name === "string" ? input.name.trim().replace(/\s+/g, " ") : "";
  if (!name || name.length > MAX_NAME) return { ok: false, status: 400, message: `Give the display a name of 1 to ${MAX_NAME} characters.` };
  const clients = input.clients ?? [];
  if (!Array.isArray(clients) || clients.length > MAX_CLIENTS || !clients.every((c): c is string => typeof c === "string" && isNsightId(c))) {
    return { ok: false, status: 400, message: "Clients must be a list of client ids." };
  }
  const clientIds = clients.length ? [...new Set(clients)] : null;
  const result = await pairDisplay(await getStore(), { code: input.code, name, clientIds, createdBy: actorOf(principal) });
  if (!result.ok) return { ok: false, status: 404, message: result.message };
  await audit(principal, { action: "display.pair", target: `display:${result.display.id}`, detail: { name, clients: clientIds ?? "all" }, address });
  return { ok: true, display: displayView(result.display) };
}

export async function listDisplaysAs(principal: Principal | null): Promise<DisplayView[]> {
  requireCapability(principal, "displays.manage");
  return (await listDisplays(await getStore())).map((d) => displayView(d));
}

const DISPLAY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isDisplayId(value: string): boolean {
  return DISPLAY_ID.test(value);
}

export async function revokeDisplayAs(principal: Principal | null, id: string, address: string | null): Promise<boolean> {
  requireCapability(principal, "displays.manage");
  if (!isDisplayId(id) || !(await revokeDisplay(await getStore(), id))) return false;
  await audit(principal, { action: "display.revoke", target: `display:${id}`, address });
  return true;
}
