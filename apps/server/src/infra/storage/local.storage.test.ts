import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLocalStorage } from "./local.storage";
import type { StorageError } from "./storage.types";

describe("local storage", () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "atrium-local-"));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("keeps objects as plain files under the root", async () => {
    const storage = createLocalStorage(root);
    await storage.put("tenants/t1/f1.txt", Readable.from([Buffer.from("hello")]), { maxBytes: 100 });
    expect(await readFile(join(root, "tenants/t1/f1.txt"), "utf8")).toBe("hello");
  });

  it("shows nothing under the key until the whole body is stored", async () => {
    const storage = createLocalStorage(root);
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let firstChunkSent!: () => void;
    const midway = new Promise<void>((resolve) => {
      firstChunkSent = resolve;
    });
    async function* slowBody() {
      yield Buffer.from("first half, ");
      firstChunkSent();
      await released;
      yield Buffer.from("second half");
    }
    const put = storage.put("doc/a.txt", Readable.from(slowBody()), { maxBytes: 1000 });
    await midway;
    // Give the first chunk time to reach the disk.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(existsSync(join(root, "doc/a.txt"))).toBe(false);
    expect(await storage.stat("doc/a.txt")).toBeUndefined();
    expect((await readdir(join(root, "doc"))).filter((n) => n.endsWith(".tmp"))).toHaveLength(1);

    release();
    await put;
    expect(await readFile(join(root, "doc/a.txt"), "utf8")).toBe("first half, second half");
    expect(await readdir(join(root, "doc"))).toEqual(["a.txt"]);
  });

  it("treats a folder of other keys as no object", async () => {
    const storage = createLocalStorage(root);
    await storage.put("dir/inner", Readable.from([Buffer.from("x")]), { maxBytes: 10 });
    expect(await storage.stat("dir")).toBeUndefined();
    expect(((await storage.get("dir").catch((e) => e)) as StorageError).code).toBe("storage.not_found");
    await expect(storage.delete("dir")).resolves.toBeUndefined();
    expect(await storage.stat("dir/inner")).toEqual({ size: 1 });
  });

  it("fails readiness with the directory in the message when it cannot be created", async () => {
    const file = join(root, "a-file");
    await writeFile(file, "");
    const storage = createLocalStorage(join(file, "files"));
    const err = (await storage.check().catch((e) => e)) as StorageError;
    expect(err.code).toBe("storage.failed");
    expect(err.message).toContain(join(file, "files"));
    expect(err.message).toContain("ATRIUM_DATA_DIR");
  });

  it("creates its root on readiness", async () => {
    const storage = createLocalStorage(join(root, "data", "files"));
    await storage.check();
    expect(existsSync(join(root, "data", "files"))).toBe(true);
  });

  it("does not count or touch hidden files when deleting by prefix", async () => {
    const storage = createLocalStorage(root);
    await mkdir(join(root, "p"), { recursive: true });
    await writeFile(join(root, "p", ".in-flight.tmp"), "");
    await storage.put("p/one", Readable.from([Buffer.from("1")]), { maxBytes: 10 });
    expect(await storage.deletePrefix("p/")).toBe(1);
    expect(await readdir(join(root, "p"))).toEqual([".in-flight.tmp"]);
  });
});
