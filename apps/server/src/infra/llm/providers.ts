import { basename } from "node:path";
import { createAnthropicProvider } from "./anthropic.provider";
import { createExtractiveProvider } from "./extractive.provider";
import { createLlmGateway, type LlmGateway } from "./gateway";
import type { LlmProvider } from "./llm.types";
import { createLocalGgufProvider } from "./local-gguf.provider";
import { createOpenAiCompatibleProvider } from "./openai-compatible.provider";
import type { PriceTable } from "./pricing";

/** How to build one provider: from the environment at start-up, or from Admin → Providers. */
export type ProviderDefinition =
  | {
      kind: "openai";
      id: string;
      baseURL: string;
      apiKey?: string;
      contextWindow?: number;
      headers?: Record<string, string>;
    }
  | { kind: "anthropic"; id: string; apiKey: string; baseURL?: string; contextWindow?: number }
  | { kind: "local-gguf"; id: string; modelPath: string; contextSize?: number; threads?: number; parallel?: number }
  | { kind: "extractive"; id: string };

/** The LLM part of the configuration (names as in the environment; see config.ts). */
export interface LlmSettings {
  LLM_PROVIDER: "auto" | "openai" | "anthropic" | "local" | "extractive";
  LLM_BASE_URL?: string;
  LLM_API_KEY?: string;
  LLM_MODEL?: string;
  LLM_MODEL_PATH?: string;
  LLM_CONTEXT_WINDOW?: number;
  LLM_LOCAL_CONTEXT_SIZE: number;
  LLM_LOCAL_THREADS?: number;
  LLM_LOCAL_PARALLEL: number;
  LLM_FIRST_TOKEN_TIMEOUT_MS: number;
  LLM_TIMEOUT_MS: number;
  LLM_RETRY_ATTEMPTS: number;
  LLM_RETRY_BASE_DELAY_MS: number;
  LLM_PRICES?: PriceTable;
}

const OPENAI_URL = "https://api.openai.com/v1";

/**
 * A readable id for an OpenAI-compatible endpoint, used in messages and price keys
 * ("ollama:*"): openai, openrouter, ollama (port 11434), lmstudio (port 1234), else
 * openai-compatible.
 */
export function providerIdForBaseUrl(baseURL: string): string {
  let url: URL;
  try {
    url = new URL(baseURL);
  } catch {
    return "openai-compatible";
  }
  if (url.hostname.endsWith("openai.com")) return "openai";
  if (url.hostname.endsWith("openrouter.ai")) return "openrouter";
  if (url.port === "11434") return "ollama";
  if (url.port === "1234") return "lmstudio";
  return "openai-compatible";
}

export interface ResolvedProviders {
  definitions: ProviderDefinition[];
  defaultProviderId: string;
  defaultModel: string;
  /** Configuration mistakes to print at start-up (empty when all is well). */
  problems: string[];
}

/**
 * Decides which providers the environment asks for. With LLM_PROVIDER=auto: an endpoint when
 * LLM_BASE_URL is set, else the local GGUF file when LLM_MODEL_PATH is set, else the built-in
 * extractive answerer. The extractive answerer is always registered too, so it can be chosen
 * per assistant.
 */
