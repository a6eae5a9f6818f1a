import "server-only";
import type { Store } from "./db";

export async function getSetting(db: Store, key: string): Promise<string | null> {
  const row = await db.selectFrom("settings").select("value").where("key", "=", key).executeTakeFirst();
  return row?.value ?? null;
}

export async function setSetting(db: Store, key: string, value: string): Promise<void> {
  await db
    .insertInto("settings")
    .values({ key, value })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value }))
    .execute();
}

export async function deleteSetting(db: Store, key: string): Promise<boolean> {
  const result = await db.deleteFrom("settings").where("key", "=", key).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Deletes every setting whose key starts with `prefix` (no `%` or `_` in it) in one statement, and names those it deleted. */
export async function takeSettingsByPrefix(db: Store, prefix: string): Promise<string[]> {
  if (/[%_\\]/.test(prefix)) throw new Error("A settings prefix cannot hold LIKE wildcards.");
  const rows = await db.deleteFrom("settings").where("key", "like", `${prefix}%`).returning("key").execute();
  return rows.map((r) => r.key);
}

export async function listSettingsByPrefix(db: Store, prefix: string): Promise<{ key: string; value: string }[]> {
  if (/[%_\\]/.test(prefix)) throw new Error("A settings prefix cannot hold LIKE wildcards.");
  return db.selectFrom("settings").select(["key", "value"]).where("key", "like", `${prefix}%`).execute();
}
