/**
 * A small in-process cache with expiry and a size cap. Times come from the caller (the app's
 * clock), so tests can let entries expire without waiting.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
  ) {}

  /** The value stored under `key`, unless it has expired by `now` (ms). */
  get(key: string, now: number): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.until <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  /** Stores a value until `now + ttl`; past the cap, expired entries go first, then the oldest. */
  set(key: string, value: V, now: number): void {
    this.entries.delete(key);
    if (this.entries.size >= this.max) {
      for (const [k, e] of this.entries) if (e.until <= now) this.entries.delete(k);
      // A Map iterates in insertion order: the first key is the oldest.
      while (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(key, { value, until: now + this.ttlMs });
  }

  /** Forgets one entry; with `value`, only while that value is still the one stored. */
  delete(key: string, value?: V): void {
    const e = this.entries.get(key);
    if (e && (value === undefined || e.value === value)) this.entries.delete(key);
  }

  /** How many entries are held (expired ones included until touched). */
  get size(): number {
    return this.entries.size;
  }
}

/**
 * The value under `key`, computing it once for all concurrent askers when it is missing or
 * expired; a failed computation is not kept.
 */
export function cached<V>(cache: TtlCache<Promise<V>>, key: string, now: number, compute: () => Promise<V>): Promise<V> {
  const hit = cache.get(key, now);
  if (hit) return hit;
  const value = compute();
  cache.set(key, value, now);
  value.catch(() => cache.delete(key, value));
  return value;
}

let publicGeneration = 0;

/**
 * Says that public signals changed in this process (a submission, a status, a hidden signal):
 * answers cached under `publicDataKey` are not used again. Other instances' caches age out by
 * their TTL, which is why every such cache keeps answers only for seconds.
 */
export function publicDataChanged(): void {
  publicGeneration++;
}

/** A cache key that changes whenever public data changed in this process. */
export function publicDataKey(parts: unknown[]): string {
  return JSON.stringify([publicGeneration, ...parts]);
}
