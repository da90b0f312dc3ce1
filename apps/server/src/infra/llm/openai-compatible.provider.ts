import OpenAI from "openai";
import type { ChatCompletionChunk, ChatCompletionCreateParamsStreaming } from "openai/resources/chat/completions";
import {
  type FinishReason,
  type GenerateRequest,
  isLlmError,
  LlmError,
  type LlmEvent,
  type LlmProvider,
  type LlmUsage,
} from "./llm.types";
import { llmErrorFromNetwork, llmErrorFromStatus, llmErrorMidStream } from "./provider-errors";
import { estimateUsage } from "./tokens";

export interface OpenAiCompatibleOptions {
  /** Provider id used in errors, prices ("id:model") and records, e.g. "openai", "ollama". */
  id: string;
  /** e.g. https://api.openai.com/v1, https://openrouter.ai/api/v1, http://127.0.0.1:11434/v1 */
  baseURL: string;
  /** Empty for servers without auth (Ollama, LM Studio, vLLM by default). */
  apiKey?: string;
  /** Context window per model name, for models the built-in table does not know. */
  contextWindows?: Record<string, number>;
  /** Context window of unknown models; small on purpose (Ollama's default is 4096-8192). */
  defaultContextWindow?: number;
  /** Client-side limit for the server to start answering (headers); the gateway times the stream. */
  requestTimeoutMs?: number;
  /** Extra headers, e.g. OpenRouter's HTTP-Referer / X-Title. */
  headers?: Record<string, string>;
}

/** Context windows of well-known hosted models, matched by name prefix (after any "vendor/"). */
const KNOWN_CONTEXT_WINDOWS: [prefix: string, tokens: number][] = [
  ["gpt-4.1", 1_047_576],
  ["gpt-4o", 128_000],
  ["gpt-5", 400_000],
  ["o3", 200_000],
  ["o4-mini", 200_000],
];
const DEFAULT_CONTEXT_WINDOW = 8192;
/** Sent as the key to servers that need none: the client refuses to start without one. */
const PLACEHOLDER_KEY = "not-needed";

function errorDetail(err: InstanceType<typeof OpenAI.APIError>): string | undefined {
  const body = err.error as { message?: unknown } | undefined;
  return typeof body?.message === "string" ? body.message : err.message;
}

/** Maps what the openai client throws to an LlmError. */
function toLlmError(providerId: string, baseURL: string, err: unknown, started: boolean): LlmError {
  if (isLlmError(err)) return err;
  if (err instanceof OpenAI.APIConnectionTimeoutError) {
    return new LlmError("llm.timeout", `The model provider "${providerId}" did not answer in time.`, {
      providerId,
      cause: err,
    });
  }
  if (err instanceof OpenAI.APIUserAbortError) {
    return new LlmError("llm.cancelled", "The request was cancelled.", { providerId, cause: err });
  }
  if (err instanceof OpenAI.APIConnectionError) {
    return started
      ? llmErrorMidStream(providerId, err.cause ?? err)
      : llmErrorFromNetwork(providerId, baseURL, err.cause ?? err);
  }
  if (err instanceof OpenAI.APIError) {
    if (typeof err.status === "number")
      return llmErrorFromStatus(providerId, err.status, errorDetail(err), err.headers, err);
    // An error event inside the stream (vLLM, OpenRouter): it may carry an HTTP-like code.
    const body = err.error as { code?: unknown; type?: unknown } | undefined;
    const code = Number(body?.code);
    if (Number.isInteger(code) && code >= 400 && code < 600) {
      return llmErrorFromStatus(providerId, code, errorDetail(err), undefined, err);
    }
    return llmErrorMidStream(providerId, new Error(errorDetail(err) ?? "error event in the stream"));
  }
  return started ? llmErrorMidStream(providerId, err) : llmErrorFromNetwork(providerId, baseURL, err);
}

function isStreamOptionsRejected(err: unknown): boolean {
  return err instanceof OpenAI.BadRequestError && /stream_options|include_usage/i.test(err.message);
}

