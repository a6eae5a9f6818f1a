import "server-only";
import { randomUUID } from "node:crypto";
import { insertApiToken, type ApiTokenRow } from "../store/api-tokens";
import type { Store } from "../store/db";
import { hashToken, newToken } from "./tokens";

const DAY_MS = 86_400_000;
export const TOKEN_NAME_MAX = 100;
export const TOKEN_EXPIRY_MAX_DAYS = 3650;

export function apiTokenProblem(name: string, expiresInDays: number | null): string | null {
  if (name.trim().length === 0) return "Give the token a name (what script or system uses it).";
  if (name.length > TOKEN_NAME_MAX) return `A token's name is at most ${TOKEN_NAME_MAX} characters.`;
  if (/[\u0000-\u001f\u007f]/.test(name)) return "A token's name cannot contain control characters.";
  if (expiresInDays !== null && (!Number.isInteger(expiresInDays) || expiresInDays < 1 || expiresInDays > TOKEN_EXPIRY_MAX_DAYS)) {
    return `The expiry is a whole number of days from 1 to ${TOKEN_EXPIRY_MAX_DAYS}, or none.`;
  }
  return null;
}

/** The returned token is the only copy there will ever be: the store keeps its hash, so show it once. */
export async function issueApiToken(db: Store, input: { userId: string; name: string; expiresInDays: number | null }, now = Date.now()): Promise<{ token: string; row: ApiTokenRow }> {
  const problem = apiTokenProblem(input.name, input.expiresInDays);
  if (problem) throw new Error(problem);
  const token = newToken();
  const row = await insertApiToken(
    db,
    { id: randomUUID(), hash: hashToken(token), userId: input.userId, name: input.name.trim(), expiresAt: input.expiresInDays === null ? null : now + input.expiresInDays * DAY_MS },
    now,
  );
  return { token, row };
}
