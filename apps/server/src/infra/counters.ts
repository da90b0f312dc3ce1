import type { Redis } from "ioredis";

/**
 * Expiring counters (failed logins per account). In-process by default; Redis when configured,
 * so several API processes share them.
 */
export interface Counters {
  /** Adds one and returns the new count; the window starts at the first hit. */
  hit(key: string, windowSeconds: number): Promise<number>;
  get(key: string): Promise<number>;
  /** Seconds until the key expires (0 when absent). */
  ttl(key: string): Promise<number>;
  reset(key: string): Promise<void>;
}

/** Counters in this process's memory. */
export function createMemoryCounters(now: () => number = Date.now): Counters {
  const map = new Map<string, { count: number; expiresAt: number }>();
  const live = (key: string) => {
    const e = map.get(key);
    if (e && e.expiresAt <= now()) {
      map.delete(key);
      return undefined;
    }
    return e;
  };
  return {
    hit: async (key, windowSeconds) => {
      const e = live(key) ?? { count: 0, expiresAt: now() + windowSeconds * 1000 };
      e.count += 1;
      map.set(key, e);
      return e.count;
    },
    get: async (key) => live(key)?.count ?? 0,
    ttl: async (key) => {
      const e = live(key);
      return e ? Math.ceil((e.expiresAt - now()) / 1000) : 0;
    },
    reset: async (key) => {
      map.delete(key);
    },
  };
}

/** Counters in Redis (INCR + EXPIRE). */
export function createRedisCounters(redis: Redis, prefix = "atrium:counter:"): Counters {
  return {
    hit: async (key, windowSeconds) => {
      const k = prefix + key;
      const [[, count]] = (await redis.multi().incr(k).expire(k, windowSeconds, "NX").exec()) as [[null, number]];
      return count;
    },
    get: async (key) => Number((await redis.get(prefix + key)) ?? 0),
    ttl: async (key) => Math.max(0, await redis.ttl(prefix + key)),
    reset: async (key) => {
      await redis.del(prefix + key);
    },
  };
}
