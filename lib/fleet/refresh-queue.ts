import type { StoredDevice } from "./fleet-store";
import { readOrder, readRank, watchGapMs, type RefresherPolicy } from "./refresh-schedule";

/** A binary min-heap: push and pop in O(log n). */
export class MinHeap<T> {
  private readonly items: T[] = [];

  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    items[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let least = i;
      if (left < items.length && this.before(items[left]!, items[least]!)) least = left;
      if (right < items.length && this.before(items[right]!, items[least]!)) least = right;
      if (least === i) break;
      [items[i], items[least]] = [items[least]!, items[i]!];
      i = least;
    }
    return top;
  }

  /** Keeps only what `keep` accepts, in O(n). */
  retain(keep: (item: T) => boolean): void {
    const kept = this.items.filter(keep);
    this.items.length = 0;
    for (const item of kept) this.push(item);
  }
}

interface Tracked {
  device: StoredDevice;
  /** The order a Map of the devices would iterate them in: the scan's last tie-break. */
  order: number;
  version: number;
}

interface ReadyEntry {
  deviceId: string;
  version: number;
  rank: number;
  /** readOrder's key: within a rank, lower first. */
  key: string;
  order: number;
}

interface WaitingEntry {
  deviceId: string;
  version: number;
  at: number;
}

const readyBefore = (a: ReadyEntry, b: ReadyEntry) => a.rank < b.rank || (a.rank === b.rank && (a.key < b.key || (a.key === b.key && a.order < b.order)));

/**
 * The device pickNextDevice would choose, without scanning the fleet: devices wait in a heap keyed by the
 * time their rank next improves (a device's rank only improves as time passes until it is read), and the
 * ready ones sit in a heap ordered as the scan orders them. A change leaves old entries behind; they are
 * recognised by their version and dropped when they surface.
 */
export class RefreshQueue {
  private readonly tracked = new Map<string, Tracked>();
  private readonly ready = new MinHeap<ReadyEntry>(readyBefore);
  private readonly waiting = new MinHeap<WaitingEntry>((a, b) => a.at < b.at);
  private nextOrder = 0;

  constructor(
    private readonly policy: RefresherPolicy,
    private readonly lastAttemptAt: (deviceId: string) => number | undefined,
  ) {}

  get size(): number {
    return this.tracked.size;
  }

  /** The device was added or changed, or its last attempt did. */
  update(device: StoredDevice): void {
    const known = this.tracked.get(device.deviceId);
    const entry: Tracked = known
      ? { device, order: known.order, version: known.version + 1 }
      : { device, order: this.nextOrder++, version: 0 };
    this.tracked.set(device.deviceId, entry);
    if (device.backupEnabled) this.waiting.push({ deviceId: device.deviceId, version: entry.version, at: this.firstChance(device) });
    this.compactIfLittered();
  }

  attemptChanged(deviceId: string): void {
    const known = this.tracked.get(deviceId);
    if (known) this.update(known.device);
  }

  delete(deviceId: string): void {
    this.tracked.delete(deviceId);
    this.compactIfLittered();
  }

  clear(): void {
    this.tracked.clear();
    this.ready.retain(() => false);
    this.waiting.retain(() => false);
    this.nextOrder = 0;
  }

  /** What pickNextDevice(devices, now, …) would return; the device stays queued until it changes. */
  pick(now: number, busy: (deviceId: string) => boolean): StoredDevice | null {
    this.promote(now);
    const setAside: ReadyEntry[] = [];
    let picked: StoredDevice | null = null;
    for (let top = this.ready.peek(); top; top = this.ready.peek()) {
      const entry = this.tracked.get(top.deviceId);
      if (!entry || entry.version !== top.version) {
        this.ready.pop();
        continue;
      }
      const rank = readRank(entry.device, now, this.lastAttemptAt(top.deviceId), this.policy);
      if (rank !== top.rank) {
        this.ready.pop();
        // Better now: promotion queued that entry already. Worse or none (a watch ended, or the clock was turned back): placed afresh.
        if (rank === null || rank > top.rank) this.place(entry, now);
        continue;
      }
      if (busy(top.deviceId)) {
        setAside.push(this.ready.pop()!);
        continue;
      }
      picked = entry.device;
      break;
    }
    for (const entry of setAside) this.ready.push(entry);
    return picked;
  }

  private promote(now: number): void {
    for (let top = this.waiting.peek(); top && top.at <= now; top = this.waiting.peek()) {
      this.waiting.pop();
      const entry = this.tracked.get(top.deviceId);
      if (entry && entry.version === top.version) this.place(entry, now);
    }
  }

  /** Into the ready heap at its rank now, and back into the waiting heap for when that rank improves. */
  private place(entry: Tracked, now: number): void {
    const d = entry.device;
    const attempt = this.lastAttemptAt(d.deviceId);
    const rank = readRank(d, now, attempt, this.policy);
    if (rank !== null) this.ready.push({ deviceId: d.deviceId, version: entry.version, rank, key: readOrder(d, rank, attempt, this.policy), order: entry.order });
    const later = this.changePoints(d).filter((at) => at > now);
    if (later.length > 0) this.waiting.push({ deviceId: d.deviceId, version: entry.version, at: Math.min(...later) });
  }

  private firstChance(d: StoredDevice): number {
    const points = this.changePoints(d);
    return points.length > 0 ? Math.min(...points) : -Infinity;
  }

  /** Every time readRank can change for this device as the clock alone moves (a few more do no harm). */
  private changePoints(d: StoredDevice): number[] {
    const { minRereadMs, rereadMs, dueWatchMs } = this.policy;
    const attempt = this.lastAttemptAt(d.deviceId);
    const readAt = d.readAt ? Date.parse(d.readAt) : null;
    const due = readAt !== null && d.nextBackupDueAt ? Date.parse(d.nextBackupDueAt) : null;
    const gaps = [minRereadMs];
    if (readAt !== null && due !== null) gaps.push(watchGapMs(readAt, due, this.policy));
    const points: number[] = [];
    for (const gap of gaps) {
      if (attempt !== undefined) points.push(attempt + gap);
      if (readAt !== null) points.push(readAt + gap, readAt + gap + this.policy.lateWatchYieldMs);
    }
    if (readAt === null) return points.length > 0 ? points : [-Infinity];
    points.push(readAt + rereadMs);
    if (due !== null) points.push(due, due + this.policy.likelyListedMs, due + dueWatchMs);
    return points.filter((at) => !Number.isNaN(at));
  }

  /** Entries left behind by changes are at most as many as the live ones. */
  private compactIfLittered(): void {
    const live = (e: { deviceId: string; version: number }) => this.tracked.get(e.deviceId)?.version === e.version;
    const bound = 4 * this.tracked.size + 64;
    if (this.ready.size > bound) this.ready.retain(live);
    if (this.waiting.size > bound) this.waiting.retain(live);
  }
}
