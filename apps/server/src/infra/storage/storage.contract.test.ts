import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStorage, type ObjectStorage, type StorageError } from "./index";
import { startTestS3Server, type TestS3Server } from "./test-s3-server";
import { digestStream, failingStream, generatedSha256, generatedStream } from "./test-streams";

const MiB = 1024 * 1024;
const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/** One adapter under test: the store, plus whatever it may leave behind outside its objects. */
interface Fixture {
  storage: ObjectStorage;
  /** Everything the backing store holds: objects and any partial/temporary state. */
  leftovers(): Promise<string[]>;
  stop(): Promise<void>;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => !e.isDirectory())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

const adapters: { name: string; start(): Promise<Fixture> }[] = [
  {
    name: "local",
    async start() {
      const root = await mkdtemp(join(tmpdir(), "atrium-files-"));
      return {
        storage: createStorage({ kind: "local", root }),
        leftovers: () => filesUnder(root),
        stop: () => rm(root, { recursive: true, force: true }),
      };
    },
  },
  {
    name: "s3 (s3rver)",
    async start() {
      const s3: TestS3Server = await startTestS3Server();
      return {
        storage: createStorage({
          kind: "s3",
          endpoint: s3.endpoint,
          region: s3.region,
          bucket: s3.bucket,
          accessKeyId: s3.accessKeyId,
          secretAccessKey: s3.secretAccessKey,
          forcePathStyle: true,
        }),
        leftovers: async () => [
          ...(await s3.listKeys()),
          ...(await s3.pendingUploads()).map((id) => `multipart upload ${id}`),
        ],
        stop: () => s3.stop(),
      };
    },
  },
];

async function rejection(p: Promise<unknown>): Promise<StorageError> {
  try {
    await p;
  } catch (err) {
    return err as StorageError;
  }
  throw new Error("expected a rejection");
}

