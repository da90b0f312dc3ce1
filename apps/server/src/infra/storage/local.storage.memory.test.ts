import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, expect, it } from "vitest";
import { createLocalStorage } from "./local.storage";
import { generatedChunks } from "./test-streams";

const MiB = 1024 * 1024;
let root: string | undefined;

afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

/**
 * Behavioural check that uploads stream: storing 200 MB must not grow the process by anything
 * near 200 MB. RSS is sampled as the body is produced, so the peak is seen, not just the end.
 */
it("stores a 200 MB stream while resident memory grows by far less than the file", { timeout: 120_000 }, async () => {
  root = await mkdtemp(join(tmpdir(), "atrium-mem-"));
  const storage = createLocalStorage(root);
  const size = 200 * MiB;
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  function* sampled() {
    let i = 0;
    for (const chunk of generatedChunks(size, 3)) {
      if (++i % 16 === 0) peak = Math.max(peak, process.memoryUsage().rss);
      yield chunk;
    }
  }

  const stored = await storage.put("big/file.bin", Readable.from(sampled(), { objectMode: false }), {
    maxBytes: 256 * MiB,
  });
  peak = Math.max(peak, process.memoryUsage().rss);
  const growthMiB = (peak - baseline) / MiB;
  console.log(`local put of 200 MB: peak RSS growth ${growthMiB.toFixed(1)} MiB`);

  expect(stored.size).toBe(size);
  expect(growthMiB).toBeLessThan(64);
});
