import "server-only";
import { randomUUID } from "node:crypto";
import type { Store } from "./db";
import type { UsersTable } from "./schema";

export const ROLES = ["admin", "technician", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

export interface User {
  id: string;
  email: string;
  name: string | null;
  role: Role | null;
  clientIds: string[] | null;
  disabledAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The client_ids column of users and displays: null is every client. */
export function parseClientIds(json: string | null): string[] | null {
  if (json === null) return null;
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
  } catch {
    // A damaged row grants nothing rather than everything.
    return [];
  }
}

function toUser(row: UsersTable): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: isRole(row.role) ? row.role : null,
    clientIds: parseClientIds(row.client_ids),
    disabledAt: row.disabled_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface NewUser {
  email: string;
  name?: string | null;
  role: Role | null;
  clientIds?: string[] | null;
}

export async function createUser(db: Store, input: NewUser, now = Date.now()): Promise<User> {
  const row: UsersTable = {
    id: randomUUID(),
    email: normaliseEmail(input.email),
    name: input.name ?? null,
    role: input.role,
    client_ids: input.clientIds ? JSON.stringify(input.clientIds) : null,
    disabled_at: null,
    created_at: now,
    updated_at: now,
    last_sign_in_at: null,
  };
  await db.insertInto("users").values(row).execute();
  return toUser(row);
}

export async function findUserById(db: Store, id: string): Promise<User | null> {
  const row = await db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toUser(row) : null;
}

export async function findUserByEmail(db: Store, email: string): Promise<User | null> {
  const row = await db.selectFrom("users").selectAll().where("email", "=", normaliseEmail(email)).executeTakeFirst();
  return row ? toUser(row) : null;
}

export async function listUsers(db: Store): Promise<User[]> {
  const rows = await db.selectFrom("users").selectAll().orderBy("email").execute();
  return rows.map(toUser);
}

export async function countUsers(db: Store): Promise<number> {
  const { count } = await db.selectFrom("users").select((eb) => eb.fn.countAll<number>().as("count")).executeTakeFirstOrThrow();
  return Number(count);
}

export async function setUserRole(db: Store, id: string, role: Role | null, clientIds: string[] | null, now = Date.now()): Promise<boolean> {
  const result = await db
    .updateTable("users")
    .set({ role, client_ids: role === "viewer" ? JSON.stringify(clientIds ?? []) : null, updated_at: now })
    .where("id", "=", id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function setUserName(db: Store, id: string, name: string | null, now = Date.now()): Promise<void> {
  await db.updateTable("users").set({ name, updated_at: now }).where("id", "=", id).execute();
}

export async function lastSignIns(db: Store): Promise<Map<string, number>> {
  const rows = await db.selectFrom("users").select(["id", "last_sign_in_at"]).where("last_sign_in_at", "is not", null).execute();
  return new Map(rows.map((r) => [r.id, r.last_sign_in_at!]));
}

export async function recordSignIn(db: Store, id: string, now = Date.now()): Promise<void> {
  await db.updateTable("users").set({ last_sign_in_at: now }).where("id", "=", id).execute();
}

export async function setViewerClients(db: Store, id: string, clientIds: string[], now = Date.now()): Promise<boolean> {
  const result = await db.updateTable("users").set({ client_ids: JSON.stringify(clientIds), updated_at: now }).where("id", "=", id).where("role", "=", "viewer").executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function setUserDisabled(db: Store, id: string, disabled: boolean, now = Date.now()): Promise<boolean> {
  const result = await db
    .updateTable("users")
    .set({ disabled_at: disabled ? now : null, updated_at: now })
    .where("id", "=", id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** By cascade, its identities, password, sessions, tokens and share links go too. */
export async function deleteUser(db: Store, id: string): Promise<boolean> {
  const result = await db.deleteFrom("users").where("id", "=", id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

// Identities: a user signed in through OpenID Connect is known by issuer and subject, never by e-mail.

export async function findUserByIdentity(db: Store, issuer: string, subject: string): Promise<User | null> {
  const row = await db
    .selectFrom("identities")
    .innerJoin("users", "users.id", "identities.user_id")
    .selectAll("users")
    .where("identities.issuer", "=", issuer)
    .where("identities.subject", "=", subject)
    .executeTakeFirst();
  return row ? toUser(row) : null;
}

export async function linkIdentity(db: Store, userId: string, issuer: string, subject: string, now = Date.now()): Promise<void> {
  await db.insertInto("identities").values({ issuer, subject, user_id: userId, created_at: now }).execute();
}

export async function setPasswordHash(db: Store, userId: string, hash: string, now = Date.now()): Promise<void> {
  await db
    .insertInto("password_credentials")
    .values({ user_id: userId, hash, updated_at: now })
    .onConflict((oc) => oc.column("user_id").doUpdateSet({ hash, updated_at: now }))
    .execute();
}

export async function getPasswordHash(db: Store, userId: string): Promise<string | null> {
  const row = await db.selectFrom("password_credentials").select("hash").where("user_id", "=", userId).executeTakeFirst();
  return row?.hash ?? null;
}

export async function countPasswordUsers(db: Store): Promise<number> {
  const { count } = await db.selectFrom("password_credentials").select((eb) => eb.fn.countAll<number>().as("count")).executeTakeFirstOrThrow();
  return Number(count);
}