/**
 * Any endpoint speaking OpenAI's chat-completions API: OpenAI, OpenRouter, Ollama, vLLM,
 * LM Studio. Streams with usage included; estimates tokens where the server reports none.
 */
export function createOpenAiCompatibleProvider(opts: OpenAiCompatibleOptions): LlmProvider {
  const client = new OpenAI({
    baseURL: opts.baseURL,
    apiKey: opts.apiKey || PLACEHOLDER_KEY,
    // Nothing from process.env: configuration comes from the config module only.
    organization: null,
    project: null,
    webhookSecret: null,
    adminAPIKey: null,
    // The gateway retries (only before the first token); the client must not retry on its own.
    maxRetries: 0,
    timeout: opts.requestTimeoutMs ?? 600_000,
    defaultHeaders: opts.headers,
    logLevel: "off",
  });
  // Older servers reject stream_options; after one refusal we stop sending it and estimate usage.
  let sendStreamOptions = true;

  function open(req: GenerateRequest) {
    const body: ChatCompletionCreateParamsStreaming = {
      model: req.model,
      messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
      stream: true,
      ...(sendStreamOptions ? { stream_options: { include_usage: true } } : {}),
      ...(req.temperature === undefined ? {} : { temperature: req.temperature }),
      // max_tokens, not max_completion_tokens: every compatible server understands it.
      ...(req.maxTokens === undefined ? {} : { max_tokens: req.maxTokens }),
    };
    return client.chat.completions.create(body, { signal: req.signal });
  }

  async function* run(req: GenerateRequest): AsyncGenerator<LlmEvent> {
    let text = "";
    let usage: LlmUsage | undefined;
    let finishReason: FinishReason = "stop";
    const cancelled = (): LlmEvent => ({
      type: "done",
      usage: usage ?? estimateUsage(req, text),
      finishReason: "cancelled",
    });

    let stream: AsyncIterable<ChatCompletionChunk>;
    try {
      try {
        stream = await open(req);
      } catch (err) {
        if (!sendStreamOptions || !isStreamOptionsRejected(err)) throw err;
        sendStreamOptions = false;
        stream = await open(req);
      }
    } catch (err) {
      if (req.signal?.aborted) {
        yield cancelled();
        return;
      }
      throw toLlmError(opts.id, opts.baseURL, err, false);
    }

    try {
      for await (const chunk of stream) {
        if (chunk.usage) {
          usage = { inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens };
        }
        const choice = chunk.choices[0];
        const delta = choice?.delta?.content;
        if (delta) {
          text += delta;
          yield { type: "token", text: delta };
        }
        if (choice?.finish_reason) finishReason = choice.finish_reason === "length" ? "length" : "stop";
      }
    } catch (err) {
      if (req.signal?.aborted) {
        yield cancelled();
        return;
      }
      throw toLlmError(opts.id, opts.baseURL, err, true);
    }
    // The client ends the iteration quietly when the signal aborts.
    if (req.signal?.aborted) {
      yield cancelled();
      return;
    }
    yield { type: "done", usage: usage ?? estimateUsage(req, text), finishReason };
  }

  return {
    id: opts.id,
    kind: "openai",
    stream: (req) => run(req),
    listModels: async () => {
      try {
        const ids: string[] = [];
        for await (const model of client.models.list()) ids.push(model.id);
        return ids.sort();
      } catch (err) {
        throw toLlmError(opts.id, opts.baseURL, err, false);
      }
    },
    contextWindow: (model) => {
      const configured = opts.contextWindows?.[model];
      if (configured) return configured;
      const bare = model.slice(model.lastIndexOf("/") + 1);
      const known = KNOWN_CONTEXT_WINDOWS.find(([prefix]) => bare.startsWith(prefix));
      return known?.[1] ?? opts.defaultContextWindow ?? DEFAULT_CONTEXT_WINDOW;
    },
  };
}
