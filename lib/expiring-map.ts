/**
 * A small in-process cache: each entry carries its own expiry (a `Date.now()` time), an expired entry is never
 * returned, and the map holds at most `max` entries (when full, the entry set longest ago is dropped first, so a
 * flood of distinct keys costs memory once and never grows the map).
 */
export class ExpiringMap<K, V> {
  private entries = new Map<K, { value: V; expires: number }>();

  constructor(private readonly max: number) {}

  get(key: K, now = Date.now()): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires > now) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  set(key: K, value: V, expires: number): void {
    // Re-inserted, so that a refreshed key counts as the newest.
    this.entries.delete(key);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as K);
    this.entries.set(key, { value, expires });
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
