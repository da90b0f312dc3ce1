import { assertEmbeddableTexts, type Embedder, EmbeddingError, normalizeInPlace } from "./embeddings.types";

export interface OpenAiCompatibleEmbedderOptions {
  /** e.g. https://api.openai.com/v1, http://127.0.0.1:11434/v1 (Ollama); "/embeddings" is appended. */
  baseURL: string;
  /** Sent as a bearer token; empty for servers without auth. */
  apiKey?: string;
  /** e.g. text-embedding-3-small, nomic-embed-text */
  model: string;
  /**
   * Width every vector must have (the database column's). It is also requested from the server
   * (OpenAI's text-embedding-3 models shorten their vectors to it); a server that refuses the
   * parameter is asked again without it. Unset: the width of the first answer is kept.
   */
  dimensions?: number;
  /** Tokens per text the model reads; defaults from the model name (8191 for OpenAI's, else 512). */
  maxInputTokens?: number;
  /** Texts per HTTP request (OpenAI accepts up to 2048; local servers prefer fewer). */
  maxInputsPerRequest?: number;
  /** Limit for one HTTP request, from sending to the last byte of the answer. */
  timeoutMs?: number;
  /** Extra attempts of a request after a 429, a 5xx, a timeout or a network error. */
  maxRetries?: number;
  /** First backoff delay; it doubles per attempt (with jitter), unless the server sends Retry-After. */
  retryBaseDelayMs?: number;
  /** Longest wait between attempts, Retry-After included. */
  maxRetryDelayMs?: number;
  /** Extra headers, e.g. for a proxy. */
  headers?: Record<string, string>;
}

const DEFAULT_MAX_INPUTS_PER_REQUEST = 64;
const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_RETRIES = 3;
const DEFAULT_RETRY_BASE_DELAY_MS = 500;
const DEFAULT_MAX_RETRY_DELAY_MS = 20_000;

/** Input limits of well-known models by name prefix (after any "vendor/"); others get 512, a safe floor. */
const KNOWN_MAX_INPUT_TOKENS: [prefix: string, tokens: number][] = [
  ["text-embedding-3", 8191],
  ["text-embedding-ada-002", 8191],
  ["nomic-embed-text", 2048],
];
const DEFAULT_MAX_INPUT_TOKENS = 512;

function maxInputTokensFor(model: string): number {
  const bare = model.slice(model.lastIndexOf("/") + 1);
  return KNOWN_MAX_INPUT_TOKENS.find(([prefix]) => bare.startsWith(prefix))?.[1] ?? DEFAULT_MAX_INPUT_TOKENS;
}

/** One attempt's failure, with whether another attempt may help. */
class AttemptError extends Error {
  constructor(
    readonly error: EmbeddingError,
    readonly isRetryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(error.message);
  }
}

/** Retry-After in seconds or as an HTTP date, in milliseconds. */
function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function errorDetail(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
    const message = typeof parsed.error === "string" ? parsed.error : (parsed.error?.message ?? parsed.message);
    if (typeof message === "string") return message;
  } catch {
    // not JSON: the raw text below
  }
  return body.slice(0, 300) || "no details";
}

/** Float32 little-endian, as OpenAI sends with encoding_format "base64". */
function decodeBase64Vector(data: string): Float32Array {
  const bytes = Buffer.from(data, "base64");
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(i * 4);
  return out;
}

/**
 * Any endpoint speaking OpenAI's /embeddings API: OpenAI, Azure-style proxies, Ollama, vLLM, LM
 * Studio, LocalAI. Sends texts in batches, retries 429/5xx/timeouts with backoff (honouring
 * Retry-After), checks that every vector has the expected width and normalises them.
 */