export function resolveProviders(s: LlmSettings): ResolvedProviders {
  const problems: string[] = [];
  const extractive: ProviderDefinition = { kind: "extractive", id: "extractive" };
  const kind =
    s.LLM_PROVIDER !== "auto" ? s.LLM_PROVIDER : s.LLM_BASE_URL ? "openai" : s.LLM_MODEL_PATH ? "local" : "extractive";

  if (kind === "openai") {
    const baseURL = s.LLM_BASE_URL ?? OPENAI_URL;
    if (!s.LLM_MODEL) problems.push("LLM_MODEL: required with LLM_BASE_URL (e.g. gpt-4o-mini, llama3.2)");
    if (baseURL === OPENAI_URL && !s.LLM_API_KEY) problems.push("LLM_API_KEY: required for api.openai.com");
    const id = providerIdForBaseUrl(baseURL);
    return {
      definitions: [
        { kind: "openai", id, baseURL, apiKey: s.LLM_API_KEY, contextWindow: s.LLM_CONTEXT_WINDOW },
        extractive,
      ],
      defaultProviderId: id,
      defaultModel: s.LLM_MODEL ?? "",
      problems,
    };
  }
  if (kind === "anthropic") {
    if (!s.LLM_API_KEY) problems.push("LLM_API_KEY: required with LLM_PROVIDER=anthropic");
    if (!s.LLM_MODEL) problems.push("LLM_MODEL: required with LLM_PROVIDER=anthropic (e.g. claude-sonnet-4-5)");
    return {
      definitions: [
        {
          kind: "anthropic",
          id: "anthropic",
          apiKey: s.LLM_API_KEY ?? "",
          baseURL: s.LLM_BASE_URL,
          contextWindow: s.LLM_CONTEXT_WINDOW,
        },
        extractive,
      ],
      defaultProviderId: "anthropic",
      defaultModel: s.LLM_MODEL ?? "",
      problems,
    };
  }
  if (kind === "local") {
    if (!s.LLM_MODEL_PATH) problems.push("LLM_MODEL_PATH: required with LLM_PROVIDER=local (a .gguf file)");
    const modelPath = s.LLM_MODEL_PATH ?? "";
    return {
      definitions: [
        {
          kind: "local-gguf",
          id: "local",
          modelPath,
          contextSize: s.LLM_LOCAL_CONTEXT_SIZE,
          threads: s.LLM_LOCAL_THREADS,
          parallel: s.LLM_LOCAL_PARALLEL,
        },
        extractive,
      ],
      defaultProviderId: "local",
      defaultModel: basename(modelPath),
      problems,
    };
  }
  return { definitions: [extractive], defaultProviderId: "extractive", defaultModel: "extractive", problems };
}

/** Builds the adapter for one definition. */
export function createProvider(
  def: ProviderDefinition,
  deps: { log?: (level: string, message: string) => void } = {},
): LlmProvider {
  switch (def.kind) {
    case "openai":
      return createOpenAiCompatibleProvider({
        id: def.id,
        baseURL: def.baseURL,
        apiKey: def.apiKey,
        defaultContextWindow: def.contextWindow,
        headers: def.headers,
      });
    case "anthropic":
      return createAnthropicProvider({
        id: def.id,
        apiKey: def.apiKey,
        baseURL: def.baseURL,
        defaultContextWindow: def.contextWindow,
      });
    case "local-gguf":
      return createLocalGgufProvider({
        id: def.id,
        modelPath: def.modelPath,
        contextSize: def.contextSize,
        threads: def.threads,
        parallel: def.parallel,
        log: deps.log,
      });
    case "extractive":
      return createExtractiveProvider({ id: def.id });
  }
}

/** The gateway the composition root builds from the environment. */
export interface LlmSetup {
  gateway: LlmGateway;
  defaultModel: string;
  /** Frees a loaded local model; call at shutdown. */
  close(): Promise<void>;
}

/** Builds every configured provider and the gateway over them (no network, no model load yet). */
export function createLlmFromSettings(
  s: LlmSettings,
  deps: { log?: (level: string, message: string) => void } = {},
): LlmSetup & { problems: string[] } {
  const resolved = resolveProviders(s);
  const providers = new Map(resolved.definitions.map((d) => [d.id, createProvider(d, deps)]));
  const gateway = createLlmGateway({
    providers,
    defaultProviderId: resolved.defaultProviderId,
    timeouts: { firstTokenMs: s.LLM_FIRST_TOKEN_TIMEOUT_MS, totalMs: s.LLM_TIMEOUT_MS },
    retry: { attempts: s.LLM_RETRY_ATTEMPTS, baseDelayMs: s.LLM_RETRY_BASE_DELAY_MS },
    prices: s.LLM_PRICES,
  });
  return {
    gateway,
    defaultModel: resolved.defaultModel,
    problems: resolved.problems,
    close: async () => {
      await Promise.all([...providers.values()].map((p) => p.close?.()));
    },
  };
}
