import { describe, expect, it, vi } from "vitest";
import { createSearchAnalyzer } from "./search-statistics";

describe("search statistics refresh", () => {
  it("analyses after the first thousand chunks, then as the table grows by a fifth", async () => {
    const analyze = vi.fn(async () => {});
    const written = createSearchAnalyzer(analyze);
    await written(600);
    expect(analyze).not.toHaveBeenCalled();
    await written(600); // 1 200 in all
    expect(analyze).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 9; i++) await written(100); // 900 more: under max(1 000, 240)
    expect(analyze).toHaveBeenCalledTimes(1);
    await written(100);
    expect(analyze).toHaveBeenCalledTimes(2); // 2 200 analysed
    await written(20_000);
    await written(1_000); // 1 000 < 22 200 × 0.2
    expect(analyze).toHaveBeenCalledTimes(3);
  });

  it("runs one refresh at a time and survives a failed one", async () => {
    let release = () => {};
    const analyze = vi.fn(() => new Promise<void>((r) => (release = r)));
    const written = createSearchAnalyzer(analyze, { minRows: 10, share: 0 });
    const first = written(10);
    await written(10); // while the first runs: counted, not started
    expect(analyze).toHaveBeenCalledTimes(1);
    release();
    await first;
    const failing = createSearchAnalyzer(async () => Promise.reject(new Error("disk full")), { minRows: 1, share: 0 });
    await expect(failing(1)).rejects.toThrow("disk full");
    await expect(failing(1)).rejects.toThrow("disk full"); // not stuck "running"
  });
});
