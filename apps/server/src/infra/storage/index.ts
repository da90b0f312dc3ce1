import { createLocalStorage } from "./local.storage";
import { createS3Storage, type S3StorageOptions } from "./s3.storage";
import type { ObjectStorage } from "./storage.types";

export type { S3StorageOptions } from "./s3.storage";
export * from "./storage.types";

/** Which store holds uploaded files: a directory (the default) or an S3-compatible bucket. */
export type StorageConfig = { kind: "local"; root: string } | ({ kind: "s3" } & S3StorageOptions);

/** Builds the configured object store; the composition root calls this once per process. */
export function createStorage(config: StorageConfig): ObjectStorage {
  switch (config.kind) {
    case "local":
      return createLocalStorage(config.root);
    case "s3":
      return createS3Storage(config);
  }
}

export { createLocalStorage, createS3Storage };
