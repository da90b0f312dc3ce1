import { createServer } from "node:net";
import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createS3Storage, type S3StorageOptions } from "./s3.storage";
import type { StorageError } from "./storage.types";
import { startTestS3Server, type TestS3Server } from "./test-s3-server";
import { digestStream, generatedSha256, generatedStream } from "./test-streams";

const MiB = 1024 * 1024;

async function rejection(p: Promise<unknown>): Promise<StorageError> {
  try {
    await p;
  } catch (err) {
    return err as StorageError;
  }
  throw new Error("expected a rejection");
}

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("S3 storage against s3rver", () => {
  let s3: TestS3Server;
  let options: S3StorageOptions;

  beforeAll(async () => {
    s3 = await startTestS3Server("atrium-s3-test");
    options = {
      endpoint: s3.endpoint,
      region: s3.region,
      bucket: s3.bucket,
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.secretAccessKey,
      forcePathStyle: true,
    };
  });
  afterAll(async () => {
    await s3?.stop();
  });

  it("aborts the multipart upload it started when the body turns out too large", async () => {
    const storage = createS3Storage(options);
    const abortsBefore = s3.abortRequests;
    const err = await rejection(storage.put("abort/big.bin", generatedStream(30 * MiB), { maxBytes: 16 * MiB }));
    expect(err.code).toBe("storage.too_large");
    expect(s3.abortRequests).toBe(abortsBefore + 1);
    expect(await s3.pendingUploads()).toEqual([]);
    expect(await s3.listKeys("abort/")).toEqual([]);
  });

  it("keeps each store under its prefix, so a bucket can be shared", async () => {
    const a = createS3Storage({ ...options, prefix: "site-a" });
    const b = createS3Storage({ ...options, prefix: "site-b/" });
    await a.put("doc/1.txt", generatedStream(100, 1), { maxBytes: MiB });
    await b.put("doc/1.txt", generatedStream(200, 2), { maxBytes: MiB });
    expect(await s3.listKeys("site-")).toEqual(["site-a/doc/1.txt", "site-b/doc/1.txt"]);
    expect(await digestStream(await a.get("doc/1.txt"))).toEqual({ size: 100, sha256: generatedSha256(100, 1) });

    expect(await a.deletePrefix("doc/")).toBe(1);
    expect(await b.stat("doc/1.txt")).toEqual({ size: 200 });
  });

  it("stores the content type", async () => {
    const storage = createS3Storage(options);
    await storage.put("typed/report.pdf", generatedStream(10), { maxBytes: MiB, contentType: "application/pdf" });
    const client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    const head = await client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: "typed/report.pdf" }));
    client.destroy();
    expect(head.ContentType).toBe("application/pdf");
  });

  it("names the bucket and endpoint when the bucket is missing", async () => {
    const err = await rejection(createS3Storage({ ...options, bucket: "no-such-bucket" }).check());
    expect(err.code).toBe("storage.failed");
    expect(err.message).toContain('bucket "no-such-bucket"');
    expect(err.message).toContain(s3.endpoint);
    expect(err.message).toContain("does not exist");
  });

  it("says access is denied for unknown keys", async () => {
    const err = await rejection(createS3Storage({ ...options, accessKeyId: "NOT-A-KEY" }).check());
    expect(err.code).toBe("storage.failed");
    expect(err.message).toContain("access denied");
  });

  it("names the endpoint when nothing answers there", async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const err = await rejection(createS3Storage({ ...options, endpoint }).check());
    expect(err.code).toBe("storage.failed");
    expect(err.message).toContain(endpoint);
    expect(err.message).toContain("ECONNREFUSED");
  });
});
