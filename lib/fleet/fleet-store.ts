import "server-only";
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { z } from "zod";
import type { FleetDevice } from "./types";

/**
 * The last known fleet state on disk, so a restart does not start from zero: pages serve it
 * at once while the refresher catches up.
 *
 * One JSON document replaced atomically (write a temporary file, fsync, rename over the old
 * one, fsync the directory): a crash or a kill mid-write leaves either the old document or
 * the new one, never a torn one. Chosen over SQLite because the state is small (a few MB for
 * 5,000 devices), is always read whole, and a native module would add a compile step to
 * every install on Node 20; the cost is that up to one save interval of updates can be lost
 * on a crash, which the refresher re-reads anyway.
 */

const STORE_VERSION = 1;

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
    }),
  ),
  readAt: z.string().nullable(),
  readError: z.string().nullable(),
  stateChangedAt: z.string().nullable(),
  nextBackupDueAt: z.string().nullable(),
  overdueAt: z.string().nullable(),
});

const StoreSchema = z.object({
  version: z.literal(STORE_VERSION),
  savedAt: z.string(),
  clients: z.array(z.object({ clientId: z.string(), name: z.string(), timezone: z.string().nullable() })),
  devices: z.array(DeviceSchema),
  inventoryReadAt: z.string().nullable(),
  fullPictureAt: z.string().nullable(),
  upstreamLastOkAt: z.string().nullable(),
});

/** A device record as the refresher keeps it: what pages show, plus when it turns overdue. */
export type StoredDevice = FleetDevice & { overdueAt: string | null };

export type FleetStoreData = z.infer<typeof StoreSchema>;

export interface StoreLoadResult {
  data: FleetStoreData | null;
  /** Why nothing usable was loaded, if a file was there. */
  problem?: string;
}

export class FleetStore {
  constructor(readonly path: string) {}

  static inDirectory(dir: string): FleetStore {
    return new FleetStore(join(dir, "fleet-state.json"));
  }

  /** Reads the last saved state; a damaged or foreign file is set aside, never trusted. */
  load(): StoreLoadResult {
    if (!existsSync(this.path)) return { data: null };
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.path, "utf8"));
    } catch {
      return this.setAside("not valid JSON");
    }
    const result = StoreSchema.safeParse(parsed);
    if (!result.success) return this.setAside("not a fleet state of this version");
    return { data: result.data };
  }

  save(data: Omit<FleetStoreData, "version" | "savedAt">): void {
    const document: FleetStoreData = { version: STORE_VERSION, savedAt: new Date().toISOString(), ...data };
    const dir = dirname(this.path);
    mkdirSync(dir, { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    const fd = openSync(temporary, "w", 0o600);
    try {
      writeSync(fd, JSON.stringify(document));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, this.path);
    // Make the rename itself durable.
    try {
      const dirFd = openSync(dir, "r");
      try {
        fsyncSync(dirFd);
      } finally {
        closeSync(dirFd);
      }
    } catch {
      // Some filesystems do not allow fsync on a directory; the rename is still atomic.
    }
  }

  private setAside(problem: string): StoreLoadResult {
    try {
      renameSync(this.path, `${this.path}.damaged-${Date.now()}`);
    } catch {
      // Leave it; it will be replaced by the next save.
    }
    return { data: null, problem };
  }
}
