import "server-only";
import { existsSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { ANOMALY_RULES } from "../health/anomalies";
import { accountIdentity, beforeConfirmation, type AccountIdentity, type ExpectedAccount } from "../nsight/account";
import { openStore, type Store } from "../store/db";
import {
  claimFleetFence,
  clearFleetState,
  deleteFleetDevices,
  readFleetDeviceBodies,
  readFleetDevicePlugins,
  readFleetDevices,
  fleetStateFingerprint,
  readFleetDevicesById,
  readFleetFence,
  readFleetMeta,
  readFleetMetaWrittenAt,
  replaceFleetState,
  setFleetStateAside,
  writeFleetChanges,
  type FleetDeviceRow,
  type FleetStateSlot,
} from "../store/fleet-state";
import type { FleetDevice, FleetPlugin } from "./types";

// One row per device in the store (lib/store/fleet-state.ts); another server's state is set aside on load, one that may be another account's is handed over as "hold".

const STORE_VERSION = 2;

const BODIES_PER_PAGE = 5_000;

/** The JSON file the state was kept in before the store held it: imported once, then renamed. */
export const LEGACY_FILE = "fleet-state.json";

const DeviceSchema = z.object({
  deviceId: z.string(),
  name: z.string(),
  type: z.enum(["server", "workstation"]),
  clientId: z.string(),
  clientName: z.string(),
  siteId: z.string(),
  siteName: z.string(),
  backupEnabled: z.boolean(),
  state: z.enum(["failed", "overdue", "warning", "ok", "off", "unknown"]),
  worstPlugin: z.string().nullable(),
  since: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
  failedInARow: z.number(),
  sentence: z.string().nullable(),
  plugins: z.array(
    z.object({
      plugin: z.string(),
      state: z.enum(["failed", "overdue", "warning", "ok"]),
      lastStatus: z.string(),
      lastEnd: z.string().nullable(),
      lastSuccessAt: z.string().nullable(),
      failedInARow: z.number(),
      dueBy: z.string().nullish(),
      recent: z.array(z.object({ start: z.string().nullable(), status: z.string() })).default([]),
    }),
  ),
  anomalies: z
    .array(
      z.object({
        plugin: z.string(),
        rule: z.enum(ANOMALY_RULES),
        sessionStart: z.string().nullable(),
        reason: z.string(),
        observed: z.number().nullable(),
        expected: z.number().nullable(),
      }),
    )
    .default([]),
  readAt: z.string().nullable(),
  readError: z.string().nullable(),
  stateChangedAt: z.string().nullable(),
  nextBackupDueAt: z.string().nullable(),
  overdueAt: z.string().nullable(),
});

const MetaFields = {
  savedAt: z.string(),
  clients: z.array(z.object({ clientId: z.string(), name: z.string(), timezone: z.string().nullable() })),
  inventoryReadAt: z.string().nullable(),
  fullPictureAt: z.string().nullable(),
  upstreamLastOkAt: z.string().nullable(),
};

const AccountSchema = z.object({ server: z.string().nullable(), clientIds: z.array(z.string()), keyHint: z.string().nullable() });

const MetaSchema = z.object({ version: z.literal(STORE_VERSION), account: AccountSchema, ...MetaFields });

const LegacyFileSchema = z.object({ version: z.literal(STORE_VERSION), account: AccountSchema, ...MetaFields, devices: z.array(DeviceSchema) });

const LegacyFileSchemaV1 = z.object({ version: z.literal(1), ...MetaFields, devices: z.array(DeviceSchema) });

export type StoredDevice = FleetDevice & { overdueAt: string | null };

type FleetMeta = Omit<z.infer<typeof MetaSchema>, "account"> & { account: AccountIdentity };

export type FleetStoreData = FleetMeta & { devices: StoredDevice[] };

/** What changed since the last write: never the whole fleet, unless it all changed. */
export interface FleetStateChanges {
  clients: FleetMeta["clients"];
  inventoryReadAt: string | null;
  fullPictureAt: string | null;
  upstreamLastOkAt: string | null;
  changed: readonly StoredDevice[];
  removed: readonly string[];
}

export interface StoreLoadResult {
  /** With `pluginsFirst`, the devices in `pluginsLater` have no plugins yet (an empty list): see loadPlugins. */
  data: FleetStoreData | null;
  pluginsLater?: string[];
  /** "hold": perhaps another account, not shown before list_clients confirms it. */
  confirmation?: "show" | "hold";
  problem?: string;
  /** Device rows that could not be read: left out (the next discovery finds the device again). */
  skipped?: number;
}

export class FleetStore {
  private readonly db: Promise<Store>;
  private lastMeta: string | null = null;
  /** The leader's fencing token every write carries (null: one process alone); the store refuses it once a newer one has written. */
  fence: number | null = null;

  /** `legacyDir`: where a fleet-state.json of an earlier version may wait to be imported. */
  constructor(
    db: Store | Promise<Store>,
    readonly account: ExpectedAccount,
    private readonly legacyDir: string | null = null,
    private readonly ownsDb = false,
  ) {
    this.db = Promise.resolve(db);
    // Awaited by load and save; a failure to open is theirs to report.
    this.db.catch(() => undefined);
  }

  /** Its own connection to the store in `dir`: for tests and tools; the server shares `getStore()`. */
  static inDirectory(dir: string, account: ExpectedAccount): FleetStore {
    return new FleetStore(openStore(dir), account, dir, true);
  }

  async close(): Promise<void> {
    if (this.ownsDb) await (await this.db).destroy();
  }

  /**
   * `readOnly`: a follower's read of what the leader wrote; it repairs nothing, imports nothing, sets nothing aside.
   * `pluginsFirst`: only the devices it picks come with their plugins, the rest are listed in `pluginsLater`.
   */
  async load(options: { readOnly?: boolean; pluginsFirst?: (device: StoredDevice) => boolean } = {}): Promise<StoreLoadResult> {
    const readOnly = options.readOnly ?? false;
    const db = await this.db;
    const imported = readOnly ? null : await this.importLegacyFile(db);
    const metaText = await readFleetMeta(db, "current");
    if (metaText === null) return imported ? { data: null, problem: imported } : { data: null };
    const meta = parseMeta(metaText);
    if (!meta) {
      if (!readOnly) await clearFleetState(db, "current", this.fence);
      return { data: null, problem: "not a fleet state of this version" };
    }
    const confirmation = beforeConfirmation(meta.account, this.account);
    if (confirmation === "set_aside") {
      if (!readOnly) await setFleetStateAside(db, this.fence);
      return { data: null, problem: "saved from another N-sight server" };
    }
    const devices: StoredDevice[] = [];
    const damaged: string[] = [];
    const later: string[] = [];
    if (options.pluginsFirst) {
      const now: string[] = [];
      // In pages: each page's text is garbage once parsed, never copied along with the devices by the collector.
      for (let rows: { deviceId: string; body: string }[] = [], after: string | null = null; after === null || rows.length === BODIES_PER_PAGE; ) {
        rows = await readFleetDeviceBodies(db, "current", after, BODIES_PER_PAGE);
        for (const row of rows) {
          const device = parseDevice(row.body, undefined);
          if (!device || device.deviceId !== row.deviceId) damaged.push(row.deviceId);
          else {
            devices.push(device);
            // Rows of the earlier format came whole.
            if (device.plugins !== PLUGINS_APART) continue;
            device.plugins = [];
            (options.pluginsFirst(device) ? now : later).push(device.deviceId);
          }
        }
        after = rows.at(-1)?.deviceId ?? "";
      }
      const { plugins, damaged: noPlugins } = await this.loadPlugins(now, { readOnly: true });
      for (const device of devices) {
        const found = plugins.get(device.deviceId);
        if (found) device.plugins = found;
      }
      if (noPlugins.length > 0) {
        const gone = new Set(noPlugins);
        devices.splice(0, devices.length, ...devices.filter((d) => !gone.has(d.deviceId)));
        damaged.push(...noPlugins);
      }
    } else {
      for (const row of await readFleetDevices(db, "current")) {
        const device = parseDevice(row.body, row.plugins);
        if (device && device.deviceId === row.deviceId) devices.push(device);
        else damaged.push(row.deviceId);
      }
    }
    if (damaged.length > 0 && !readOnly) await deleteFleetDevices(db, "current", damaged, this.fence);
    if (!readOnly) this.lastMeta = metaText;
    return { data: { ...meta, devices }, confirmation, ...(later.length > 0 ? { pluginsLater: later } : {}), ...(damaged.length > 0 ? { skipped: damaged.length } : {}) };
  }

  /** The plugins of devices `load` listed in `pluginsLater`; `damaged`: rows gone or unreadable (dropped from the store unless `readOnly`). */
  async loadPlugins(deviceIds: readonly string[], options: { readOnly?: boolean } = {}): Promise<{ plugins: Map<string, FleetPlugin[]>; damaged: string[] }> {
    const db = await this.db;
    const plugins = new Map<string, FleetPlugin[]>();
    for (const row of await readFleetDevicePlugins(db, "current", deviceIds)) {
      const parsed = row.plugins === null ? null : parsePlugins(row.plugins);
      if (parsed) plugins.set(row.deviceId, parsed);
    }
    const damaged = deviceIds.filter((id) => !plugins.has(id));
    if (damaged.length > 0 && !(options.readOnly ?? false)) await deleteFleetDevices(db, "current", damaged, this.fence);
    return { plugins, damaged };
  }

  /** Some devices as the leader last wrote them: `devices` the readable rows, `absent` the ids without one (removed, or unreadable), `lastWriteAt` the newest row's write. */
  async readDevices(deviceIds: readonly string[]): Promise<{ devices: StoredDevice[]; absent: string[]; lastWriteAt: number }> {
    const found = new Map<string, StoredDevice>();
    let lastWriteAt = 0;
    for (const row of await readFleetDevicesById(await this.db, "current", deviceIds)) {
      const device = parseDevice(row.body, row.plugins);
      if (device && device.deviceId === row.deviceId) found.set(row.deviceId, device);
      lastWriteAt = Math.max(lastWriteAt, row.writtenAt);
    }
    return { devices: [...found.values()], absent: deviceIds.filter((id) => !found.has(id)), lastWriteAt };
  }

  /** The fleet's own fields as last written, when they are this account's to show, and when they were written. */
  async readMeta(): Promise<{ meta: Omit<FleetMeta, "version"> | null; writtenAt: number }> {
    const row = await readFleetMetaWrittenAt(await this.db);
    const meta = row === null ? null : parseMeta(row.body);
    return { meta: meta && beforeConfirmation(meta.account, this.account) === "show" ? meta : null, writtenAt: row?.writtenAt ?? 0 };
  }

  async fingerprint(): Promise<{ devices: number; lastWriteAt: number }> {
    return fleetStateFingerprint(await this.db);
  }

  async save(changes: FleetStateChanges): Promise<void> {
    const db = await this.db;
    const { changed, removed, ...fields } = changes;
    const account = accountIdentity(this.account, fields.clients);
    const meta = JSON.stringify({ version: STORE_VERSION, account, ...fields });
    // savedAt alone changing is not worth rewriting the clients: it says when the fleet's own fields last changed.
    const metaBody = meta === this.lastMeta ? null : withSavedAt(meta);
    await writeFleetChanges(db, { meta: metaBody, upserts: changed.map(deviceRow), removed, at: Date.now(), fence: this.fence });
    this.lastMeta = meta;
  }

  /** A new leader's first write: its fence, so a deposed leader's late writes are refused from now on (FencedWriteError if a newer one already wrote). */
  async claimFence(): Promise<void> {
    const db = await this.db;
    await db.transaction().execute((trx) => claimFleetFence(trx, this.fence, Date.now()));
  }

  /** The newest leader fence that has written the fleet state. */
  async seenFence(): Promise<number | null> {
    return readFleetFence(await this.db);
  }

  async setAsideAccount(): Promise<void> {
    await setFleetStateAside(await this.db, this.fence);
    this.lastMeta = null;
  }

  /** The account a slot's state was read from, or null when the slot is empty. */
  async accountOf(slot: FleetStateSlot): Promise<AccountIdentity | null> {
    const text = await readFleetMeta(await this.db, slot);
    return text === null ? null : (parseMeta(text)?.account ?? null);
  }

  async deviceIdsOf(slot: FleetStateSlot): Promise<string[]> {
    return (await readFleetDevices(await this.db, slot)).map((row) => row.deviceId).sort();
  }

  /** Once: a state kept by an earlier version moves into the store, so an upgrade keeps what was known. */
  private async importLegacyFile(db: Store): Promise<string | null> {
    if (this.legacyDir === null) return null;
    const path = join(this.legacyDir, LEGACY_FILE);
    if (!existsSync(path)) return null;
    let data: FleetStoreData | null = null;
    try {
      data = readLegacyFleetState(JSON.parse(readFileSync(path, "utf8")));
    } catch {
      data = null;
    }
    if (!data) {
      renameSync(path, `${path}.damaged-${Date.now()}`);
      return "not a fleet state of this version";
    }
    const { devices, savedAt, ...meta } = data;
    await replaceFleetState(db, JSON.stringify({ ...meta, savedAt }), devices.map(deviceRow), Date.now(), this.fence);
    renameSync(path, `${path}.imported`);
    return null;
  }
}

function withSavedAt(meta: string): string {
  return `${meta.slice(0, -1)},"savedAt":${JSON.stringify(new Date().toISOString())}}`;
}

function deviceRow(device: StoredDevice): FleetDeviceRow {
  const { plugins, ...rest } = device;
  return { deviceId: device.deviceId, clientId: device.clientId, state: device.state, body: JSON.stringify(rest), plugins: JSON.stringify(plugins) };
}

function parseMeta(text: string): FleetMeta | null {
  try {
    const meta = MetaSchema.safeParse(JSON.parse(text));
    return meta.success ? meta.data : null;
  } catch {
    return null;
  }
}

const DEVICE_STATES = new Set<unknown>(DeviceSchema.shape.state.options);
const PLUGIN_STATES = new Set<unknown>(DeviceSchema.shape.plugins.element.shape.state.options);
const isText = (v: unknown): v is string => typeof v === "string";
const isTextOrNull = (v: unknown) => v === null || typeof v === "string";

/** What parseDevice puts in `plugins` when the row keeps them apart and they were not asked for. */
const PLUGINS_APART: FleetPlugin[] = [];

/**
 * Rows this module wrote: a check of the shape the pages rely on, a third of the full schema's cost at 50,000 devices.
 * `plugins`: the row's plugins column (null in rows of the earlier format, whose body has them; undefined: not read).
 */
function parseDevice(text: string, plugins: string | null | undefined): StoredDevice | null {
  let d: Record<string, unknown>;
  try {
    d = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (typeof d !== "object" || d === null) return null;
  if (!("plugins" in d)) {
    if (plugins === null) return null;
    const parsed = plugins === undefined ? PLUGINS_APART : parsePlugins(plugins);
    if (!parsed) return null;
    d.plugins = parsed;
  }
  const scalarsOk =
    [d.deviceId, d.name, d.clientId, d.clientName, d.siteId, d.siteName].every(isText) &&
    [d.worstPlugin, d.since, d.lastSuccessAt, d.sentence, d.readAt, d.readError, d.stateChangedAt, d.nextBackupDueAt, d.overdueAt].every(isTextOrNull) &&
    (d.type === "server" || d.type === "workstation") &&
    typeof d.backupEnabled === "boolean" &&
    typeof d.failedInARow === "number" &&
    DEVICE_STATES.has(d.state);
  if (!scalarsOk || !Array.isArray(d.anomalies)) return null;
  if (d.plugins !== PLUGINS_APART && !validPlugins(d.plugins)) return null;
  return d as unknown as StoredDevice;
}

function parsePlugins(text: string): FleetPlugin[] | null {
  try {
    const plugins: unknown = JSON.parse(text);
    return validPlugins(plugins) ? plugins : null;
  } catch {
    return null;
  }
}

function validPlugins(plugins: unknown): plugins is FleetPlugin[] {
  if (!Array.isArray(plugins)) return false;
  for (const p of plugins as Record<string, unknown>[]) {
    if (typeof p !== "object" || p === null || !isText(p.plugin) || !PLUGIN_STATES.has(p.state) || !isText(p.lastStatus) || !Array.isArray(p.recent)) return false;
  }
  return true;
}

/** The whole-file state of earlier versions (version 1 did not record the account). */
export function readLegacyFleetState(parsed: unknown): FleetStoreData | null {
  const current = LegacyFileSchema.safeParse(parsed);
  if (current.success) return current.data;
  const v1 = LegacyFileSchemaV1.safeParse(parsed);
  if (!v1.success) return null;
  const { version: _version, ...rest } = v1.data;
  return { ...rest, version: STORE_VERSION, account: accountIdentity({ server: null, keyHint: null }, v1.data.clients) };
}
