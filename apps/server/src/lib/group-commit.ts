/**
 * Group commit: writes that arrive while an earlier write is in flight are written together in the
 * next one. Nothing waits under low load (a lone item is written at once, after the current
 * microtask); under load the fixed cost of a transaction (BEGIN, scope, COMMIT, the database's own
 * per-statement overhead) is shared by every item of a batch. Each caller's promise settles when
 * its own item is durable (the batch committed) or has failed.
 *
 * A batch starts on `setImmediate`, i.e. after the I/O callbacks already due have run: requests that
 * arrived together are written together even on the embedded database, whose statements run on this
 * thread and would otherwise finish a whole transaction before the next request is even read.
 */
export function createGroupCommit<I, O>(opts: {
  /** Writes a batch in one transaction; returns one result per item, in order. */
  write: (items: I[]) => Promise<O[]>;
  /** Most items in one batch. */
  maxBatch?: number;
  /** Batches written at the same time (1 for the embedded database, which runs one at a time). */
  maxInFlight?: number;
}) {
  const maxBatch = opts.maxBatch ?? 100;
  const maxInFlight = opts.maxInFlight ?? 1;
  type Waiter = { item: I; resolve: (out: O) => void; reject: (err: unknown) => void };
  const queue: Waiter[] = [];
  let inFlight = 0;
  let scheduled = false;

  async function writeBatch(batch: Waiter[]) {
    try {
      const out = await opts.write(batch.map((w) => w.item));
      for (const [i, w] of batch.entries()) w.resolve(out[i] as O);
    } catch (err) {
      const [only] = batch;
      if (only && batch.length === 1) return only.reject(err);
      // One bad item (a chat deleted meanwhile…) must not fail the others: write each alone.
      for (const w of batch) {
        try {
          w.resolve((await opts.write([w.item]))[0] as O);
        } catch (e) {
          w.reject(e);
        }
      }
    }
  }

  function pump() {
    scheduled = false;
    while (inFlight < maxInFlight && queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      inFlight++;
      void writeBatch(batch).finally(() => {
        inFlight--;
        schedule();
      });
    }
  }
  function schedule() {
    if (scheduled || queue.length === 0) return;
    scheduled = true;
    setImmediate(pump);
  }

  return {
    /** Queues one item; resolves with its result once its batch has committed. */
    write(item: I): Promise<O> {
      return new Promise<O>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        schedule();
      });
    },
    /** Items waiting for a batch (not yet being written). */
    pending: () => queue.length,
  };
}
export type GroupCommit<I, O> = ReturnType<typeof createGroupCommit<I, O>>;

/**
 * For a group committer's `write` whose batch is not one transaction: writes each group with
 * `write`, one after the other, each committing on its own (e.g. one statement per tenant). A
 * group that fails is written again item by item: the groups before it have committed, so the
 * group committer's retry of the whole batch would store them twice. An item that fails alone gets
 * `failed`. With a single group its failure is thrown instead: nothing was committed, and the
 * group committer retries each item alone.
 */
export async function writeEachGroup<T>(
  groups: Map<string, T[]>,
  write: (key: string, items: T[]) => Promise<void>,
  failed: (item: T, err: unknown) => void,
): Promise<void> {
  for (const [key, group] of groups) {
    try {
      await write(key, group);
    } catch (err) {
      if (groups.size === 1) throw err;
      const [only] = group;
      if (only && group.length === 1) {
        failed(only, err);
        continue;
      }
      for (const item of group) {
        try {
          await write(key, [item]);
        } catch (e) {
          failed(item, e);
        }
      }
    }
  }
}
