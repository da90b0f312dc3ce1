import type { Readable } from "node:stream";

/**
 * Where uploaded files live: a local directory by default, any S3-compatible store when configured.
 * Keys are chosen by the caller (e.g. `tenants/<id>/files/<id>`); the database keeps the metadata
 * (name, content type, size, sha256), the store only the bytes.
 */
export interface ObjectStorage {
  readonly kind: "local" | "s3";
  /**
   * Streams body into the object at key, replacing any previous one only once the whole body is
   * stored. Size and sha256 are computed on the way, so the body is never held in memory.
   * Throws StorageError "storage.too_large" as soon as more than maxBytes arrive (nothing is left
   * behind), "storage.bad_key" for an invalid key and "storage.failed" otherwise. body is never
   * destroyed: on failure put stops reading it and leaves it to the caller, so an HTTP route can
   * still answer with the message instead of resetting the connection.
   */
  put(key: string, body: Readable, opts: PutOptions): Promise<StoredObject>;
  /** The object's bytes as a stream; StorageError "storage.not_found" when there is none. */
  get(key: string): Promise<Readable>;
  /** The object's size, or undefined when there is none. */
  stat(key: string): Promise<{ size: number } | undefined>;
  /** Removes the object; removing a missing object is not an error. */
  delete(key: string): Promise<void>;
  /** Removes every object whose key starts with prefix (e.g. a tenant's folder); returns how many. */
  deletePrefix(prefix: string): Promise<number>;
  /** Readiness: throws StorageError "storage.failed" naming the directory or bucket when it is unusable. */
  check(): Promise<void>;
}

export interface PutOptions {
  /** Largest accepted body in bytes (UPLOAD_MAX_BYTES). */
  maxBytes: number;
  /** Kept by S3 so direct downloads carry it; the local store ignores it (the database has it). */
  contentType?: string;
}

export interface StoredObject {
  key: string;
  size: number;
  /** Lowercase hex sha256 of the stored bytes. */
  sha256: string;
}

export type StorageErrorCode = "storage.too_large" | "storage.bad_key" | "storage.not_found" | "storage.failed";

/** A storage failure with a stable code; the message says what happened and what to do. */
export class StorageError extends Error {
  /** The limit that was exceeded, for "storage.too_large". */
  readonly maxBytes?: number;

  constructor(
    readonly code: StorageErrorCode,
    message: string,
    opts: { cause?: unknown; maxBytes?: number } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "StorageError";
    this.maxBytes = opts.maxBytes;
  }
}

/** True for a StorageError (narrows the type in catch blocks). */
export function isStorageError(err: unknown): err is StorageError {
  return err instanceof StorageError;
}

/** "50 MB", "1.5 MB": the limit as a person reads it. */
export function formatMegabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return `${mb >= 10 ? Math.floor(mb) : Number(mb.toFixed(1))} MB`;
}

/** The error put throws once a body passes maxBytes. */
export function tooLargeError(maxBytes: number): StorageError {
  return new StorageError(
    "storage.too_large",
    `The file is larger than ${formatMegabytes(maxBytes)}. Upload a smaller file, or ask an administrator to raise the limit.`,
    { maxBytes },
  );
}

/** Wraps an unexpected failure; StorageErrors pass through unchanged. */
export function storageFailed(err: unknown, message: string): StorageError {
  if (isStorageError(err)) return err;
  return new StorageError("storage.failed", message, { cause: err });
}

const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
const MAX_KEY_LENGTH = 900;

/**
 * Accepts `a/b/c.txt`-style keys: segments of [A-Za-z0-9._-], none empty and none starting with "."
 * (so no ".", "..", hidden names, or clash with the local store's temporary files), no leading or
 * trailing "/". The same rule on both stores keeps a key portable between them.
 */
export function assertValidKey(key: string): void {
  if (key.length === 0 || key.length > MAX_KEY_LENGTH || !key.split("/").every((s) => SEGMENT.test(s))) {
    throw badKey(key);
  }
}

/** Like a key, but may end with "/" (a folder); the empty prefix (everything) is refused. */
export function assertValidPrefix(prefix: string): void {
  assertValidKey(prefix.endsWith("/") ? prefix.slice(0, -1) : prefix);
}

function badKey(key: string): StorageError {
  const shown = key.length > 80 ? `${key.slice(0, 80)}…` : key;
  return new StorageError(
    "storage.bad_key",
    `"${shown}" is not a valid storage key: use letters, digits, ".", "_", "-" and "/" between non-empty parts, with no part starting with ".".`,
  );
}
