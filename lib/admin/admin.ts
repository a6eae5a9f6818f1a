import "server-only";
import { requireCapability, type Capability } from "../auth/access";
import { apiTokenProblem, issueApiToken } from "../auth/api-tokens";
import { audit } from "../auth/audit";
import type { Principal } from "../auth/principal";
import { endAllSessions } from "../auth/sessions";
import { MissingError, RequestError } from "../http/request-error";
import { isNsightId } from "../ids";
import { findApiToken, listApiTokens, revokeApiToken, type ApiTokenListing } from "../store/api-tokens";
import { listAudit, type AuditEntry } from "../store/audit";
import { getStore, type Store } from "../store/db";
import { findUserById, lastSignIns, listUsers, setUserDisabled, setUserRole, setViewerClients, type Role, type User } from "../store/users";

// Every change writes an audit entry, never a token or a password.

export interface AdminUser {
  id: string;
  email: string;
  name: string | null;
  role: Role | null;
  clientIds: string[] | null;
  disabledAt: number | null;
  lastSignInAt: number | null;
}

export interface ChangeContext {
  principal: Principal | null;
  address: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_VIEWER_CLIENTS = 1_000;

function requireAdmin(principal: Principal | null, capability: Capability): asserts principal is Principal {
  requireCapability(principal, capability);
}

function checkId(id: string, what: string): string {
  if (!UUID.test(id)) throw new RequestError(`Invalid ${what} id.`);
  return id;
}

async function userOrFail(db: Store, id: string): Promise<User> {
  const user = await findUserById(db, checkId(id, "user"));
  if (!user) throw new MissingError("No such user.");
  return user;
}

export function parseClientIds(value: unknown): string[] {
  if (!Array.isArray(value) || value.length > MAX_VIEWER_CLIENTS || !value.every((v) => typeof v === "string" && isNsightId(v))) {
    throw new RequestError("clients must be a list of N-sight client ids.");
  }
  return [...new Set(value as string[])];
}

export async function listUsersForAdmin(principal: Principal | null): Promise<AdminUser[]> {
  requireAdmin(principal, "users.manage");
  const db = await getStore();
  const [users, signIns] = await Promise.all([listUsers(db), lastSignIns(db)]);
  return users.map((u) => ({ id: u.id, email: u.email, name: u.name, role: u.role, clientIds: u.clientIds, disabledAt: u.disabledAt, lastSignInAt: signIns.get(u.id) ?? null }));
}

async function keepAnAdmin(db: Store, user: User): Promise<void> {
  if (user.role !== "admin" || user.disabledAt !== null) return;
  const others = (await listUsers(db)).filter((u) => u.id !== user.id && u.role === "admin" && u.disabledAt === null);
  if (others.length === 0) throw new RequestError("This is the only enabled administrator; make someone else an administrator first.");
}

export async function changeUserRole(ctx: ChangeContext, userId: string, role: Role | null, clientIds: string[] | null): Promise<void> {
  requireAdmin(ctx.principal, "users.manage");
  const db = await getStore();
  const user = await userOrFail(db, userId);
  if (role === "viewer" && clientIds === null) throw new RequestError("A viewer needs its list of clients.");
  if (role !== "admin") await keepAnAdmin(db, user);
  if (role === "viewer" && user.role === "viewer") await setViewerClients(db, user.id, clientIds ?? []);
  else await setUserRole(db, user.id, role, clientIds);
  await audit(ctx.principal, {
    action: "user.set_role",
    target: `user:${user.id}`,
    detail: { email: user.email, from: user.role, to: role, fromClients: user.clientIds, clients: role === "viewer" ? clientIds : null },
    address: ctx.address,
  });
}

/** A disabled user's tokens stop working too. */
export async function changeUserDisabled(ctx: ChangeContext, userId: string, disabled: boolean): Promise<void> {
  requireAdmin(ctx.principal, "users.manage");
  const db = await getStore();
  const user = await userOrFail(db, userId);
  if (disabled) await keepAnAdmin(db, user);
  await setUserDisabled(db, user.id, disabled);
  const ended = disabled ? await endAllSessions(db, user.id) : 0;
  await audit(ctx.principal, { action: disabled ? "user.disable" : "user.enable", target: `user:${user.id}`, detail: { email: user.email, ...(disabled ? { endedSessions: ended } : {}) }, address: ctx.address });
}

export async function endUserSessions(ctx: ChangeContext, userId: string): Promise<number> {
  requireAdmin(ctx.principal, "users.manage");
  const db = await getStore();
  const user = await userOrFail(db, userId);
  const ended = await endAllSessions(db, user.id);
  await audit(ctx.principal, { action: "user.end_sessions", target: `user:${user.id}`, detail: { email: user.email, ended }, address: ctx.address });
  return ended;
}

export type TokenState = "active" | "expired" | "revoked";

export interface AdminToken extends Omit<ApiTokenListing, "revokedAt"> {
  revokedAt: number | null;
  state: TokenState;
}

function withState(token: ApiTokenListing, now: number): AdminToken {
  const state: TokenState = token.revokedAt !== null ? "revoked" : token.expiresAt !== null && token.expiresAt <= now ? "expired" : "active";
  return { ...token, state };
}

export async function listTokensForAdmin(principal: Principal | null, now = Date.now()): Promise<AdminToken[]> {
  requireAdmin(principal, "tokens.manage");
  return (await listApiTokens(await getStore())).map((t) => withState(t, now));
}

/** The result holds the token itself, to be shown once. */
export async function createTokenFor(ctx: ChangeContext, input: { userId: string; name: string; expiresInDays: number | null }): Promise<{ token: string; listing: AdminToken }> {
  requireAdmin(ctx.principal, "tokens.manage");
  const problem = apiTokenProblem(input.name, input.expiresInDays);
  if (problem) throw new RequestError(problem);
  const db = await getStore();
  const user = await userOrFail(db, input.userId);
  if (user.disabledAt !== null) throw new RequestError("This user is disabled; a token of theirs would not work.");
  const { token, row } = await issueApiToken(db, input);
  await audit(ctx.principal, { action: "token.create", target: `token:${row.id}`, detail: { email: user.email, userId: user.id, name: row.name, expiresAt: row.expiresAt }, address: ctx.address });
  return { token, listing: withState({ ...row, userEmail: user.email, revokedAt: null }, row.createdAt) };
}

export async function revokeToken(ctx: ChangeContext, tokenId: string): Promise<boolean> {
  requireAdmin(ctx.principal, "tokens.manage");
  const db = await getStore();
  const token = await findApiToken(db, checkId(tokenId, "token"));
  if (!token) throw new MissingError("No such token.");
  const revoked = await revokeApiToken(db, token.id);
  if (revoked) await audit(ctx.principal, { action: "token.revoke", target: `token:${token.id}`, detail: { email: token.userEmail, name: token.name }, address: ctx.address });
  return revoked;
}

export const AUDIT_PAGE_SIZE = 50;

export interface AuditPage {
  entries: (AuditEntry & { actorEmail: string | null })[];
  next: string | null;
}

/** An audit cursor is "<at>.<id>" of the last entry shown. */
export function parseAuditCursor(value: string | null): { before: number; beforeId: string } | null {
  if (value === null) return null;
  const match = /^(\d{1,15})\.([0-9a-f-]{36})$/.exec(value);
  if (!match || !UUID.test(match[2]!)) throw new RequestError("Invalid before: use the next cursor of the previous page.");
  return { before: Number(match[1]), beforeId: match[2]! };
}

export async function readAudit(principal: Principal | null, cursor: string | null, limit = AUDIT_PAGE_SIZE): Promise<AuditPage> {
  requireAdmin(principal, "audit.read");
  const position = parseAuditCursor(cursor);
  const db = await getStore();
  const [rows, users] = await Promise.all([listAudit(db, { limit: limit + 1, ...position }), listUsers(db)]);
  const emails = new Map(users.map((u) => [`user:${u.id}`, u.email]));
  const entries = rows.slice(0, limit).map((e) => ({ ...e, actorEmail: emails.get(e.actor) ?? null }));
  const last = entries.at(-1);
  return { entries, next: rows.length > limit && last ? `${last.at}.${last.id}` : null };
}
