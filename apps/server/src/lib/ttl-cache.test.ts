import { describe, expect, it } from "vitest";
import { createTtlCache } from "./ttl-cache";

describe("createTtlCache", () => {
  it("loads once within the time-to-live and again after it", async () => {
    let t = 0;
    let loads = 0;
    const cache = createTtlCache<number>({ ttlMs: 1000, now: () => t });
    const load = async () => ++loads;
    expect(await cache.get("k", load)).toBe(1);
    t = 999;
    expect(await cache.get("k", load)).toBe(1);
    t = 1000;
    expect(await cache.get("k", load)).toBe(2);
  });

  it("reads again after invalidate()", async () => {
    let value = "old";
    const cache = createTtlCache<string>({ ttlMs: 60_000 });
    expect(await cache.get("k", async () => value)).toBe("old");
    value = "new";
    cache.invalidate();
    expect(await cache.get("k", async () => value)).toBe("new");
  });

  it("does not store a value loaded before an invalidation that happened while loading", async () => {
    const cache = createTtlCache<string>({ ttlMs: 60_000 });
    let release: (v: string) => void = () => undefined;
    const slow = cache.get("k", () => new Promise<string>((r) => (release = r)));
    cache.invalidate();
    release("stale");
    expect(await slow).toBe("stale");
    expect(await cache.get("k", async () => "fresh")).toBe("fresh");
  });

  it("does not cache failures", async () => {
    const cache = createTtlCache<string>({ ttlMs: 60_000 });
    await expect(cache.get("k", async () => Promise.reject(new Error("no")))).rejects.toThrow("no");
    expect(await cache.get("k", async () => "ok")).toBe("ok");
  });
});
