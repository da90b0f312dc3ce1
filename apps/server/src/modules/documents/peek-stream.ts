import { Readable } from "node:stream";

/**
 * Reads the first `bytes` of a stream (for type sniffing) and returns them with a stream that
 * yields the whole content again, without buffering more than the head.
 */
export async function peekStream(source: Readable, bytes: number): Promise<{ head: Buffer; stream: Readable }> {
  const iterator = source[Symbol.asyncIterator]();
  const parts: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < bytes) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const buf = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    parts.push(buf);
    size += buf.length;
  }
  const head = Buffer.concat(parts);
  async function* all() {
    yield head;
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value as Buffer;
    }
  }
  return { head: head.subarray(0, bytes), stream: Readable.from(all()) };
}
