import "server-only";
import { randomUUID } from "node:crypto";
import type { Store } from "./db";

export interface AuditEntry {
  id: string;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  detail: Record<string, unknown> | null;
  address: string | null;
}

export interface NewAuditEntry {
  actor: string;
  action: string;
  target?: string | null;
  detail?: Record<string, unknown> | null;
  address?: string | null;
}

let lastAt = -1;
let sameMillisecond = 0;

/**
 * Entries of one millisecond are listed by id: a UUID whose first group is a per-process sequence keeps them in the order written.
 * Instances sharing one database interleave by the random rest, each in its own order; that rest keeps the ids unique.
 */
function auditId(at: number): string {
  sameMillisecond = at === lastAt ? sameMillisecond + 1 : 0;
  lastAt = at;
  return `${sameMillisecond.toString(16).padStart(8, "0")}${randomUUID().slice(8)}`;
}

export async function writeAudit(db: Store, entry: NewAuditEntry, now = Date.now()): Promise<void> {
  await db
    .insertInto("audit_log")
    .values({
      id: auditId(now),
      at: now,
      actor: entry.actor,
      action: entry.action,
      target: entry.target ?? null,
      detail: entry.detail ? JSON.stringify(entry.detail) : null,
      address: entry.address ?? null,
    })
    .execute();
}

function parseDetail(json: string | null): Record<string, unknown> | null {
  if (json === null) return null;
  try {
    return JSON.parse(json) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** With `beforeId`, entries written in the same millisecond as the cursor are not skipped. */
export async function listAudit(db: Store, options: { limit?: number; before?: number; beforeId?: string } = {}): Promise<AuditEntry[]> {
  let query = db.selectFrom("audit_log").selectAll().orderBy("at", "desc").orderBy("id", "desc").limit(Math.min(Math.max(options.limit ?? 100, 1), 1000));
  const { before, beforeId } = options;
  if (before !== undefined && beforeId !== undefined) {
    query = query.where((eb) => eb.or([eb("at", "<", before), eb.and([eb("at", "=", before), eb("id", "<", beforeId)])]));
  } else if (before !== undefined) {
    query = query.where("at", "<", before);
  }
  const rows = await query.execute();
  return rows.map((r) => ({ ...r, detail: parseDetail(r.detail) }));
}
