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
