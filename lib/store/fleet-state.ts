import "server-only";
import type { Store } from "./db";

/** "current": the account in use; "set_aside": the last state of another account, replaced by the next one set aside. */
export type FleetStateSlot = "current" | "set_aside";

export interface FleetDeviceRow {
  deviceId: string;
  clientId: string;
  state: string;
  /** The device without its plugins when `plugins` holds them; the whole device in rows written before migration 010. */
  body: string;
  plugins?: string | null;
}

export interface FleetStateChanges {
  /** null: the meta row is unchanged. */
  meta: string | null;
  upserts: readonly FleetDeviceRow[];
  removed: readonly string[];
  at: number;
  /** The writer's leader fencing token; null or absent when one process is alone. */
  fence?: number | null;
}

/** A write from a leader that has since been replaced (a newer fencing token has written): nothing of it was kept. */
export class FencedWriteError extends Error {
  constructor(readonly fence: number) {
    super(`fleet state write with fencing token ${fence} refused: a newer leader has written`);
    this.name = "FencedWriteError";
  }
}

const FLEET_RESOURCE = "fleet";

// Kept well under SQLite's and PostgreSQL's limits on bound parameters per statement.
const ROWS_PER_STATEMENT = 1_000;

export async function readFleetMeta(db: Store, slot: FleetStateSlot): Promise<string | null> {
  const row = await db.selectFrom("fleet_meta").select("body").where("slot", "=", slot).executeTakeFirst();
  return row?.body ?? null;
}

export async function readFleetDevices(db: Store, slot: FleetStateSlot): Promise<{ deviceId: string; body: string; plugins: string | null }[]> {
  return db.selectFrom("fleet_devices").select(["device_id as deviceId", "body", "plugins"]).where("slot", "=", slot).execute();
}

/** Up to `limit` rows after device `after` (null: from the first), without their plugins column: what a restart reads first. */
export async function readFleetDeviceBodies(db: Store, slot: FleetStateSlot, after: string | null, limit: number): Promise<{ deviceId: string; body: string }[]> {
  let query = db.selectFrom("fleet_devices").select(["device_id as deviceId", "body"]).where("slot", "=", slot);
  if (after !== null) query = query.where("device_id", ">", after);
  return query.orderBy("device_id").limit(limit).execute();
}

/** Some devices' plugins columns (null in rows of the earlier format); an id without a row is absent from the answer. */
export async function readFleetDevicePlugins(db: Store, slot: FleetStateSlot, deviceIds: readonly string[]): Promise<{ deviceId: string; plugins: string | null }[]> {
  const rows: { deviceId: string; plugins: string | null }[] = [];
  for (let i = 0; i < deviceIds.length; i += ROWS_PER_STATEMENT) {
    const ids = deviceIds.slice(i, i + ROWS_PER_STATEMENT);
    rows.push(...(await db.selectFrom("fleet_devices").select(["device_id as deviceId", "plugins"]).where("slot", "=", slot).where("device_id", "in", ids).execute()));
  }
  return rows;
}

/** Some devices' rows and when each was written; an id without a row is absent from the answer. */
export async function readFleetDevicesById(
  db: Store,
  slot: FleetStateSlot,
  deviceIds: readonly string[],
): Promise<{ deviceId: string; body: string; plugins: string | null; writtenAt: number }[]> {
  const rows: { deviceId: string; body: string; plugins: string | null; writtenAt: number }[] = [];
  for (let i = 0; i < deviceIds.length; i += ROWS_PER_STATEMENT) {
    const ids = deviceIds.slice(i, i + ROWS_PER_STATEMENT);
    const found = await db.selectFrom("fleet_devices").select(["device_id as deviceId", "body", "plugins", "updated_at"]).where("slot", "=", slot).where("device_id", "in", ids).execute();
    for (const row of found) rows.push({ deviceId: row.deviceId, body: row.body, plugins: row.plugins, writtenAt: Number(row.updated_at) });
  }
  return rows;
}

/** How many device rows the current state has and when it was last written: a follower's cheap check that it has missed nothing. */
export async function fleetStateFingerprint(db: Store): Promise<{ devices: number; lastWriteAt: number }> {
  const devices = await db
    .selectFrom("fleet_devices")
    .select((eb) => [eb.fn.countAll<number>().as("count"), eb.fn.max("updated_at").as("last")])
    .where("slot", "=", "current")
    .executeTakeFirst();
  const meta = await db.selectFrom("fleet_meta").select("updated_at").where("slot", "=", "current").executeTakeFirst();
  return { devices: Number(devices?.count ?? 0), lastWriteAt: Math.max(Number(devices?.last ?? 0), Number(meta?.updated_at ?? 0)) };
}

export async function readFleetMetaWrittenAt(db: Store): Promise<{ body: string; writtenAt: number } | null> {
  const row = await db.selectFrom("fleet_meta").select(["body", "updated_at"]).where("slot", "=", "current").executeTakeFirst();
  return row ? { body: row.body, writtenAt: Number(row.updated_at) } : null;
}

