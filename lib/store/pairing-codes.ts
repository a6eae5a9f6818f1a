import "server-only";
import { sql } from "kysely";
import { isPostgres, type Store } from "./db";

// Any fixed number: the advisory lock that makes the count-then-insert below one at a time across instances.
const PAIRING_LOCK = 0x6e736264_01;

/** A code a wall shows while it waits to be paired. Only hashes of the code and of the wall's claim secret are kept. */
export interface PairingCodeRow {
  codeHash: string;
  createdAt: number;
  expiresAt: number;
  displayId: string | null;
}

export interface PairingLimits {
  perAddress: number;
  maxRows: number;
}

export type NewPairingCode = { ok: true } | { ok: false; reason: "address_limit" | "table_full" };

/** Expired codes are pruned on every call, and the table has a cap whoever asks, on however many instances. */
export async function insertPairingCode(
  db: Store,
  code: { codeHash: string; claimHash: string; address: string | null; expiresAt: number },
  limits: PairingLimits,
  now = Date.now(),
): Promise<NewPairingCode> {
  return db.transaction().execute(async (tx) => {
    // SQLite's single writer already serialises this transaction; PostgreSQL's read committed would let two interleave.
    if (isPostgres(tx)) await sql`select pg_advisory_xact_lock(${PAIRING_LOCK}::bigint)`.execute(tx);
    await tx.deleteFrom("pairing_codes").where("expires_at", "<=", now).execute();
    if (code.address !== null) {
      const { held } = await tx
        .selectFrom("pairing_codes")
        .select((eb) => eb.fn.countAll<number>().as("held"))
        .where("address", "=", code.address)
        .executeTakeFirstOrThrow();
      if (Number(held) >= limits.perAddress) return { ok: false, reason: "address_limit" } as const;
    }
    const { total } = await tx.selectFrom("pairing_codes").select((eb) => eb.fn.countAll<number>().as("total")).executeTakeFirstOrThrow();
    if (Number(total) >= limits.maxRows) return { ok: false, reason: "table_full" } as const;
    await tx
      .insertInto("pairing_codes")
      .values({ code_hash: code.codeHash, claim_hash: code.claimHash, created_at: now, expires_at: code.expiresAt, display_id: null, address: code.address })
      .execute();
    return { ok: true } as const;
  });
}

export async function findLivePairingCode(db: Store, codeHash: string, now = Date.now()): Promise<PairingCodeRow | null> {
  const row = await db.selectFrom("pairing_codes").selectAll().where("code_hash", "=", codeHash).where("expires_at", ">", now).executeTakeFirst();
  return row ? { codeHash: row.code_hash, createdAt: row.created_at, expiresAt: row.expires_at, displayId: row.display_id } : null;
}

export async function findLivePairingClaim(db: Store, claimHash: string, now = Date.now()): Promise<PairingCodeRow | null> {
  const row = await db.selectFrom("pairing_codes").selectAll().where("claim_hash", "=", claimHash).where("expires_at", ">", now).executeTakeFirst();
  return row ? { codeHash: row.code_hash, createdAt: row.created_at, expiresAt: row.expires_at, displayId: row.display_id } : null;
}

export async function bindPairingCode(db: Store, codeHash: string, displayId: string, now = Date.now()): Promise<boolean> {
  const result = await db
    .updateTable("pairing_codes")
    .set({ display_id: displayId })
    .where("code_hash", "=", codeHash)
    .where("expires_at", ">", now)
    .where("display_id", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deletePairingCode(db: Store, codeHash: string): Promise<void> {
  await db.deleteFrom("pairing_codes").where("code_hash", "=", codeHash).execute();
}

export async function countPairingCodes(db: Store): Promise<number> {
  const { total } = await db.selectFrom("pairing_codes").select((eb) => eb.fn.countAll<number>().as("total")).executeTakeFirstOrThrow();
  return Number(total);
}