export function createOpenAiCompatibleEmbedder(opts: OpenAiCompatibleEmbedderOptions): Embedder {
  const url = `${opts.baseURL.replace(/\/+$/, "")}/embeddings`;
  const maxInputs = opts.maxInputsPerRequest ?? DEFAULT_MAX_INPUTS_PER_REQUEST;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxRetries = opts.maxRetries ?? DEFAULT_MAX_RETRIES;
  const baseDelay = opts.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS;
  const maxDelay = opts.maxRetryDelayMs ?? DEFAULT_MAX_RETRY_DELAY_MS;
  if (!Number.isInteger(maxInputs) || maxInputs < 1) {
    throw new RangeError(`maxInputsPerRequest must be a positive integer, got ${maxInputs}`);
  }
  const maxInputTokens = opts.maxInputTokens ?? maxInputTokensFor(opts.model);
  let dimensions = opts.dimensions;
  // Servers whose model cannot shorten vectors reject the parameter; after one refusal we stop sending it.
  let sendDimensions = opts.dimensions !== undefined;
  let isClosed = false;
  const inFlight = new Set<AbortController>();

  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/json",
    ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}),
    ...opts.headers,
  };

  function statusError(status: number, detail: string, retryAfterMs: number | undefined): AttemptError {
    const what = `The embeddings server at ${opts.baseURL} answered ${status} (${detail})`;
    if (status === 429) {
      return new AttemptError(
        new EmbeddingError("embeddings.unavailable", `${what}: rate limited. Try again later or raise the quota.`, {
          status,
        }),
        true,
        retryAfterMs,
      );
    }
    if (status >= 500 && status !== 501) {
      return new AttemptError(
        new EmbeddingError("embeddings.unavailable", `${what}. Try again later; check the server if it persists.`, {
          status,
        }),
        true,
        retryAfterMs,
      );
    }
    if (status === 401 || status === 403) {
      return new AttemptError(
        new EmbeddingError("embeddings.unavailable", `${what}: the API key was refused. Check EMBEDDINGS_API_KEY.`, {
          status,
        }),
        false,
      );
    }
    if (status === 404) {
      return new AttemptError(
        new EmbeddingError(
          "embeddings.unavailable",
          `${what}: no such endpoint or model. Check EMBEDDINGS_BASE_URL (it usually ends in /v1) and EMBEDDINGS_MODEL ("${opts.model}").`,
          { status },
        ),
        false,
      );
    }
    return new AttemptError(
      new EmbeddingError(
        "embeddings.bad_request",
        `${what}: the request was refused. Check that EMBEDDINGS_MODEL ("${opts.model}") is an embedding model and that texts fit its ${maxInputTokens} tokens.`,
        { status },
      ),
      false,
    );
  }

  function failed(message: string): AttemptError {
    return new AttemptError(new EmbeddingError("embeddings.failed", message), false);
  }

  /** Validates one answer: one vector per text, all of the expected width, each normalised. */
  function parseAnswer(body: unknown, count: number): Float32Array[] {
    const data = (body as { data?: unknown } | null)?.data;
    if (!Array.isArray(data)) {
      throw failed(`The embeddings server at ${opts.baseURL} answered without a "data" list; is it OpenAI-compatible?`);
    }
    if (data.length !== count) {
      throw failed(`The embeddings server returned ${data.length} vectors for ${count} texts; try a smaller batch.`);
    }
    const vectors: Float32Array[] = new Array(count);
    data.forEach((item: { embedding?: unknown; index?: unknown }, position) => {
      const index = typeof item?.index === "number" ? item.index : position;
      const raw = item?.embedding;
      let vector: Float32Array | undefined;
      if (typeof raw === "string") vector = decodeBase64Vector(raw);
      else if (Array.isArray(raw) && raw.every((x) => typeof x === "number")) vector = Float32Array.from(raw);
      if (!vector || index < 0 || index >= count || vectors[index]) {
        throw failed(`The embeddings server returned a malformed vector (item ${position}).`);
      }
      if (dimensions === undefined) dimensions = vector.length;
      if (vector.length !== dimensions) {
        throw failed(
          `The embeddings server returned vectors of ${vector.length} dimensions, but ${dimensions} are expected (configured, or seen first). Use a model that gives ${dimensions}, or change the configured width and re-embed the documents.`,
        );
      }
      if (!normalizeInPlace(vector)) {
        throw failed(`The embeddings server returned a zero vector for text ${index}; it cannot be compared.`);
      }
      vectors[index] = vector;
    });
    return vectors;
  }

  async function attempt(texts: string[], signal: AbortSignal | undefined): Promise<Float32Array[]> {
    const controller = new AbortController();
    inFlight.add(controller);
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = AbortSignal.any([controller.signal, timeout, ...(signal ? [signal] : [])]);
    try {
      let response: Response;
      let text: string;
      try {
        response = await fetch(url, {
          method: "POST",
          headers,
          body: JSON.stringify({
            model: opts.model,
            input: texts,
            ...(sendDimensions ? { dimensions: opts.dimensions } : {}),
          }),
          signal: combined,
        });
        text = await response.text();
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        if (controller.signal.aborted) throw new AttemptError(closedError(), false);
        if (timeout.aborted) {
          throw new AttemptError(
            new EmbeddingError(
              "embeddings.unavailable",
              `The embeddings server at ${opts.baseURL} did not answer within ${Math.round(timeoutMs / 1000)} s. Try again later or send fewer texts per request.`,
              { cause: err },
            ),
            true,
          );
        }
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        throw new AttemptError(
          new EmbeddingError(
            "embeddings.unavailable",
            `Could not reach the embeddings server at ${opts.baseURL} (${cause?.code ?? cause?.message ?? String(err)}). Check EMBEDDINGS_BASE_URL and that the server is running.`,
            { cause: err },
          ),
          true,
        );
      }
      if (!response.ok) {
        const detail = errorDetail(text);
        if (response.status === 400 && sendDimensions && /dimension/i.test(detail)) {
          sendDimensions = false;
          return attempt(texts, signal);
        }
        throw statusError(response.status, detail, parseRetryAfter(response.headers.get("retry-after")));
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw failed(`The embeddings server at ${opts.baseURL} answered with something other than JSON.`);
      }
      return parseAnswer(body, texts.length);
    } finally {
      inFlight.delete(controller);
    }
  }

  async function embedBatch(texts: string[], signal: AbortSignal | undefined): Promise<Float32Array[]> {
    for (let tries = 0; ; tries++) {
      try {
        return await attempt(texts, signal);
      } catch (err) {
        if (isClosed) throw closedError();
        if (!(err instanceof AttemptError)) throw err;
        if (!err.isRetryable || tries >= maxRetries) throw err.error;
        const backoff = baseDelay * 2 ** tries * (0.5 + Math.random() / 2);
        await abortableSleep(Math.min(maxDelay, err.retryAfterMs ?? backoff), signal);
      }
    }
  }

  function closedError() {
    return new EmbeddingError(
      "embeddings.unavailable",
      "The embeddings client was closed (the server is shutting down); try again once it has restarted.",
    );
  }

  return {
    id: "openai",
    model: opts.model,
    get dimensions() {
      // Unset until the first answer when not configured; the wiring configures it.
      return dimensions ?? 0;
    },
    maxInputTokens,

    async embed(texts, embedOpts = {}) {
      const { signal } = embedOpts;
      if (isClosed) throw closedError();
      signal?.throwIfAborted();
      assertEmbeddableTexts(texts);
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += maxInputs) {
        out.push(...(await embedBatch(texts.slice(i, i + maxInputs), signal)));
      }
      return out;
    },

    async close() {
      isClosed = true;
      for (const controller of inFlight) controller.abort();
    },
  };
}
