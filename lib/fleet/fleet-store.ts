import "server-only";
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { z } from "zod";
import { ANOMALY_RULES } from "../health/anomalies";
import { accountIdentity, beforeConfirmation, type AccountIdentity, type ExpectedAccount } from "../nsight/account";
import type { FleetDevice } from "./types";

/** One JSON document replaced atomically: small and always read whole, so no SQLite (a native build step) is worth it. */
// Another server's state is set aside on load; one that may be another account's is handed over as "hold".

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

const StoreSchemaV1 = z.object({ version: z.literal(1), ...StoreFields });

export type StoredDevice = FleetDevice & { overdueAt: string | null };

export type FleetStoreData = Omit<z.infer<typeof StoreSchema>, "account"> & { account: AccountIdentity };

export interface StoreLoadResult {
  data: FleetStoreData | null;
  /** "hold": perhaps another account, not shown before list_clients confirms it. */
  confirmation?: "show" | "hold";
  problem?: string;
}

export class FleetStore {
  /** One file, replaced each time, so states of other accounts never pile up. */
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

  setAsideAccount(): void {
    try {
      renameSync(this.path, this.setAsidePath);
    } catch {
      try {
        rmSync(this.path, { force: true });
      } catch {
      }
    }
  }

  private setAside(problem: string): StoreLoadResult {
    try {
      renameSync(this.path, `${this.path}.damaged-${Date.now()}`);
    } catch {
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