/** The newest fencing token that has written the fleet state, or null before any leader has. */
export async function readFleetFence(db: Store): Promise<number | null> {
  const row = await db.selectFrom("leader_fences").select("fence").where("resource", "=", FLEET_RESOURCE).executeTakeFirst();
  return row ? Number(row.fence) : null;
}

/**
 * Records `fence` as the newest to write, or throws FencedWriteError when a newer one has.
 * First in its transaction: on PostgreSQL the upsert's row lock then keeps writers in fence order until commit.
 */
export async function claimFleetFence(db: Store, fence: number | null | undefined, at: number): Promise<void> {
  if (fence === null || fence === undefined) return;
  const result = await db
    .insertInto("leader_fences")
    .values({ resource: FLEET_RESOURCE, fence, updated_at: at })
    .onConflict((oc) => oc.column("resource").doUpdateSet({ fence, updated_at: at }).where("leader_fences.fence", "<=", fence))
    .executeTakeFirst();
  if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) throw new FencedWriteError(fence);
}

/** The rows changed since the last write, in one transaction: a restart sees all of them or none. */
export async function writeFleetChanges(db: Store, changes: FleetStateChanges): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await claimFleetFence(trx, changes.fence, changes.at);
    await upsertDevices(trx, "current", changes.upserts, changes.at);
    for (let i = 0; i < changes.removed.length; i += ROWS_PER_STATEMENT) {
      const ids = changes.removed.slice(i, i + ROWS_PER_STATEMENT);
      await trx.deleteFrom("fleet_devices").where("slot", "=", "current").where("device_id", "in", ids).execute();
    }
    if (changes.meta !== null) await upsertMeta(trx, "current", changes.meta, changes.at);
  });
}

/** Replaces the current state whole: only for importing a state kept before the store held it. */
export async function replaceFleetState(db: Store, meta: string, devices: readonly FleetDeviceRow[], at: number, fence?: number | null): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await claimFleetFence(trx, fence, at);
    await trx.deleteFrom("fleet_devices").where("slot", "=", "current").execute();
    await upsertDevices(trx, "current", devices, at);
    await upsertMeta(trx, "current", meta, at);
  });
}

/** Another account's state is moved out of sight, replacing any set aside before, so they never pile up. */
export async function setFleetStateAside(db: Store, fence?: number | null): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await claimFleetFence(trx, fence, Date.now());
    await trx.deleteFrom("fleet_devices").where("slot", "=", "set_aside").execute();
    await trx.deleteFrom("fleet_meta").where("slot", "=", "set_aside").execute();
    await trx.updateTable("fleet_devices").set({ slot: "set_aside" }).where("slot", "=", "current").execute();
    await trx.updateTable("fleet_meta").set({ slot: "set_aside" }).where("slot", "=", "current").execute();
  });
}

export async function clearFleetState(db: Store, slot: FleetStateSlot, fence?: number | null): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await claimFleetFence(trx, fence, Date.now());
    await trx.deleteFrom("fleet_devices").where("slot", "=", slot).execute();
    await trx.deleteFrom("fleet_meta").where("slot", "=", slot).execute();
  });
}

export async function deleteFleetDevices(db: Store, slot: FleetStateSlot, deviceIds: readonly string[], fence?: number | null): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await claimFleetFence(trx, fence, Date.now());
    for (let i = 0; i < deviceIds.length; i += ROWS_PER_STATEMENT) {
      await trx.deleteFrom("fleet_devices").where("slot", "=", slot).where("device_id", "in", deviceIds.slice(i, i + ROWS_PER_STATEMENT)).execute();
    }
  });
}

async function upsertDevices(db: Store, slot: FleetStateSlot, devices: readonly FleetDeviceRow[], at: number): Promise<void> {
  for (let i = 0; i < devices.length; i += ROWS_PER_STATEMENT) {
    const values = devices
      .slice(i, i + ROWS_PER_STATEMENT)
      .map((d) => ({ slot, device_id: d.deviceId, client_id: d.clientId, state: d.state, body: d.body, plugins: d.plugins ?? null, updated_at: at }));
    await db
      .insertInto("fleet_devices")
      .values(values)
      .onConflict((oc) =>
        oc.columns(["slot", "device_id"]).doUpdateSet((eb) => ({
          client_id: eb.ref("excluded.client_id"),
          state: eb.ref("excluded.state"),
          body: eb.ref("excluded.body"),
          plugins: eb.ref("excluded.plugins"),
          updated_at: eb.ref("excluded.updated_at"),
        })),
      )
      .execute();
  }
}

async function upsertMeta(db: Store, slot: FleetStateSlot, body: string, at: number): Promise<void> {
  await db
    .insertInto("fleet_meta")
    .values({ slot, body, updated_at: at })
    .onConflict((oc) => oc.column("slot").doUpdateSet({ body, updated_at: at }))
    .execute();
}
