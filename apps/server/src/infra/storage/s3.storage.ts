import type { Readable } from "node:stream";
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { meterBody } from "./byte-meter";
import {
  assertValidKey,
  assertValidPrefix,
  type ObjectStorage,
  StorageError,
  storageFailed,
  tooLargeError,
} from "./storage.types";

/** Connection to an S3-compatible store (AWS S3, MinIO, Ceph, R2, Garage, …). */
export interface S3StorageOptions {
  /** e.g. http://minio:9000; unset means AWS S3 in region. */
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** http://host/bucket/key instead of http://bucket.host/key; most self-hosted stores need it. */
  forcePathStyle: boolean;
  /** Put every key under this folder, so Atrium can share a bucket. */
  prefix?: string;
}

const MIB = 1024 * 1024;
/** S3's smallest part (except the last) and largest part count. */
const MIN_PART_SIZE = 5 * MIB;
const MAX_PARTS = 10_000;
/** Parts in flight at once; memory held per upload is about (QUEUE_SIZE + 1) × part size. */
const QUEUE_SIZE = 2;

/**
 * Objects in a bucket. put streams through a multipart upload of unknown length (lib-storage's
 * Upload), one part buffered at a time per slot, and aborts the upload when the body is too large.
 */
export function createS3Storage(opts: S3StorageOptions): ObjectStorage {
  const client = new S3Client({
    endpoint: opts.endpoint,
    region: opts.region,
    forcePathStyle: opts.forcePathStyle,
    credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey },
    // Many S3-compatible stores reject the SDK's newer default CRC32 checksum headers; sigv4 still
    // signs each payload, and put records its own sha256.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  const Bucket = opts.bucket;
  const root = normalisePrefix(opts.prefix);
  const keyOf = (key: string) => {
    assertValidKey(key);
    return root + key;
  };
  const where = `bucket "${Bucket}" at ${opts.endpoint ?? `AWS S3 (${opts.region})`}`;

  return {
    kind: "s3",

    async put(key, body, { maxBytes, contentType }) {
      const Key = keyOf(key);
      const meter = meterBody(body, maxBytes);
      const upload = new Upload({
        client,
        params: { Bucket, Key, Body: meter, ContentType: contentType },
        queueSize: QUEUE_SIZE,
        partSize: Math.max(MIN_PART_SIZE, Math.ceil(maxBytes / MAX_PARTS)),
        leavePartsOnError: false,
      });
      try {
        // When the meter fails, Upload stops reading, aborts the multipart upload (if one was
        // started) and only then rejects, so nothing is left behind when this returns.
        await upload.done();
        return { key, size: meter.bytes, sha256: meter.digest() };
      } catch (err) {
        meter.destroy();
        if (meter.exceeded) throw tooLargeError(maxBytes);
        throw storageFailed(err, "Could not store the file. Try again; if it keeps failing, tell an administrator.");
      }
    },

    async get(key) {
      const Key = keyOf(key);
      try {
        const out = await client.send(new GetObjectCommand({ Bucket, Key }));
        if (!out.Body) throw new Error("the store answered without a body");
        return out.Body as Readable;
      } catch (err) {
        if (isNotFound(err)) throw notFound(key);
        throw storageFailed(err, "Could not read the file. Try again; if it keeps failing, tell an administrator.");
      }
    },

    async stat(key) {
      const Key = keyOf(key);
      try {
        const out = await client.send(new HeadObjectCommand({ Bucket, Key }));
        return { size: out.ContentLength ?? 0 };
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw storageFailed(err, "Could not look up the file.");
      }
    },

    async delete(key) {
      const Key = keyOf(key);
      try {
        await client.send(new DeleteObjectCommand({ Bucket, Key }));
      } catch (err) {
        if (isNotFound(err)) return;
        throw storageFailed(err, "Could not delete the file.");
      }
    },

    async deletePrefix(prefix) {
      assertValidPrefix(prefix);
      let removed = 0;
      let ContinuationToken: string | undefined;
      try {
        do {
          const page = await client.send(
            new ListObjectsV2Command({ Bucket, Prefix: root + prefix, ContinuationToken, MaxKeys: 1000 }),
          );
          const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
          if (keys.length > 0) {
            const out = await client.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: keys, Quiet: true } }));
            const failed = out.Errors ?? [];
            if (failed.length > 0) {
              throw new Error(`${failed.length} object(s) not deleted, first ${failed[0]?.Key}: ${failed[0]?.Message}`);
            }
            removed += keys.length;
          }
          ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (ContinuationToken);
        return removed;
      } catch (err) {
        throw storageFailed(err, "Could not delete the files.");
      }
    },

    async check() {
      try {
        await client.send(new HeadBucketCommand({ Bucket }));
      } catch (err) {
        throw new StorageError("storage.failed", `Cannot use ${where}: ${describeS3Error(err)}.`, { cause: err });
      }
    },
  };
}

/** "" or "folder/": the adapter's own prefix, checked like a key. */
function normalisePrefix(prefix: string | undefined): string {
  if (!prefix) return "";
  const withSlash = prefix.endsWith("/") ? prefix : `${prefix}/`;
  assertValidPrefix(withSlash);
  return withSlash;
}

function notFound(key: string): StorageError {
  return new StorageError("storage.not_found", `There is no stored file "${key}".`);
}

interface SdkError {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

function isNotFound(err: unknown): boolean {
  const e = err as SdkError | undefined;
  return e?.name === "NoSuchKey" || e?.name === "NotFound" || e?.$metadata?.httpStatusCode === 404;
}

/** What went wrong, in words an operator can act on (HeadBucket errors carry no message body). */
function describeS3Error(err: unknown): string {
  const e = err as SdkError | undefined;
  switch (e?.$metadata?.httpStatusCode) {
    case 404:
      return "the bucket does not exist (create it, or fix S3_BUCKET)";
    case 403:
      return "access denied (check S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY and the bucket policy)";
    case 301:
    case 400:
      return "the store refused the request (check S3_REGION, S3_ENDPOINT and S3_FORCE_PATH_STYLE)";
  }
  const reason = e?.code ?? e?.name;
  return `${reason && reason !== "Error" ? `${reason}: ` : ""}${e?.message ?? String(err)} (check S3_ENDPOINT)`;
}
