import {
  type ChatMessage,
  type FinishReason,
  type GenerateRequest,
  LlmError,
  type LlmEvent,
  type LlmProvider,
} from "./llm.types";
import { llmErrorFromNetwork, llmErrorFromStatus, llmErrorMidStream } from "./provider-errors";
import { parseSse } from "./sse";
import { estimateTokens, estimateUsage } from "./tokens";

export interface AnthropicOptions {
  /** Provider id used in errors, prices and records. */
  id?: string;
  apiKey: string;
  /** Without the /v1 suffix; a proxy or a test server can stand in. */
  baseURL?: string;
  /** The Messages API requires max_tokens; used when the request sets none. */
  defaultMaxTokens?: number;
  contextWindows?: Record<string, number>;
  /** Context window of models not in contextWindows (200k, every current Claude model). */
  defaultContextWindow?: number;
}

const DEFAULT_BASE_URL = "https://api.anthropic.com";
const API_VERSION = "2023-06-01";
const DEFAULT_MAX_TOKENS = 4096;
/** Every current Claude model accepts 200k tokens. */
const DEFAULT_CONTEXT_WINDOW = 200_000;

/** The HTTP status matching each error type Anthropic sends inside a stream. */
const ERROR_TYPE_STATUS: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  overloaded_error: 529,
};

type AnthropicMessage = { role: "user" | "assistant"; content: string };

/**
 * The Messages API wants system text apart, strictly alternating turns, and a user turn first:
 * consecutive turns of one role are merged and leading assistant turns dropped.
 */
export function toAnthropicMessages(messages: readonly ChatMessage[]): {
  system?: string;
  messages: AnthropicMessage[];
} {
  const system = messages
    .filter((m) => m.role === "system")
    .map((m) => m.content)
    .join("\n\n");
  const turns: AnthropicMessage[] = [];
  for (const m of messages) {
    if (m.role === "system") continue;
    if (turns.length === 0 && m.role === "assistant") continue;
    const last = turns.at(-1);
    if (last && last.role === m.role) last.content = `${last.content}\n\n${m.content}`;
    else turns.push({ role: m.role, content: m.content });
  }
  return { ...(system ? { system } : {}), messages: turns };
}

function parseJson(data: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(data);
    return value && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function obj(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
}

/** Anthropic's Messages API over plain fetch with SSE streaming (no SDK). */
export function createAnthropicProvider(opts: AnthropicOptions): LlmProvider {
  const id = opts.id ?? "anthropic";
  const baseURL = (opts.baseURL ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
  const headers = {
    "content-type": "application/json",
    accept: "text/event-stream",
    "x-api-key": opts.apiKey,
    "anthropic-version": API_VERSION,
  };

  async function failure(response: Response): Promise<LlmError> {
    const raw = await response.text().catch(() => "");
    const body = parseJson(raw);
    const message = obj(body?.error)?.message;
    return llmErrorFromStatus(id, response.status, typeof message === "string" ? message : raw, response.headers);
  }

  async function* run(req: GenerateRequest): AsyncGenerator<LlmEvent> {
    const { system, messages } = toAnthropicMessages(req.messages);
    if (messages.length === 0) {
      throw new LlmError("llm.bad_request", "There is no user message to answer.", {
        providerId: id,
        retryable: false,
      });
    }
    let text = "";
    let inputTokens: number | undefined;
    let outputTokens: number | undefined;
    let finishReason: FinishReason = "stop";
    let complete = false;
    const cancelled = (): LlmEvent => ({
      type: "done",
      usage: {
        inputTokens: inputTokens ?? estimateUsage(req, "").inputTokens,
        outputTokens: Math.max(outputTokens ?? 0, estimateTokens(text)),
      },
      finishReason: "cancelled",
    });

    let response: Response;
    try {
      response = await fetch(`${baseURL}/v1/messages`, {
        method: "POST",
        headers,
        signal: req.signal,
        body: JSON.stringify({
          model: req.model,
          max_tokens: req.maxTokens ?? opts.defaultMaxTokens ?? DEFAULT_MAX_TOKENS,
          ...(system ? { system } : {}),
          messages,
          ...(req.temperature === undefined ? {} : { temperature: req.temperature }),
          stream: true,
        }),
      });
    } catch (err) {
      if (req.signal?.aborted) {
        yield cancelled();
        return;
      }
      throw llmErrorFromNetwork(id, baseURL, err);
    }
    if (!response.ok) throw await failure(response);
    if (!response.body) throw llmErrorMidStream(id, new Error("the response has no body"));

    try {
      for await (const sse of parseSse(response.body)) {
        const data = parseJson(sse.data);
        const type = sse.event ?? (typeof data?.type === "string" ? data.type : undefined);
        if (!data || type === "ping") continue;
        if (type === "message_start") {
          const usage = obj(obj(data.message)?.usage);
          // Cached prompt tokens are reported apart; they are still prompt tokens.
          inputTokens =
            (num(usage?.input_tokens) ?? 0) +
            (num(usage?.cache_creation_input_tokens) ?? 0) +
            (num(usage?.cache_read_input_tokens) ?? 0);
          outputTokens = num(usage?.output_tokens) ?? outputTokens;
        } else if (type === "content_block_delta") {
          const delta = obj(data.delta);
          if (delta?.type === "text_delta" && typeof delta.text === "string" && delta.text) {
            text += delta.text;
            yield { type: "token", text: delta.text };
          }
        } else if (type === "message_delta") {
          const stop = obj(data.delta)?.stop_reason;
          if (typeof stop === "string") finishReason = stop === "max_tokens" ? "length" : "stop";
          const usage = obj(data.usage);
          outputTokens = num(usage?.output_tokens) ?? outputTokens;
          if (num(usage?.input_tokens) !== undefined && inputTokens === undefined)
            inputTokens = num(usage?.input_tokens);
        } else if (type === "message_stop") {
          complete = true;
          break;
        } else if (type === "error") {
          const error = obj(data.error);
          const status = ERROR_TYPE_STATUS[String(error?.type)] ?? 500;
          throw llmErrorFromStatus(id, status, typeof error?.message === "string" ? error.message : undefined);
        }
      }
    } catch (err) {
      if (req.signal?.aborted) {
        yield cancelled();
        return;
      }
      if (err instanceof LlmError) throw err;
      throw llmErrorMidStream(id, err);
    }
    if (req.signal?.aborted) {
      yield cancelled();
      return;
    }
    if (!complete) throw llmErrorMidStream(id, new Error("the stream ended before the answer was complete"));
    const estimated = estimateUsage(req, text);
    yield {
      type: "done",
      usage: {
        inputTokens: inputTokens ?? estimated.inputTokens,
        outputTokens: outputTokens ?? estimated.outputTokens,
      },
      finishReason,
    };
  }

  return {
    id,
    kind: "anthropic",
    stream: (req) => run(req),
    listModels: async () => {
      let response: Response;
      try {
        response = await fetch(`${baseURL}/v1/models?limit=1000`, { headers });
      } catch (err) {
        throw llmErrorFromNetwork(id, baseURL, err);
      }
      if (!response.ok) throw await failure(response);
      const body = obj(await response.json());
      const data = Array.isArray(body?.data) ? body.data : [];
      return data.map((m) => obj(m)?.id).filter((m): m is string => typeof m === "string");
    },
    contextWindow: (model) => opts.contextWindows?.[model] ?? opts.defaultContextWindow ?? DEFAULT_CONTEXT_WINDOW,
  };
}
