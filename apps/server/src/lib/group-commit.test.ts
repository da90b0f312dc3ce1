import { describe, expect, it, vi } from "vitest";
import { createGroupCommit, writeEachGroup } from "./group-commit";

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("createGroupCommit", () => {
  it("writes a lone item at once, and items arriving meanwhile together in the next batch", async () => {
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    const gc = createGroupCommit<number, number>({
      write: async (items) => {
        batches.push(items);
        if (batches.length === 1) await new Promise<void>((r) => (release = r));
        return items.map((i) => i * 10);
      },
    });
    const first = gc.write(1);
    await tick();
    expect(batches).toEqual([[1]]);
    const rest = [gc.write(2), gc.write(3), gc.write(4)];
    await tick();
    expect(batches).toHaveLength(1);
    expect(gc.pending()).toBe(3);
    release();
    expect(await first).toBe(10);
    expect(await Promise.all(rest)).toEqual([20, 30, 40]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it("keeps every good item when one item of a batch fails: each is retried alone", async () => {
    const written: number[] = [];
    const gc = createGroupCommit<number, number>({
      write: async (items) => {
        if (items.includes(13)) throw new Error("bad item");
        written.push(...items);
        return items;
      },
    });
    const results = await Promise.allSettled([gc.write(1), gc.write(13), gc.write(2)]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(written.sort()).toEqual([1, 2]);
  });

  it("runs at most maxInFlight batches at a time and caps the batch size", async () => {
    let running = 0;
    let peak = 0;
    const sizes: number[] = [];
    const gc = createGroupCommit<number, number>({
      maxInFlight: 2,
      maxBatch: 3,
      write: async (items) => {
        running++;
        peak = Math.max(peak, running);
        sizes.push(items.length);
        await tick();
        running--;
        return items;
      },
    });
    const all = Array.from({ length: 10 }, (_, i) => gc.write(i));
    expect(await Promise.all(all)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(peak).toBe(2);
    expect(Math.max(...sizes)).toBe(3);
  });
});

describe("writeEachGroup", () => {
  it("writes a failed group again item by item, so the groups already committed are not written twice", async () => {
    const committed: string[] = [];
    const failed: [string, string][] = [];
    const groups = new Map([
      ["a", ["a1", "a2"]],
      ["b", ["b1", "bad", "b2"]],
      ["c", ["bad-alone"]],
    ]);
    await writeEachGroup(
      groups,
      async (_key, items) => {
        if (items.some((i) => i.startsWith("bad"))) throw new Error(`refused ${items.join(",")}`);
        committed.push(...items);
      },
      (item, err) => failed.push([item, (err as Error).message]),
    );
    expect(committed).toEqual(["a1", "a2", "b1", "b2"]);
    expect(failed).toEqual([
      ["bad", "refused bad"],
      ["bad-alone", "refused bad-alone"],
    ]);
  });

  it("throws when the only group fails: nothing was committed, the committer retries each item", async () => {
    const onFailed = vi.fn();
    await expect(
      writeEachGroup(
        new Map([["a", [1, 2]]]),
        async () => {
          throw new Error("down");
        },
        onFailed,
      ),
    ).rejects.toThrow("down");
    expect(onFailed).not.toHaveBeenCalled();
  });
});
