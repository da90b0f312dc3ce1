import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { databaseBytes, pageCacheMB, sharedBuffersFor } from "./embedded-page-cache";

const MB = 2 ** 20;
const GB = 2 ** 30;

describe("the embedded page cache (auto)", () => {
  it("holds the whole database, between 64MB and 512MB, in 16MB steps", () => {
    expect(pageCacheMB(15 * MB, 24 * GB)).toBe(64);
    expect(pageCacheMB(0, 24 * GB)).toBe(64);
    expect(pageCacheMB(300 * MB + 1, 24 * GB)).toBe(304);
    expect(pageCacheMB(809 * MB, 24 * GB)).toBe(512);
  });

  it("takes at most an eighth of the machine's memory, never less than 64MB", () => {
    expect(pageCacheMB(809 * MB, 2 * GB)).toBe(256);
    expect(pageCacheMB(809 * MB, 256 * MB)).toBe(64);
  });

  it("measures the relation files under base/, and a fresh directory as empty", () => {
    const dir = mkdtempSync(join(os.tmpdir(), "atrium-cache-"));
    try {
      expect(databaseBytes(dir)).toBe(0);
      mkdirSync(join(dir, "base", "5"), { recursive: true });
      writeFileSync(join(dir, "base", "5", "16384"), Buffer.alloc(3000));
      writeFileSync(join(dir, "base", "5", "16384_fsm"), Buffer.alloc(1000));
      mkdirSync(join(dir, "pg_wal"));
      writeFileSync(join(dir, "pg_wal", "000000010000000000000001"), Buffer.alloc(5000));
      expect(databaseBytes(dir)).toBe(4000);
      expect(sharedBuffersFor("auto", dir)).toBe("64MB");
      expect(sharedBuffersFor("256MB", dir)).toBe("256MB");
      expect(sharedBuffersFor("auto", undefined)).toBe("64MB");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
