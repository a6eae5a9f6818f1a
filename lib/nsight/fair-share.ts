import "server-only";

// Entries go when their last call leaves the window: at most a minute's calls plus the queue (maxAskers guards that bound).
export class FairShare {
  private readonly askers = new Map<string, { starts: number[]; waiting: number }>();

  constructor(
    readonly limit: number,
    private readonly windowMs: number,
    private readonly maxAskers: number,
  ) {
    if (!(limit >= 1) || !(maxAskers >= 1)) throw new RangeError("A fair share needs at least one call and one asker");
  }

  get size(): number {
    return this.askers.size;
  }

  used(asker: string, now: number): number {
    const entry = this.askers.get(asker);
    if (!entry) return 0;
    this.dropExpired(entry, now);
    return entry.starts.length + entry.waiting;
  }

  started(asker: string, now: number): number {
    const entry = this.askers.get(asker);
    if (!entry) return 0;
    this.dropExpired(entry, now);
    return entry.starts.length;
  }

  waitMs(asker: string, now: number): number {
    this.prune(now);
    const entry = this.askers.get(asker);
    if (!entry) return this.askers.size >= this.maxAskers ? this.windowMs : 0;
    const over = entry.starts.length + entry.waiting - this.limit;
    if (over < 0) return 0;
    // The call that must leave the window first; with only waiting calls over, a whole window.
    const freeing = entry.starts[over];
    return freeing === undefined ? this.windowMs : Math.max(1, freeing + this.windowMs - now);
  }

  reserve(asker: string): void {
    const entry = this.askers.get(asker) ?? { starts: [], waiting: 0 };
    entry.waiting++;
    this.askers.set(asker, entry);
  }

  release(asker: string, now: number): void {
    const entry = this.askers.get(asker);
    if (!entry) return;
    entry.waiting = Math.max(0, entry.waiting - 1);
    this.dropExpired(entry, now);
    if (entry.waiting === 0 && entry.starts.length === 0) this.askers.delete(asker);
  }

  start(asker: string, now: number): void {
    const entry = this.askers.get(asker) ?? { starts: [], waiting: 1 };
    entry.waiting = Math.max(0, entry.waiting - 1);
    entry.starts.push(now);
    this.askers.set(asker, entry);
  }

  private dropExpired(entry: { starts: number[] }, now: number): void {
    let drop = 0;
    while (drop < entry.starts.length && entry.starts[drop]! <= now - this.windowMs) drop++;
    if (drop > 0) entry.starts.splice(0, drop);
  }

  private prune(now: number): void {
    for (const [asker, entry] of this.askers) {
      this.dropExpired(entry, now);
      if (entry.waiting === 0 && entry.starts.length === 0) this.askers.delete(asker);
    }
  }
}
