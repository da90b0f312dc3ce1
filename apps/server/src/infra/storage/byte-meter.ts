import { createHash } from "node:crypto";
import { finished, type Readable, Transform, type TransformCallback } from "node:stream";
import { tooLargeError } from "./storage.types";

/**
 * A pass-through that counts and sha256-hashes the bytes on their way to a store, and fails with
 * "storage.too_large" the moment more than maxBytes went through, so no store ever receives more.
 */
export class ByteMeter extends Transform {
  /** Bytes seen so far. (Not `size`: lib-storage would read that as the body's known length.) */
  bytes = 0;
  /** Set when the limit was passed; adapters check it because a store's own abort error may hide ours. */
  exceeded = false;
  private readonly hash = createHash("sha256");

  constructor(readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      this.exceeded = true;
      callback(tooLargeError(this.maxBytes));
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  /** Lowercase hex sha256 of everything that passed; call once, after the end. */
  digest(): string {
    return this.hash.digest("hex");
  }
}

/**
 * Pipes body through a new ByteMeter. An error or premature close of body fails the meter (and so
 * the write behind it), but a failing meter only unpipes body, never destroys it: the caller owns
 * the source (an HTTP request must stay open to carry the error response).
 */
export function meterBody(body: Readable, maxBytes: number): ByteMeter {
  const meter = new ByteMeter(maxBytes);
  const stopWatching = finished(body, { writable: false }, (err) => {
    if (err) meter.destroy(err);
  });
  meter.once("close", () => {
    stopWatching();
    body.unpipe(meter);
  });
  body.pipe(meter);
  return meter;
}
