import { createHash } from "node:crypto";
import { Readable } from "node:stream";

const CHUNK = 64 * 1024;

/** Deterministic pseudo-random chunks (xorshift32), each a fresh Buffer, never the whole at once. */
export function* generatedChunks(totalBytes: number, seed = 1): Generator<Buffer> {
  let x = seed >>> 0 || 1;
  for (let left = totalBytes; left > 0; left -= CHUNK) {
    const n = Math.min(CHUNK, left);
    const words = new Uint32Array(Math.ceil(n / 4));
    for (let i = 0; i < words.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      words[i] = x >>> 0;
    }
    yield Buffer.from(words.buffer, 0, n);
  }
}

/** A byte stream of totalBytes generated on demand, as an upload would arrive. */
export function generatedStream(totalBytes: number, seed = 1): Readable {
  return Readable.from(generatedChunks(totalBytes, seed), { objectMode: false });
}

/** sha256 of what generatedStream(totalBytes, seed) produces, computed without keeping it. */
export function generatedSha256(totalBytes: number, seed = 1): string {
  const hash = createHash("sha256");
  for (const chunk of generatedChunks(totalBytes, seed)) hash.update(chunk);
  return hash.digest("hex");
}

/** Reads a stream to its end, keeping only its size and sha256. */
export async function digestStream(stream: Readable): Promise<{ size: number; sha256: string }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { size, sha256: hash.digest("hex") };
}

/** A stream that sends `before` bytes and then fails, like a client that disconnects mid-upload. */
export function failingStream(before: number): Readable {
  async function* gen() {
    yield* generatedChunks(before, 7);
    throw new Error("client went away");
  }
  return Readable.from(gen(), { objectMode: false });
}
