import { randomBytes } from "node:crypto";
import { constants, createWriteStream, type Stats } from "node:fs";
import { access, type FileHandle, mkdir, open, readdir, rename, rm, stat, unlink } from "node:fs/promises";
import { basename, dirname, join, resolve, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import { type ByteMeter, meterBody } from "./byte-meter";
import { assertValidKey, assertValidPrefix, type ObjectStorage, StorageError, storageFailed } from "./storage.types";

/**
 * Objects as files under one directory (ATRIUM_DATA_DIR/files by default), a key's "/" being a
 * sub-directory. A put writes a hidden temporary file next to its target, fsyncs it and renames it
 * over the key, so a crash or a rejected upload never leaves a half file under a real key.
 */
export function createLocalStorage(root: string): ObjectStorage {
  const base = resolve(root);
  const pathOf = (key: string) => {
    assertValidKey(key);
    const path = resolve(base, key);
    // Validation already rules out escaping the root; this guards the rule itself.
    if (!path.startsWith(base + sep)) throw new StorageError("storage.bad_key", `"${key}" is outside the store.`);
    return path;
  };

  return {
    kind: "local",

    async put(key, body, { maxBytes }) {
      const path = pathOf(key);
      const dir = dirname(path);
      const temp = join(dir, `.${basename(path)}.${randomBytes(8).toString("hex")}.tmp`);
      let meter: ByteMeter | undefined;
      try {
        await mkdir(dir, { recursive: true });
        meter = meterBody(body, maxBytes);
        // flush: the file is fsynced before it is closed, so the rename below never exposes
        // a file whose bytes are not on disk yet.
        await pipeline(meter, createWriteStream(temp, { flags: "wx", flush: true }));
        await rename(temp, path);
        await syncDirectory(dir);
        return { key, size: meter.bytes, sha256: meter.digest() };
      } catch (err) {
        meter?.destroy();
        await rm(temp, { force: true }).catch(() => undefined);
        throw storageFailed(err, "Could not store the file. Try again; if it keeps failing, tell an administrator.");
      }
    },

    async get(key) {
      const path = pathOf(key);
      let handle: FileHandle | undefined;
      try {
        handle = await open(path, "r");
        if (!(await handle.stat()).isFile()) throw notFound(key);
        return handle.createReadStream();
      } catch (err) {
        await handle?.close().catch(() => undefined);
        if (isMissing(err)) throw notFound(key);
        throw storageFailed(err, "Could not read the file. Try again; if it keeps failing, tell an administrator.");
      }
    },

    async stat(key) {
      const path = pathOf(key);
      try {
        const s = await statIfExists(path);
        return s?.isFile() ? { size: s.size } : undefined;
      } catch (err) {
        throw storageFailed(err, "Could not look up the file.");
      }
    },

    async delete(key) {
      const path = pathOf(key);
      try {
        await unlink(path);
      } catch (err) {
        // A directory under this name is other keys' folder, not this object.
        if (isMissing(err) || errorCode(err) === "EISDIR") return;
        throw storageFailed(err, "Could not delete the file.");
      }
    },

    async deletePrefix(prefix) {
      assertValidPrefix(prefix);
      const cut = prefix.lastIndexOf("/") + 1;
      const dir = resolve(base, prefix.slice(0, cut));
      const namePrefix = prefix.slice(cut);
      try {
        let entries: string[];
        try {
          entries = await readdir(dir);
        } catch (err) {
          if (isMissing(err)) return 0;
          throw err;
        }
        let removed = 0;
        for (const name of entries) {
          if (name.startsWith(".") || !name.startsWith(namePrefix)) continue;
          const path = join(dir, name);
          const s = await statIfExists(path);
          if (!s) continue;
          if (s.isDirectory()) {
            removed += await countFiles(path);
            await rm(path, { recursive: true, force: true });
          } else {
            await rm(path, { force: true });
            removed += 1;
          }
        }
        return removed;
      } catch (err) {
        throw storageFailed(err, "Could not delete the files.");
      }
    },

    async check() {
      try {
        await mkdir(base, { recursive: true });
        await access(base, constants.R_OK | constants.W_OK);
      } catch (err) {
        throw new StorageError(
          "storage.failed",
          `The file storage directory ${base} is not writable (${(err as Error).message}). Check ATRIUM_DATA_DIR and its permissions.`,
          { cause: err },
        );
      }
    },
  };
}

function notFound(key: string): StorageError {
  return new StorageError("storage.not_found", `There is no stored file "${key}".`);
}

function errorCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

function isMissing(err: unknown): boolean {
  const code = errorCode(err);
  return code === "ENOENT" || code === "ENOTDIR";
}

async function statIfExists(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

/** Objects (non-hidden files) under dir, at any depth. */
async function countFiles(dir: string): Promise<number> {
  let count = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".")) continue;
    if (entry.isDirectory()) count += await countFiles(join(dir, entry.name));
    else count += 1;
  }
  return count;
}

/**
 * Makes a rename durable (the directory entry reaches the disk). Best effort: the object is already
 * in place, and some platforms cannot fsync a directory, so a failure here must not fail the put.
 */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, "r");
    await handle.sync();
  } catch {
    // Best effort: see above.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
