/**
 * The one interface every language-model provider implements (OpenAI-compatible endpoints,
 * Anthropic, a local GGUF file, the built-in extractive answerer, the test fake). The chat service
 * only talks to the gateway (gateway.ts), which wraps a provider with timeouts, retries,
 * cancellation and usage/cost accounting.
 */

export type ChatRole = "system" | "user" | "assistant";

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

/**
 * A retrieved passage the answer may rest on. The extractive answerer quotes them; generating
 * providers receive them through the prompt the caller builds (they ignore this field).
 */
export interface ContextPassage {
  id: string;
  title?: string;
  text: string;
  /** Where the passage comes from (document name, page, URL), shown next to its citation. */
  ref?: string;
}

export interface GenerateRequest {
  model: string;
  messages: ChatMessage[];
  temperature?: number;
  maxTokens?: number;
  /** Aborted when the user presses stop or disconnects; providers stop generating promptly. */
  signal?: AbortSignal;
  /** Passages in rank order (best first); their position + 1 is the citation number. */
  context?: ContextPassage[];
}

export interface LlmUsage {
  inputTokens: number;
  outputTokens: number;
}

/** "length" means maxTokens (or the context) cut the answer; "cancelled" that the signal stopped it. */
export type FinishReason = "stop" | "length" | "cancelled";

export type LlmTokenEvent = { type: "token"; text: string };
export type LlmDoneEvent = { type: "done"; usage: LlmUsage; finishReason: FinishReason };
/** A stream is zero or more token events followed by exactly one done event, or a thrown LlmError. */
export type LlmEvent = LlmTokenEvent | LlmDoneEvent;

export type LlmProviderKind = "openai" | "anthropic" | "local-gguf" | "extractive" | "fake";

/** A language-model backend. Adapters live next to this file; tests use the fake one. */
export interface LlmProvider {
  readonly id: string;
  readonly kind: LlmProviderKind;
  /**
   * Streams one answer. Throws (from the iteration) an LlmError when the provider fails; when
   * req.signal aborts it ends with a done event whose finishReason is "cancelled".
   */
  stream(req: GenerateRequest): AsyncIterable<LlmEvent>;
  /** Model names the backend offers, for the admin's model picker. */
  listModels?(): Promise<string[]>;
  /** Tokens the model accepts (prompt + answer), used to trim chat history to fit. */
  contextWindow(model: string): number;
  /** Frees what the provider holds (a loaded local model); called once at shutdown. */
  close?(): Promise<void>;
}

export const LLM_ERROR_CODES = [
  "llm.timeout",
  "llm.rate_limited",
  "llm.unavailable",
  "llm.bad_request",
  "llm.auth_failed",
  "llm.cancelled",
] as const;
export type LlmErrorCode = (typeof LLM_ERROR_CODES)[number];

/** HTTP status the API answers with for each code, when an LLM failure ends a request. */
export const LLM_ERROR_STATUS: Record<LlmErrorCode, number> = {
  "llm.timeout": 504,
  "llm.rate_limited": 429,
  "llm.unavailable": 503,
  "llm.bad_request": 502,
  "llm.auth_failed": 502,
  "llm.cancelled": 499,
};

/** Codes worth another attempt when nothing was streamed yet. */
const RETRYABLE_BY_DEFAULT: ReadonlySet<LlmErrorCode> = new Set(["llm.timeout", "llm.rate_limited", "llm.unavailable"]);

export interface LlmErrorOptions {
  retryable?: boolean;
  /** HTTP status of the upstream response, when there was one. */
  status?: number;
  /** The upstream's Retry-After, in milliseconds. */
  retryAfterMs?: number;
  providerId?: string;
  /** Set by the gateway when part of an answer was streamed before the failure, for accounting. */
  usage?: LlmUsage;
  cause?: unknown;
}

/** A provider failure with a stable code; its message says what happened and what to do. */
export class LlmError extends Error {
  readonly retryable: boolean;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly providerId?: string;
  readonly usage?: LlmUsage;

  constructor(
    readonly code: LlmErrorCode,
    message: string,
    opts: LlmErrorOptions = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "LlmError";
    this.retryable = opts.retryable ?? RETRYABLE_BY_DEFAULT.has(code);
    this.status = opts.status;
    this.retryAfterMs = opts.retryAfterMs;
    this.providerId = opts.providerId;
    this.usage = opts.usage;
  }
}

/** True for an LlmError (narrows the type in catch blocks). */
export function isLlmError(err: unknown): err is LlmError {
  return err instanceof LlmError;
}
