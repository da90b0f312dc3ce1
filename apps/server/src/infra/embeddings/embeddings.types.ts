/**
 * The one interface every text-embedding backend implements: the local Universal Sentence Encoder
 * (worker threads, the default), any OpenAI-compatible /embeddings endpoint, and the test fake.
 * Retrieval stores and compares the vectors; it never knows which backend made them.
 */

/** Turns texts into vectors of one fixed width; cosine similarity of two vectors is their dot product. */
export interface Embedder {
  /** Backend kind ("local", "openai", "fake"); with `model` and `dimensions` it names the vector space. */
  readonly id: string;
  /** Model name; vectors from different models must not be compared. */
  readonly model: string;
  /** Width of every vector this embedder returns. */
  readonly dimensions: number;
  /** Tokens the model reads per text; the rest is ignored, so chunkers should cut texts to fit. */
  readonly maxInputTokens: number;
  /**
   * One L2-normalised vector per text, in input order. Rejects with an EmbeddingError, or with
   * the signal's reason (an AbortError) when `signal` aborts.
   */
  embed(texts: string[], opts?: { signal?: AbortSignal }): Promise<Float32Array[]>;
  /** Frees what the embedder holds (worker threads); later calls fail with embeddings.unavailable. */
  close(): Promise<void>;
}

export const EMBEDDING_ERROR_CODES = ["embeddings.unavailable", "embeddings.failed", "embeddings.bad_request"] as const;
export type EmbeddingErrorCode = (typeof EMBEDDING_ERROR_CODES)[number];

/**
 * An embedding failure with a stable code; the message says what happened and what to do.
 * - embeddings.unavailable: the backend cannot be used now (not loaded, unreachable, refused the key,
 *   rate-limited past the retries, closed); retrying later or fixing the configuration helps.
 * - embeddings.failed: the backend answered but the result is unusable (crash, malformed answer,
 *   wrong dimensions).
 * - embeddings.bad_request: the input was refused (empty text, too long for the endpoint).
 */
export class EmbeddingError extends Error {
  /** HTTP status of the upstream answer, when there was one. */
  readonly status?: number;

  constructor(
    readonly code: EmbeddingErrorCode,
    message: string,
    opts: { status?: number; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "EmbeddingError";
    this.status = opts.status;
  }
}

/** True for an EmbeddingError (narrows the type in catch blocks). */
export function isEmbeddingError(err: unknown): err is EmbeddingError {
  return err instanceof EmbeddingError;
}

/**
 * Rejects input every backend would mishandle: a blank text has no meaning to embed (and the local
 * model silently drops rows with no tokens), so callers must filter blank chunks first.
 */
export function assertEmbeddableTexts(texts: readonly unknown[]): asserts texts is string[] {
  texts.forEach((text, i) => {
    if (typeof text !== "string") {
      throw new EmbeddingError("embeddings.bad_request", `Text ${i} is not a string; pass strings only.`);
    }
    if (text.trim() === "") {
      throw new EmbeddingError(
        "embeddings.bad_request",
        `Text ${i} is empty or blank; drop blank chunks before embedding them.`,
      );
    }
  });
}

/** Scales a vector to unit length in place; false when it is all zeros (or not finite) and cannot be. */
export function normalizeInPlace(v: Float32Array): boolean {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += (v[i] as number) * (v[i] as number);
  const norm = Math.sqrt(sum);
  if (!(norm > 0) || !Number.isFinite(norm)) return false;
  for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) / norm;
  return true;
}

/** Dot product of two vectors of equal width; the cosine similarity of normalised vectors. */
export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}
