import "server-only";
/** The only reader of N-sight for fleet health (docs/architecture.md §4): pages read its snapshots, so viewers cost N-sight nothing. */
import { detectAnomalies } from "../health/anomalies";
import { assessDevice } from "../health/backup-health";
import { accountIdentity, isSameAccount, type AccountIdentity } from "../nsight/account";
import { isOutageSign } from "../nsight/client";
import { TurnCounter } from "../event-loop";
import { isNsightError } from "../nsight/errors";
import { FencedWriteError } from "../store/fleet-state";
import type { BackupSession, Client, ClientDevice } from "../types";
import type { FleetStore, FleetStoreData, StoredDevice } from "./fleet-store";
import { RefreshQueue } from "./refresh-queue";
import {
  DEFAULT_REFRESHER_POLICY,
  nextBackupDue,
  nextDiscoveryAt,
  overdueAt,
  rediscoveryIntervalMs,
  rereadGapMs,
  type RefresherPolicy,
} from "./refresh-schedule";
import { buildSnapshot, buildSnapshotInTurns, effectiveDevice, fleetKnowledge, listedInSnapshot } from "./snapshot";
import type { FleetDevice, FleetKnowledge, FleetProgress, FleetSnapshot, UpstreamHealth } from "./types";

export interface RefresherSource {
  listClients(): Promise<Client[]>;
  listClientDevices(clientId: string): Promise<ClientDevice[]>;
  /** `maxAgeMs`: a cached copy older than this will not do (the watch re-reads sooner than the sessions cache period). */
  readSessions(deviceId: string, options?: { maxAgeMs?: number }): Promise<{ sessions: BackupSession[]; fetchedAt: number }>;
  pausedUntil(): number | null;
  upstream(): UpstreamHealth;
}

export interface RefresherOptions {
  source: RefresherSource;
  policy?: Partial<RefresherPolicy>;
  store?: FleetStore;
  now?: () => number;
  log?: (level: "info" | "warn" | "error", event: string, fields?: Record<string, unknown>) => void;
  /** After each write to the store: the devices it wrote or removed (followers re-read them). */
  onSaved?: (deviceIds: readonly string[]) => void;
  /** The store refused a write: a newer leader has written, this one must stop. */
  onFenced?: () => void;
}

const iso = (ms: number) => new Date(ms).toISOString();

const awaitsFirstRead = (d: StoredDevice) => !d.readAt && !d.readError;

/** A restore reads first the plugins of the devices listed now or within this long: none turns overdue unread meanwhile. */
const LISTED_LOOKAHEAD_MS = 10 * 60_000;
/** The rest of a restore's plugins: this many devices at a time, with a pause between that lets pages go first. */
const PLUGINS_PER_SLICE = 1_000;
const PLUGINS_PAUSE_MS = 50;

/** The fleet's devices; every change also reaches the refresh queue, so no code path can leave it behind. */
class QueuedDevices extends Map<string, StoredDevice> {
  /** Backup devices, and those neither read nor failed yet: progress and the first full picture, known without a scan. */
  backup = 0;
  unread = 0;
  /** After a restore the queue is built at the first pick (the refresher's start), not on the way to the first page. */
  private queueLater = false;

  constructor(private readonly queue: RefreshQueue) {
    super();
  }
  override set(deviceId: string, device: StoredDevice): this {
    this.count(super.get(deviceId), -1);
    this.count(device, 1);
    super.set(deviceId, device);
    if (!this.queueLater) this.queue.update(device);
    return this;
  }
  override delete(deviceId: string): boolean {
    this.count(super.get(deviceId), -1);
    this.queue.delete(deviceId);
    return super.delete(deviceId);
  }
  override clear(): void {
    this.backup = 0;
    this.unread = 0;
    this.queueLater = false;
    this.queue.clear();
    super.clear();
  }
  /** Empty, and queueing nothing until `queued()`. */
  clearQueueingLater(): void {
    this.clear();
    this.queueLater = true;
  }
  queued(): RefreshQueue {
    if (this.queueLater) {
      this.queueLater = false;
      for (const device of this.values()) this.queue.update(device);
    }
    return this.queue;
  }
  private count(device: StoredDevice | undefined, by: 1 | -1): void {
    if (!device?.backupEnabled) return;
    this.backup += by;
    if (awaitsFirstRead(device)) this.unread += by;
  }
}

