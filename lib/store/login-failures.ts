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

/**
 * One statement counts the failure, so failures from several instances at once are all counted. Old rows are
 * pruned on every write and the table never holds more than maxRows, whoever sends.
 */
export async function recordLoginFailure(db: Store, key: string, policy: FailurePolicy, now = Date.now()): Promise<LoginFailure> {
  await db
    .deleteFrom("login_failures")
    .where("first_at", "<", now - Math.max(policy.windowMs, policy.lockMs))
    .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<", now)]))
    .execute();
  const lockFrom = (count: number) => (count > policy.maxFailures ? now + policy.lockMs : null);
  const row = await db
    .insertInto("login_failures")
    .values({ key, count: 1, first_at: now, locked_until: lockFrom(1) })
    .onConflict((oc) =>
      oc.column("key").doUpdateSet((eb) => {
        const fresh = eb("login_failures.first_at", "<", now - policy.windowMs);
        const count = eb.case().when(fresh).then(1).else(eb("login_failures.count", "+", 1)).end();
        return {
          count,
          first_at: eb.case().when(fresh).then(now).else(eb.ref("login_failures.first_at")).end(),
          locked_until: eb
            .case()
            .when(eb(count, ">", policy.maxFailures))
            .then(now + policy.lockMs)
            .when("login_failures.locked_until", ">", now)
            .then(eb.ref("login_failures.locked_until"))
            .else(null)
            .end(),
        };
      }),
    )
    .returning(["count", "first_at", "locked_until"])
    .executeTakeFirstOrThrow();
  const { total } = await db.selectFrom("login_failures").select((eb) => eb.fn.countAll<number>().as("total")).executeTakeFirstOrThrow();
  const excess = Number(total) - policy.maxRows;
  if (excess > 0) {
    const oldest = db.selectFrom("login_failures").select("key").where("key", "!=", key).orderBy("first_at").limit(excess);
    await db.deleteFrom("login_failures").where("key", "in", oldest).execute();
  }
  return { key, count: row.count, firstAt: row.first_at, lockedUntil: row.locked_until };
}

export async function clearLoginFailures(db: Store, key: string): Promise<void> {
  await db.deleteFrom("login_failures").where("key", "=", key).execute();
}
