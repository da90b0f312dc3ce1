/**
 * Small async helpers shared by the providers: an abortable sleep, and a queue that turns
 * callback-style output (node-llama-cpp's onTextChunk) into an async iterable.
 */

/** Waits ms milliseconds, or less when the signal aborts (it resolves then, never rejects). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** A single-consumer queue: producers push/close/fail, the consumer iterates. */
export interface AsyncQueue<T> extends AsyncIterable<T> {
  push(item: T): void;
  close(): void;
  fail(err: unknown): void;
}

/** Creates an unbounded AsyncQueue (producers here are token streams, small by nature). */
export function createAsyncQueue<T>(): AsyncQueue<T> {
  const items: T[] = [];
  let closed = false;
  let failure: { err: unknown } | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  return {
    push(item) {
      if (closed) return;
      items.push(item);
      notify();
    },
    close() {
      closed = true;
      notify();
    },
    fail(err) {
      if (closed) return;
      failure = { err };
      closed = true;
      notify();
    },
    async *[Symbol.asyncIterator]() {
      while (true) {
        const next = items.shift();
        if (next !== undefined) {
          yield next;
          continue;
        }
        if (failure) throw failure.err;
        if (closed) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    },
  };
}
