import "server-only";
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { z } from "zod";
import { accountIdentity, beforeConfirmation, type AccountIdentity, type ExpectedAccount } from "../nsight/account";
import type { FleetDevice } from "./types";

/**
 * The last known fleet state on disk, so a restart does not start from zero: pages serve it
 * while the refresher catches up.
 *
 * One JSON document replaced atomically (write a temporary file, fsync, rename over the old
 * one, fsync the directory): a crash or a kill mid-write leaves either the old document or
 * the new one, never a torn one. Chosen over SQLite because the state is small (a few MB for
 * 5,000 devices), is always read whole, and a native module would add a compile step to
 * every install on Node 20; the cost is that up to one save interval of updates can be lost
 * on a crash, which the refresher re-reads anyway.
 *
 * The state belongs to the N-sight account it was read from (lib/nsight/account.ts): another
 * server's is set aside on load; one that may be another account's is handed over marked
 * "hold", for the refresher to check against list_clients before anything of it is shown.
 */

const STORE_VERSION = 2;

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

const StoreFields = {
  savedAt: z.string(),
  clients: z.array(z.object({ clientId: z.string(), name: z.string(), timezone: z.string().nullable() })),
  devices: z.array(DeviceSchema),
  inventoryReadAt: z.string().nullable(),
  fullPictureAt: z.string().nullable(),
  upstreamLastOkAt: z.string().nullable(),
};

const AccountSchema = z.object({ server: z.string(), clientIds: z.array(z.string()), keyHint: z.string().nullable() });

const StoreSchema = z.object({ version: z.literal(STORE_VERSION), account: AccountSchema, ...StoreFields });

/** Version 1 did not say which account it came from: its clients are all there is to go on. */
const StoreSchemaV1 = z.object({ version: z.literal(1), ...StoreFields });

/** A device record as the refresher keeps it: what pages show, plus when it turns overdue. */
export type StoredDevice = FleetDevice & { overdueAt: string | null };

export type FleetStoreData = Omit<z.infer<typeof StoreSchema>, "account"> & { account: AccountIdentity };

export interface StoreLoadResult {
  data: FleetStoreData | null;
  /**
   * "show": the same account for certain; "hold": perhaps another account, not to be shown
   * before list_clients confirms it (see beforeConfirmation).
   */
  confirmation?: "show" | "hold";
  /** Why nothing usable was loaded, if a file was there. */
  problem?: string;
}

export class FleetStore {
  /** Where a state of another account goes; one file, replaced each time, so they never pile up. */
  readonly setAsidePath: string;

  constructor(
    readonly path: string,
    readonly account: ExpectedAccount,
  ) {
    this.setAsidePath = path.replace(/\.json$/, "") + ".set-aside.json";
  }

  static inDirectory(dir: string, account: ExpectedAccount): FleetStore {
    return new FleetStore(join(dir, "fleet-state.json"), account);
  }

  /** Reads the last saved state; a damaged file or another server's is set aside, never trusted. */
  load(): StoreLoadResult {
    if (!existsSync(this.path)) return { data: null };
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.path, "utf8"));
    } catch {
      return this.setAside("not valid JSON");
    }
    const data = readStore(parsed);
    if (!data) return this.setAside("not a fleet state of this version");
    const confirmation = beforeConfirmation(data.account, this.account);
    if (confirmation === "set_aside") {
      this.setAsideAccount();
      return { data: null, problem: "saved from another N-sight server" };
    }
    return { data, confirmation };
  }

  /** Saves the state as read from this store's account, which has the state's clients. */
  save(data: Omit<FleetStoreData, "version" | "savedAt" | "account">): void {
    const account = accountIdentity(this.account, data.clients);
    const document: FleetStoreData = { version: STORE_VERSION, savedAt: new Date().toISOString(), account, ...data };
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

  /** Moves a state read from another account out of the way: it is never loaded again. */
  setAsideAccount(): void {
    try {
      renameSync(this.path, this.setAsidePath);
    } catch {
      try {
        rmSync(this.path, { force: true });
      } catch {
        // Still checked against the account at every start, so never shown for another.
      }
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

function readStore(parsed: unknown): FleetStoreData | null {
  const current = StoreSchema.safeParse(parsed);
  if (current.success) return current.data;
  const v1 = StoreSchemaV1.safeParse(parsed);
  if (!v1.success) return null;
  return { ...v1.data, version: STORE_VERSION, account: accountIdentity({ server: null, keyHint: null }, v1.data.clients) };
}