/** When each device was last asked for; a change moves the device in the refresh queue. */
class QueuedAttempts extends Map<string, number> {
  constructor(private readonly queue: RefreshQueue) {
    super();
  }
  override set(deviceId: string, at: number): this {
    super.set(deviceId, at);
    this.queue.attemptChanged(deviceId);
    return this;
  }
  override delete(deviceId: string): boolean {
    const had = super.delete(deviceId);
    this.queue.attemptChanged(deviceId);
    return had;
  }
}

export class FleetRefresher {
  private readonly policy: RefresherPolicy;
  private readonly now: () => number;
  private readonly queue: RefreshQueue;
  private readonly devices: QueuedDevices;
  private clients: { clientId: string; name: string; timezone: string | null }[] = [];
  private readonly reading = new Set<string>();
  private readonly attempted: Map<string, number>;
  private inventoryReadAt: number | null = null;
  private fullPictureAt: number | null = null;
  private restoredAt: number | null = null;
  private unconfirmed: AccountIdentity | null = null;
  private held: FleetStoreData | null = null;
  private running = false;
  private stopped = false;
  /** Each start's loops end when a later start (after a stop) begins its own. */
  private runId = 0;
  /** A follower shows what the leader wrote and writes nothing. */
  private following = false;
  private followChain: Promise<void> = Promise.resolve();
  /** The newest store write this follower's copy includes. */
  private seenWriteAt = 0;
  private dirty = false;
  private readonly waiters = new Set<() => void>();
  private saveTimer: ReturnType<typeof setTimeout> | null = null;
  /** Devices to write at the next save: the store gets what changed, never the whole fleet. */
  private readonly changed = new Set<string>();
  private readonly removed = new Set<string>();
  private saving: Promise<void> = Promise.resolve();
  private readonly log: NonNullable<RefresherOptions["log"]>;
  private version = 0;
  private readonly snapshots = new Map<string, FleetSnapshot>();
  private readonly building = new Map<string, Promise<FleetSnapshot>>();

