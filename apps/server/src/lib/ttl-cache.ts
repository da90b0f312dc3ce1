/**
 * A small in-process read-through cache with a time-to-live and whole-cache invalidation.
 *
 * Invalidation is safe against loads in flight: a value read before `invalidate()` (e.g. by a
 * transaction that started before the change committed) is returned to its caller but never
 * stored, so the next call reads again. Failed loads are not cached.
 */
export function createTtlCache<V>(opts: { ttlMs: number; now?: () => number; maxEntries?: number }) {
  const now = opts.now ?? Date.now;
  const maxEntries = opts.maxEntries ?? 10_000;
  const entries = new Map<string, { value: V; expires: number }>();
  let generation = 0;

  return {
    /** The cached value for `key`, or `load()`'s result (stored unless invalidated meanwhile). */
    async get(key: string, load: () => Promise<V>): Promise<V> {
      const hit = entries.get(key);
      if (hit && hit.expires > now()) return hit.value;
      const startedAt = generation;
      const value = await load();
      if (startedAt === generation) {
        if (entries.size >= maxEntries) entries.clear();
        entries.set(key, { value, expires: now() + opts.ttlMs });
      }
      return value;
    },
    /** Forgets everything, including loads still in flight. */
    invalidate() {
      generation++;
      entries.clear();
    },
    size: () => entries.size,
  };
}
export type TtlCache<V> = ReturnType<typeof createTtlCache<V>>;
