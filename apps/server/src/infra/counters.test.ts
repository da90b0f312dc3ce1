import { describe, expect, it } from "vitest";
import { createMemoryCounters } from "./counters";

describe("memory counters", () => {
  it("counts within a window and forgets after it", async () => {
    let now = 1_000_000;
    const c = createMemoryCounters(() => now);
    expect(await c.hit("k", 60)).toBe(1);
    expect(await c.hit("k", 60)).toBe(2);
    expect(await c.ttl("k")).toBe(60);
    now += 61_000;
    expect(await c.get("k")).toBe(0);
    expect(await c.hit("k", 60)).toBe(1);
    await c.reset("k");
    expect(await c.get("k")).toBe(0);
  });
});
