import "server-only";
import { z } from "zod";
import { requestAddress } from "../auth/request-info";
import type { Principal } from "../auth/principal";
import { jsonResponse } from "../http/api-route";
import type { AdminToken, AdminUser, ChangeContext } from "./admin";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function userJson(u: AdminUser) {
  return { id: u.id, email: u.email, name: u.name, role: u.role, clientIds: u.clientIds, disabled: u.disabledAt !== null, disabledAt: iso(u.disabledAt), lastSignInAt: iso(u.lastSignInAt) };
}

export function tokenJson(t: AdminToken) {
  return { id: t.id, name: t.name, userId: t.userId, userEmail: t.userEmail, state: t.state, createdAt: iso(t.createdAt), expiresAt: iso(t.expiresAt), lastUsedAt: iso(t.lastUsedAt), revokedAt: iso(t.revokedAt) };
}

export function changeContext(principal: Principal, request: Request): ChangeContext {
  return { principal, address: requestAddress(request.headers) };
}

export function storeAnswer<T>(data: T) {
  return { data, fetchedAt: Date.now(), stale: false };
}

export function created(data: unknown): Response {
  return jsonResponse({ data }, 201);
}

export const noContent = () => new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });

export const ROLE_BODY = z.strictObject({
  role: z.enum(["admin", "technician", "viewer"]).nullable(),
  clients: z.array(z.string()).max(1_000).optional(),
});

export const DISABLED_BODY = z.strictObject({ disabled: z.boolean() });

export const TOKEN_BODY = z.strictObject({
  userId: z.string().max(64),
  name: z.string().max(200),
  expiresInDays: z.number().int().min(1).max(3650).nullable().optional(),
});