describe.each(adapters)("object storage contract: $name", (adapter) => {
  let fx: Fixture;
  let storage: ObjectStorage;
  let n = 0;
  /** A key no other test uses, so tests stay independent of order. */
  const fresh = (name = "file.bin") => `t${++n}/${name}`;

  beforeAll(async () => {
    fx = await adapter.start();
    storage = fx.storage;
  });
  afterAll(async () => {
    await fx?.stop();
  });

  it("is ready", async () => {
    await expect(storage.check()).resolves.toBeUndefined();
  });

  it("round-trips a generated multi-MB stream with its size and sha256", async () => {
    const key = fresh("big.bin");
    const size = 12 * MiB + 123;
    const stored = await storage.put(key, generatedStream(size, 42), { maxBytes: 50 * MiB, contentType: "x/y" });
    const expected = generatedSha256(size, 42);
    expect(stored).toEqual({ key, size, sha256: expected });
    expect(await storage.stat(key)).toEqual({ size });
    expect(await digestStream(await storage.get(key))).toEqual({ size, sha256: expected });
  });

  it("stores an empty body", async () => {
    const key = fresh();
    expect(await storage.put(key, Readable.from([]), { maxBytes: 10 })).toEqual({ key, size: 0, sha256: EMPTY_SHA256 });
    expect(await digestStream(await storage.get(key))).toEqual({ size: 0, sha256: EMPTY_SHA256 });
  });

  it("accepts a body of exactly maxBytes", async () => {
    const key = fresh();
    const stored = await storage.put(key, generatedStream(4096), { maxBytes: 4096 });
    expect(stored.size).toBe(4096);
  });

  it("replaces an object on a second put", async () => {
    const key = fresh();
    await storage.put(key, generatedStream(1000, 1), { maxBytes: MiB });
    await storage.put(key, generatedStream(2000, 2), { maxBytes: MiB });
    expect(await digestStream(await storage.get(key))).toEqual({ size: 2000, sha256: generatedSha256(2000, 2) });
  });

  it.each([
    { label: "small", limit: 1000, size: MiB },
    { label: "after several MB (multipart on S3)", limit: 11 * MiB, size: 20 * MiB },
  ])("refuses a body over the limit ($label) and leaves nothing behind", async ({ limit, size }) => {
    const before = await fx.leftovers();
    const key = fresh();
    const body = generatedStream(size);
    const err = await rejection(storage.put(key, body, { maxBytes: limit }));
    expect(err.code).toBe("storage.too_large");
    expect(err.maxBytes).toBe(limit);
    expect(err.message).toMatch(/^The file is larger than [\d.]+ MB\./);
    expect(await storage.stat(key)).toBeUndefined();
    expect(await fx.leftovers()).toEqual(before);
    // The caller still owns the source (an HTTP route must be able to answer 413 on it).
    expect(body.destroyed).toBe(false);
  });

  it("keeps the previous object when a replacing put fails", async () => {
    const key = fresh();
    await storage.put(key, generatedStream(3000, 5), { maxBytes: 10 * MiB });
    const err = await rejection(storage.put(key, generatedStream(7 * MiB, 6), { maxBytes: 6 * MiB }));
    expect(err.code).toBe("storage.too_large");
    expect(err.message).toContain("larger than 6 MB");
    expect(await digestStream(await storage.get(key))).toEqual({ size: 3000, sha256: generatedSha256(3000, 5) });
  });

  it("fails with storage.failed when the source breaks, leaving nothing behind", async () => {
    const before = await fx.leftovers();
    const key = fresh();
    const err = await rejection(storage.put(key, failingStream(6 * MiB), { maxBytes: 50 * MiB }));
    expect(err.code).toBe("storage.failed");
    expect(await storage.stat(key)).toBeUndefined();
    expect(await fx.leftovers()).toEqual(before);
  });

  it("reports a missing object", async () => {
    const key = fresh();
    expect(await storage.stat(key)).toBeUndefined();
    expect((await rejection(storage.get(key))).code).toBe("storage.not_found");
  });

  it("deletes idempotently", async () => {
    const key = fresh();
    await storage.put(key, generatedStream(100), { maxBytes: MiB });
    await storage.delete(key);
    expect(await storage.stat(key)).toBeUndefined();
    await expect(storage.delete(key)).resolves.toBeUndefined();
    await expect(storage.delete(fresh("never-existed"))).resolves.toBeUndefined();
  });

  it("deletes by prefix, as a string prefix of the key", async () => {
    const base = fresh("tenant");
    const keys = ["a/1", "a/2", "a/sub/3", "ab/4", "b/5"].map((k) => `${base}/${k}`);
    for (const key of keys) await storage.put(key, generatedStream(10), { maxBytes: MiB });

    expect(await storage.deletePrefix(`${base}/a/`)).toBe(3);
    expect(await storage.stat(`${base}/a/1`)).toBeUndefined();
    expect(await storage.stat(`${base}/a/sub/3`)).toBeUndefined();
    expect(await storage.stat(`${base}/ab/4`)).toEqual({ size: 10 });

    expect(await storage.deletePrefix(`${base}/a`)).toBe(1);
    expect(await storage.stat(`${base}/ab/4`)).toBeUndefined();
    expect(await storage.stat(`${base}/b/5`)).toEqual({ size: 10 });
    expect(await storage.deletePrefix(`${base}/nothing/`)).toBe(0);
  });

  it.each([
    "",
    "/abs",
    "..",
    "a/../b",
    "a/./b",
    "a//b",
    "a/",
    ".hidden",
    "a/.x.tmp",
    "with space",
    "back\\slash",
    "ünïcode",
    "x".repeat(1000),
  ])("refuses the bad key %j everywhere", async (key) => {
    for (const op of [
      () => storage.put(key, generatedStream(10), { maxBytes: MiB }),
      () => storage.get(key),
      () => storage.stat(key),
      () => storage.delete(key),
    ]) {
      expect((await rejection(op())).code).toBe("storage.bad_key");
    }
  });

  it.each(["", "/", "../", "a/../", "a//"])("refuses the bad prefix %j", async (prefix) => {
    expect((await rejection(storage.deletePrefix(prefix))).code).toBe("storage.bad_key");
  });
});
