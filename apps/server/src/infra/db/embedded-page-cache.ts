/**
 * The embedded database's page cache (shared_buffers), sized at start-up when set to `auto`.
 *
 * PGlite's shared buffers are resident from the start (64MB → 436 MB RSS, 512MB → 911 MB, measured),
 * so a fixed large cache would cost every install its memory. A small cache makes search slow on a
 * large collection: at 100k passages every search misses the cache ~1 000 times, and hybrid search
 * took 34 ms with 64MB against 19.6 ms with 512MB (docs/BENCHMARKS.md). `auto` therefore sizes the
 * cache to hold the whole database as it is on disk at start-up, between 64MB and 512MB, and never
 * more than an eighth of the machine's memory: small installs stay light, large ones search fast.
 * The size is fixed until the next start (PostgreSQL cannot resize it while running).
 */
import { readdirSync, statSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";

const MB = 2 ** 20;
export const PAGE_CACHE = { minMB: 64, maxMB: 512, shareOfMemory: 1 / 8 };

/** The cache for a database of `databaseBytes` on a machine with `memoryBytes`: whole megabytes. */
export function pageCacheMB(databaseBytes: number, memoryBytes: number, limits = PAGE_CACHE): number {
  const ceiling = Math.max(limits.minMB, Math.min(limits.maxMB, Math.floor((memoryBytes * limits.shareOfMemory) / MB)));
  // Rounded up to 16MB steps, so the size does not move with every few pages written.
  const wanted = Math.ceil(databaseBytes / MB / 16) * 16;
  return Math.min(ceiling, Math.max(limits.minMB, wanted));
}

/** Bytes of the relation files under `<pgdata>/base` (every database's tables and indexes). */
export function databaseBytes(pgdata: string): number {
  let total = 0;
  const walk = (dir: string) => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // a fresh data directory has no base/ yet
    }
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.isFile()) total += statSync(path, { throwIfNoEntry: false })?.size ?? 0;
    }
  };
  walk(join(pgdata, "base"));
  return total;
}

/** The shared_buffers setting for `setting` (`auto` or a size such as 256MB). */
export function sharedBuffersFor(setting: string, pgdata: string | undefined): string {
  if (setting !== "auto") return setting;
  return `${pageCacheMB(pgdata ? databaseBytes(pgdata) : 0, os.totalmem())}MB`;
}
