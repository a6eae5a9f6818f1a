import "server-only";
import type { Store } from "./db";

export interface LoginFailure {
  key: string;
  count: number;
  firstAt: number;
  lockedUntil: number | null;
}

export interface FailurePolicy {
  windowMs: number;
  maxFailures: number;
  lockMs: number;
  maxRows: number;
}

export async function getLoginFailure(db: Store, key: string): Promise<LoginFailure | null> {
  const row = await db.selectFrom("login_failures").selectAll().where("key", "=", key).executeTakeFirst();
  return row ? { key: row.key, count: row.count, firstAt: row.first_at, lockedUntil: row.locked_until } : null;
}

export async function lockedUntil(db: Store, key: string, now = Date.now()): Promise<number | null> {
  const failure = await getLoginFailure(db, key);
  return failure?.lockedUntil && failure.lockedUntil > now ? failure.lockedUntil : null;
}

/** Old rows are pruned on every write and the table never holds more than maxRows, whoever sends. */
export async function recordLoginFailure(db: Store, key: string, policy: FailurePolicy, now = Date.now()): Promise<LoginFailure> {
  return db.transaction().execute(async (tx) => {
    await tx
      .deleteFrom("login_failures")
      .where("first_at", "<", now - Math.max(policy.windowMs, policy.lockMs))
      .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<", now)]))
      .execute();
    const row = await tx.selectFrom("login_failures").selectAll().where("key", "=", key).executeTakeFirst();
    const fresh = !row || row.first_at < now - policy.windowMs;
    const count = fresh ? 1 : row.count + 1;
    const firstAt = fresh ? now : row.first_at;
    const locked = count > policy.maxFailures ? now + policy.lockMs : row && row.locked_until && row.locked_until > now ? row.locked_until : null;
    await tx
      .insertInto("login_failures")
      .values({ key, count, first_at: firstAt, locked_until: locked })
      .onConflict((oc) => oc.column("key").doUpdateSet({ count, first_at: firstAt, locked_until: locked }))
      .execute();
    const { total } = await tx.selectFrom("login_failures").select((eb) => eb.fn.countAll<number>().as("total")).executeTakeFirstOrThrow();
    const excess = Number(total) - policy.maxRows;
    if (excess > 0) {
      const oldest = tx.selectFrom("login_failures").select("key").where("key", "!=", key).orderBy("first_at").limit(excess);
      await tx.deleteFrom("login_failures").where("key", "in", oldest).execute();
    }
    return { key, count, firstAt, lockedUntil: locked };
  });
}

export async function clearLoginFailures(db: Store, key: string): Promise<void> {
  await db.deleteFrom("login_failures").where("key", "=", key).execute();
}