  constructor(private readonly options: RefresherOptions) {
    this.policy = { ...DEFAULT_REFRESHER_POLICY, ...options.policy };
    this.queue = new RefreshQueue(this.policy, (id) => this.attempted.get(id));
    this.devices = new QueuedDevices(this.queue);
    this.attempted = new QueuedAttempts(this.queue);
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => undefined);
  }

  /**
   * The last state back from the store. With `onShown`, in two steps: it is called once snapshots are whole (every
   * device, the plugins of those they list); the other plugins follow a slice at a time while pages are served.
   * Resolves once every device is whole: only then may reading start.
   */
  async restore(options: { onShown?: (fields: { upstreamLastOkAt: string | null }) => void } = {}): Promise<{ upstreamLastOkAt: string | null }> {
    const store = this.options.store;
    const shown = options.onShown ?? (() => undefined);
    if (!store) {
      shown({ upstreamLastOkAt: null });
      return { upstreamLastOkAt: null };
    }
    const at = this.now() + LISTED_LOOKAHEAD_MS;
    const { data, problem, confirmation, skipped, pluginsLater } = await store.load(options.onShown ? { pluginsFirst: (d) => listedInSnapshot(d, at) } : {});
    if (problem) this.log("warn", "fleet.store_set_aside", { problem });
    if (skipped) this.log("warn", "fleet.store_rows_skipped", { skipped });
    const fields = { upstreamLastOkAt: data && data.account.server !== null ? data.upstreamLastOkAt : null };
    if (!data) {
      shown(fields);
      return fields;
    }
    this.unconfirmed = data.account;
    if (confirmation === "hold") {
      this.held = data;
      this.log("info", "fleet.restored_unconfirmed", { devices: data.devices.length, savedAt: data.savedAt });
    } else {
      this.adopt(data);
    }
    shown(fields);
    if (pluginsLater) await this.restoreLaterPlugins(store, data, pluginsLater);
    return fields;
  }

  /** Fills in the devices of `data` (adopted or held) the restore left without plugins; a row gone or unreadable drops its device. */
  private async restoreLaterPlugins(store: FleetStore, data: FleetStoreData, deviceIds: readonly string[]): Promise<void> {
    const restored = new Map(data.devices.map((d) => [d.deviceId, d]));
    const dropped = new Set<string>();
    for (let i = 0; i < deviceIds.length; i += PLUGINS_PER_SLICE) {
      await new Promise((resolve) => setTimeout(resolve, PLUGINS_PAUSE_MS));
      const { plugins, damaged } = await store.loadPlugins(deviceIds.slice(i, i + PLUGINS_PER_SLICE));
      for (const [deviceId, list] of plugins) restored.get(deviceId)!.plugins = list;
      for (const deviceId of damaged) dropped.add(deviceId);
    }
    if (dropped.size === 0) return;
    this.log("warn", "fleet.store_rows_skipped", { skipped: dropped.size });
    data.devices = data.devices.filter((d) => !dropped.has(d.deviceId));
    for (const deviceId of dropped) if (this.devices.get(deviceId) === restored.get(deviceId)) this.devices.delete(deviceId);
    this.version++;
  }

  private adopt(data: FleetStoreData): void {
    this.devices.clearQueueingLater();
    this.clients = data.clients;
    for (const device of data.devices) this.devices.set(device.deviceId, device);
    this.inventoryReadAt = data.inventoryReadAt ? Date.parse(data.inventoryReadAt) : null;
    this.fullPictureAt = data.fullPictureAt ? Date.parse(data.fullPictureAt) : null;
    this.restoredAt = this.now();
    this.version++;
    this.log("info", "fleet.restored", { devices: data.devices.length, savedAt: data.savedAt });
  }

  /** One list_clients (discovery then finds it cached): another account's state is set aside and discovery is due at once. */
  async confirmAccount(): Promise<void> {
    const stored = this.unconfirmed;
    const store = this.options.store;
    if (!stored || !store) return;
    const clients = await this.options.source.listClients();
    this.unconfirmed = null;
    const held = this.held;
    this.held = null;
    if (isSameAccount(stored, accountIdentity(store.account, clients))) {
      if (held) this.adopt(held);
      this.log("info", "fleet.account_confirmed", { clients: clients.length });
      return;
    }
    this.devices.clear();
    this.attempted.clear();
    this.clients = [];
    this.inventoryReadAt = null;
    this.fullPictureAt = null;
    this.restoredAt = null;
    this.dirty = false;
    this.changed.clear();
    this.removed.clear();
    this.version++;
    // In the save chain: a write already under way lands before the rows move aside, never after.
    this.saving = this.saving.then(() => store.setAsideAccount());
    await this.saving;
    this.log("warn", "fleet.account_changed", { clients: clients.length });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopped = false;
    this.following = false;
    const run = ++this.runId;
    void this.inventoryLoop(run);
    for (let i = 0; i < this.policy.workers; i++) void this.workerLoop(run);
  }

  /**
   * Follower mode (docs/deployment.md § One refresher: the leader): reads nothing from N-sight, writes nothing,
   * shows what the leader wrote. Stops the loops first if they ran, after their last write.
   */
  async follow(): Promise<void> {
    if (this.running) await this.stop();
    this.following = true;
    this.dirty = false;
    this.changed.clear();
    this.removed.clear();
    await this.reload();
  }

  /** The leader wrote these devices (or removed them) and perhaps the fleet's own fields: the follower's copy takes them. */
  applyStoredChanges(deviceIds: readonly string[]): Promise<void> {
    return this.inFollowChain(async (store) => {
      const { meta, writtenAt } = await store.readMeta();
      const { devices, absent, lastWriteAt } = await store.readDevices(deviceIds);
      for (const device of devices) this.devices.set(device.deviceId, device);
      for (const id of absent) this.devices.delete(id);
      if (meta) this.adoptFields(meta);
      this.seenWriteAt = Math.max(this.seenWriteAt, writtenAt, lastWriteAt);
      this.version++;
    });
  }

  /** Now and then: a whole reload only when the store holds a write this copy lacks (the last notice was lost), else two small queries. */
  catchUp(): Promise<void> {
    return this.inFollowChain(async (store) => {
      const { devices, lastWriteAt } = await store.fingerprint();
      if (devices === this.devices.size && lastWriteAt <= this.seenWriteAt) return;
      await this.reloadFrom(store);
    });
  }

  /** The follower's whole copy, replaced by what the store holds (after a missed notice, a new leader, a reconnect). */
  reload(): Promise<void> {
    return this.inFollowChain((store) => this.reloadFrom(store));
  }

  private async reloadFrom(store: FleetStore): Promise<void> {
    // Taken first: a write landing during the load is seen as newer, and loaded at the next check.
    const { lastWriteAt } = await store.fingerprint();
    const { data, confirmation } = await store.load({ readOnly: true });
    if (data && confirmation === "show") {
      this.devices.clear();
      for (const device of data.devices) this.devices.set(device.deviceId, device);
      this.adoptFields(data);
      this.restoredAt ??= this.now();
    } else if (!data) {
      this.devices.clear();
      this.clients = [];
      this.inventoryReadAt = null;
      this.fullPictureAt = null;
    }
    this.seenWriteAt = lastWriteAt;
    this.version++;
  }

  private adoptFields(meta: Pick<FleetStoreData, "clients" | "inventoryReadAt" | "fullPictureAt">): void {
    this.clients = meta.clients;
    this.inventoryReadAt = meta.inventoryReadAt ? Date.parse(meta.inventoryReadAt) : null;
    this.fullPictureAt = meta.fullPictureAt ? Date.parse(meta.fullPictureAt) : null;
  }

  private inFollowChain(work: (store: FleetStore) => Promise<void>): Promise<void> {
    const store = this.options.store;
    if (!store) return Promise.resolve();
    const next = this.followChain.then(() => (this.following ? work(store) : undefined));
    this.followChain = next.catch(() => undefined);
    return next;
  }

  /** Resolves once the last changes are written. */
  stop(): Promise<void> {
    this.running = false;
    this.stopped = true;
    this.poke();
    return this.saveNow();
  }

  /** One build per change and per 5 s, however many viewers poll: overdue states move with the clock. */
  snapshot(clientFilter?: ReadonlySet<string>): FleetSnapshot {
    const now = this.now();
    const upstream = this.options.source.upstream();
    const key = this.snapshotKey(now, upstream, clientFilter);
    const cached = this.snapshots.get(key);
    if (cached) return cached;
    const snapshot = buildSnapshot({ devices: this.devices.values(), clients: this.clients, progress: this.progress(), upstream, now, clientFilter });
    this.keepSnapshot(key, snapshot);
    return snapshot;
  }

  private snapshotKey(now: number, upstream: UpstreamHealth, clientFilter: ReadonlySet<string> | undefined): string {
    return `${this.version}|${Math.floor(now / 5_000)}|${upstream.status}|${upstream.problem}|${upstream.failingSince}|${upstream.lastOkAt}|${clientFilter ? [...clientFilter].sort().join(",") : "*"}`;
  }

  private keepSnapshot(key: string, snapshot: FleetSnapshot): void {
    if (this.snapshots.size >= 64) this.snapshots.clear();
    this.snapshots.set(key, snapshot);
  }

  /** As snapshot(), built in slices that yield to the event loop: for the walls' polls, which would each block it for a whole pass. */
  snapshotInTurns(clientFilter?: ReadonlySet<string>): Promise<FleetSnapshot> {
    const now = this.now();
    const upstream = this.options.source.upstream();
    const key = this.snapshotKey(now, upstream, clientFilter);
    const cached = this.snapshots.get(key);
    if (cached) return Promise.resolve(cached);
    let building = this.building.get(key);
    if (!building) {
      building = buildSnapshotInTurns({ devices: this.devices.values(), clients: this.clients, progress: this.progress(), upstream, now, clientFilter })
        .then((snapshot) => {
          this.keepSnapshot(key, snapshot);
          return snapshot;
        })
        .finally(() => this.building.delete(key));
      if (this.building.size >= 64) this.building.clear();
      this.building.set(key, building);
    }
    return building;
  }

  devicesOfClient(clientId: string): Map<string, FleetDevice> {
    const now = this.now();
    const out = new Map<string, FleetDevice>();
    for (const d of this.devices.values()) if (d.clientId === clientId) out.set(d.deviceId, effectiveDevice(d, now));
    return out;
  }

  /** Every device as the pages see it now (overdue by the clock included) and what is known: the alert engine's input. */
  alertView(): { version: number; devices: FleetDevice[]; clients: { clientId: string; name: string; timezone: string | null }[]; knowledge: FleetKnowledge; upstream: UpstreamHealth } {
    const now = this.now();
    const upstream = this.options.source.upstream();
    return {
      version: this.version,
      devices: [...this.devices.values()].map((d) => effectiveDevice(d, now)),
      clients: this.clients,
      knowledge: fleetKnowledge(this.progress(), upstream),
      upstream,
    };
  }

  /** As alertView(), built in slices that yield: the alert engine asks for it every 5 s while the refresher reads. */
  async alertViewInTurns(): Promise<ReturnType<FleetRefresher["alertView"]>> {
    // Taken first: a device changed during the build makes the next view newer, so the engine judges again.
    const version = this.version;
    const now = this.now();
    const upstream = this.options.source.upstream();
    const knowledge = fleetKnowledge(this.progress(), upstream);
    const clients = this.clients;
    const devices: FleetDevice[] = [];
    const turns = new TurnCounter();
    for (const d of this.devices.values()) {
      const turn = turns.tick();
      if (turn) await turn;
      devices.push(effectiveDevice(d, now));
    }
    return { version, devices, clients, knowledge, upstream };
  }

  device(deviceId: string): StoredDevice | undefined {
    return this.devices.get(deviceId);
  }

  progress(): FleetProgress {
    const backupDevices = this.devices.backup;
    const read = backupDevices - this.devices.unread;
    const remaining = backupDevices - read + (this.inventoryReadAt === null ? Math.max(1, this.clients.length * 2) : 0);
    const estimate = this.fullPictureAt === null && remaining > 0 ? this.now() + (remaining / this.policy.callsPerMinute) * 60_000 : null;
    return {
      backupDevices,
      read,
      fullPictureAt: this.fullPictureAt === null ? null : iso(this.fullPictureAt),
      estimatedFullPictureAt: estimate === null ? null : iso(estimate),
      inventoryReadAt: this.inventoryReadAt === null ? null : iso(this.inventoryReadAt),
      restoredAt: this.restoredAt === null ? null : iso(this.restoredAt),
    };
  }

  /** A client whose device list fails keeps its devices as last known and does not hold up the others' full picture. */
  async discover(): Promise<void> {
    const clients = await this.options.source.listClients();
    this.clients = clients.map((c) => ({ clientId: c.clientId, name: c.name, timezone: c.timezone }));
    const seen = new Set<string>();
    const unlisted = new Set<string>();
    let next = 0;
    const worker = async () => {
      while (next < clients.length && !this.stopped) {
        const client = clients[next++]!;
        try {
          const devices = await this.options.source.listClientDevices(client.clientId);
          for (const d of devices) {
            seen.add(d.deviceId);
            this.upsertInventory(d, client.name);
          }
          this.poke();
        } catch (error) {
          unlisted.add(client.clientId);
          this.log("warn", "fleet.discovery_failed", { clientId: client.clientId, error: describe(error) });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.policy.workers) }, worker));
    const everyListFailed = clients.length > 0 && unlisted.size === clients.length;
    if (!this.stopped && !everyListFailed) {
      for (const [id, d] of [...this.devices]) {
        if (seen.has(id) || unlisted.has(d.clientId)) continue;
        this.devices.delete(id);
        this.changed.delete(id);
        this.removed.add(id);
      }
      this.inventoryReadAt = this.now();
      this.noteFullPicture();
      this.markDirty();
    }
  }

  private upsertInventory(d: ClientDevice, clientName: string): void {
    const existing = this.devices.get(d.deviceId);
    const base: StoredDevice = existing ?? {
      deviceId: d.deviceId,
      name: d.name,
      type: d.type,
      clientId: d.clientId,
      clientName,
      siteId: d.siteId,
      siteName: d.siteName,
      backupEnabled: d.backupEnabled,
      state: d.backupEnabled ? "unknown" : "off",
      worstPlugin: null,
      since: null,
      lastSuccessAt: null,
      failedInARow: 0,
      sentence: null,
      plugins: [],
      anomalies: [],
      readAt: null,
      readError: null,
      stateChangedAt: null,
      nextBackupDueAt: null,
      overdueAt: null,
    };
    const updated: StoredDevice = { ...base, name: d.name, type: d.type, clientId: d.clientId, clientName, siteId: d.siteId, siteName: d.siteName, backupEnabled: d.backupEnabled };
    if (!d.backupEnabled && updated.state !== "off") Object.assign(updated, { state: "off", stateChangedAt: iso(this.now()) });
    if (d.backupEnabled && updated.state === "off") Object.assign(updated, { state: "unknown", readAt: null });
    // Each rediscovery lists every device: only what it changed is written.
    if (existing && sameInventory(existing, updated)) return;
    this.devices.set(d.deviceId, updated);
    this.markDirty(d.deviceId);
  }

  pickNext(now = this.now()): StoredDevice | null {
    return this.devices.queued().pick(now, (id) => this.reading.has(id));
  }

  async read(deviceId: string): Promise<void> {
    const record = this.devices.get(deviceId);
    if (!record) return;
    this.reading.add(deviceId);
    const maxAgeMs = rereadGapMs(record, this.now(), this.policy);
    this.attempted.set(deviceId, this.now());
    try {
      const { sessions, fetchedAt } = await this.options.source.readSessions(deviceId, { maxAgeMs });
      this.apply(deviceId, sessions, fetchedAt);
    } catch (error) {
      const current = this.devices.get(deviceId);
      if (current) {
        const message = isNsightError(error) && error.kind === "not_found" ? "N-sight no longer knows this device." : describe(error);
        this.devices.set(deviceId, { ...current, readError: message });
        this.noteFullPicture();
        this.markDirty(deviceId);
      }
      // N-sight down is not the device's fault: retry as soon as calls may go out; a device that stalls alone waits.
      if (isNsightError(error) && isOutageSign(error) && this.options.source.upstream().status === "failing") this.attempted.delete(deviceId);
      throw error;
    } finally {
      this.reading.delete(deviceId);
    }
  }

  private apply(deviceId: string, sessions: BackupSession[], fetchedAt: number): void {
    const current = this.devices.get(deviceId);
    if (!current) return;
    const now = this.now();
    const health = assessDevice(sessions, { now, policy: this.policy.health });
    const worst = health.plugins[0];
    const recent = recentByPlugin(sessions);
    const due = nextBackupDue(health, sessions, now, this.policy.dueWatchMs);
    const late = overdueAt(health);
    const next: StoredDevice = {
      ...current,
      state: health.state,
      worstPlugin: health.worstPlugin,
      since: health.since,
      lastSuccessAt: health.lastSuccessAt,
      failedInARow: worst?.state === "failed" ? worst.failedInARow : 0,
      sentence: health.sentence,
      plugins: health.plugins.map((p) => ({
        plugin: p.plugin,
        state: p.state,
        lastStatus: p.lastStatus,
        lastEnd: p.lastEnd,
        lastSuccessAt: p.lastSuccessAt,
        failedInARow: p.failedInARow,
        dueBy: p.dueBy,
        recent: recent.get(p.plugin) ?? [],
      })),
      anomalies: detectAnomalies(sessions, { now, policy: this.policy.health, judge: () => false }).current,
      readAt: iso(Math.min(fetchedAt, now)),
      readError: null,
      nextBackupDueAt: due === null ? null : iso(due),
      overdueAt: late === null ? null : iso(late),
      stateChangedAt: current.state !== health.state && current.readAt ? iso(now) : current.stateChangedAt,
    };
    this.devices.set(deviceId, next);
    this.noteFullPicture();
    this.markDirty(deviceId);
  }

  private noteFullPicture(): void {
    if (this.fullPictureAt !== null || this.inventoryReadAt === null) return;
    if (this.devices.unread > 0) return;
    this.fullPictureAt = this.now();
    this.log("info", "fleet.full_picture", { devices: this.devices.size });
  }

  nextDiscoveryAt(): number | null {
    return nextDiscoveryAt(this.inventoryReadAt, this.fullPictureAt, this.now(), this.rediscoveryIntervalMs());
  }

  rediscoveryIntervalMs(): number {
    return rediscoveryIntervalMs(this.clients.length, this.policy);
  }

  private async inventoryLoop(run: number): Promise<void> {
    while (this.running && run === this.runId) {
      if (this.unconfirmed) {
        try {
          await this.confirmAccount();
        } catch (error) {
          this.log("warn", "fleet.account_unconfirmed", { error: describe(error) });
          await this.sleep(15_000, false);
          continue;
        }
      }
      const due = this.nextDiscoveryAt();
      if (due === null || due > this.now()) {
        await this.sleep(due === null ? 60_000 : Math.max(1_000, due - this.now()), false);
        continue;
      }
      let waitMs: number;
      try {
        await this.discover();
        // Not sooner than a whole interval: one broken client cannot make discovery a loop.
        waitMs = this.rediscoveryIntervalMs();
      } catch (error) {
        this.log("warn", "fleet.discovery_failed", { error: describe(error) });
        waitMs = 15_000;
      }
      await this.sleep(waitMs, false);
    }
  }

  private async workerLoop(run: number): Promise<void> {
    while (this.running && run === this.runId) {
      const paused = this.options.source.pausedUntil();
      if (paused !== null && paused > this.now()) {
        await this.sleep(paused - this.now() + 250, false);
        continue;
      }
      const next = this.pickNext();
      if (!next) {
        await this.sleep(5_000, true);
        continue;
      }
      try {
        await this.read(next.deviceId);
      } catch (error) {
        this.log("warn", "fleet.read_failed", { deviceId: next.deviceId, error: describe(error) });
      }
    }
  }

  private sleep(ms: number, wakeable: boolean): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref?.();
      if (wakeable || !this.running) this.waiters.add(done);
    });
  }

  private poke(): void {
    for (const wake of [...this.waiters]) wake();
  }

  private markDirty(deviceId?: string): void {
    this.version++;
    this.dirty = true;
    if (deviceId !== undefined) {
      this.changed.add(deviceId);
      this.removed.delete(deviceId);
    }
    if (!this.options.store || this.following || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      void this.saveNow();
    }, this.policy.saveEveryMs);
    this.saveTimer.unref?.();
  }

  /** Writes what changed since the last save in one transaction; saves run one after another. */
  saveNow(): Promise<void> {
    this.saving = this.saving.then(() => this.writeChanges());
    return this.saving;
  }

  private async writeChanges(): Promise<void> {
    const store = this.options.store;
    if (!store || !this.dirty || this.following) return;
    this.dirty = false;
    const changedIds = [...this.changed];
    const removedIds = [...this.removed];
    this.changed.clear();
    this.removed.clear();
    try {
      await store.save({
        clients: this.clients,
        changed: changedIds.flatMap((id) => this.devices.get(id) ?? []),
        removed: removedIds,
        inventoryReadAt: this.inventoryReadAt === null ? null : iso(this.inventoryReadAt),
        fullPictureAt: this.fullPictureAt === null ? null : iso(this.fullPictureAt),
        upstreamLastOkAt: this.options.source.upstream().lastOkAt,
      });
      this.options.onSaved?.([...changedIds, ...removedIds]);
    } catch (error) {
      if (error instanceof FencedWriteError) {
        // A newer leader's state stands; this one's changes are dropped, never retried over it.
        this.log("warn", "fleet.write_fenced", { fence: error.fence });
        this.options.onFenced?.();
        return;
      }
      this.dirty = true;
      for (const id of changedIds) if (this.devices.has(id) && !this.removed.has(id)) this.changed.add(id);
      for (const id of removedIds) if (!this.devices.has(id) && !this.changed.has(id)) this.removed.add(id);
      this.log("error", "fleet.save_failed", { error: describe(error) });
    }
  }
}

function sameInventory(a: StoredDevice, b: StoredDevice): boolean {
  return (
    a.name === b.name &&
    a.type === b.type &&
    a.clientId === b.clientId &&
    a.clientName === b.clientName &&
    a.siteId === b.siteId &&
    a.siteName === b.siteName &&
    a.backupEnabled === b.backupEnabled &&
    a.state === b.state &&
    a.readAt === b.readAt
  );
}

const RECENT_SESSIONS = 6;

function recentByPlugin(sessions: readonly BackupSession[]): Map<string, { start: string | null; status: string }[]> {
  const out = new Map<string, { start: string | null; status: string }[]>();
  for (let i = sessions.length - 1; i >= 0; i--) {
    const s = sessions[i]!;
    if (s.type !== "BACKUP") continue;
    const list = out.get(s.plugin) ?? [];
    if (list.length < RECENT_SESSIONS) list.unshift({ start: s.start, status: s.status });
    out.set(s.plugin, list);
  }
  return out;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.slice(0, 200) : String(error).slice(0, 200);
}
