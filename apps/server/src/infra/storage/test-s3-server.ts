import { mkdtemp, readdir, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";

/** A real S3-compatible server (s3rver) for tests, on 127.0.0.1 and a random port. */
export interface TestS3Server {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  bucket: string;
  region: string;
  /** s3rver's fixed account. It checks the access key id, but not sigv4 signatures themselves. */
  accessKeyId: string;
  secretAccessKey: string;
  /** Ids of multipart uploads started and neither completed nor aborted. */
  pendingUploads(): Promise<string[]>;
  /** How many AbortMultipartUpload requests arrived. */
  abortRequests: number;
  /** Every key in the bucket, read back through the S3 API. */
  listKeys(prefix?: string): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * Starts s3rver over a temporary directory with one bucket. s3rver 3.7 answers
 * AbortMultipartUpload with MethodNotAllowed, so this server handles that one request itself
 * (removing the upload's parts from s3rver's directory) and counts it; every other request is
 * s3rver's own. Known gap: s3rver makes ListObjectsV2 continuation tokens with DES, which OpenSSL 3
 * refuses, so a listing longer than one page (1000 keys) fails with a 500 here.
 */
export async function startTestS3Server(bucket = "atrium-test"): Promise<TestS3Server> {
  const directory = await mkdtemp(join(tmpdir(), "atrium-s3rver-"));
  const s3rver = new S3rver({ silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] });
  await s3rver.configureBuckets();
  const uploadsDir = join(directory, bucket, "._S3rver_uploads");
  const handle = s3rver.callback();

  const state = { abortRequests: 0 };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const uploadId = url.searchParams.get("uploadId");
    if (req.method === "DELETE" && uploadId && /^[0-9a-f]+$/.test(uploadId)) {
      state.abortRequests += 1;
      req.resume();
      rm(join(uploadsDir, uploadId), { recursive: true, force: true }).then(
        () => res.writeHead(204).end(),
        () => res.writeHead(500).end(),
      );
      return;
    }
    handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const credentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
  const client = new S3Client({ endpoint, region: "us-east-1", forcePathStyle: true, credentials });

  return {
    endpoint,
    bucket,
    region: "us-east-1",
    ...credentials,
    get abortRequests() {
      return state.abortRequests;
    },
    async pendingUploads() {
      try {
        return await readdir(uploadsDir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
        throw err;
      }
    },
    async listKeys(prefix) {
      const keys: string[] = [];
      let ContinuationToken: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken }));
        for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
      return keys.sort();
    },
    async stop() {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(directory, { recursive: true, force: true });
    },
  };
}
