/** A small size-bounded LRU map (Map keeps insertion order; re-inserting marks recent use). */
export class Lru<K, V> {
  private readonly map = new Map<K, { value: V; size: number }>();
  private total = 0;

  constructor(
    private readonly maxSize: number,
    private readonly sizeOf: (value: V) => number,
  ) {}

  get(key: K): V | undefined {
    const entry = this.map.get(key);
    if (!entry) return undefined;
    this.map.delete(key);
    this.map.set(key, entry);
    return entry.value;
  }

  set(key: K, value: V): void {
    const old = this.map.get(key);
    if (old) {
      this.total -= old.size;
      this.map.delete(key);
    }
    const size = this.sizeOf(value);
    // An entry larger than the budget stays (alone), or every request for it would recompute.
    this.map.set(key, { value, size });
    this.total += size;
    for (const [k, entry] of this.map) {
      if (this.total <= this.maxSize || k === key) break;
      this.map.delete(k);
      this.total -= entry.size;
    }
  }

  clear(): void {
    this.map.clear();
    this.total = 0;
  }
}
