import type { Database } from "../../infra/db/database";
import { createAnthropicProvider } from "../../infra/llm/anthropic.provider";
import { createExtractiveProvider } from "../../infra/llm/extractive.provider";
import { createLlmGateway, type LlmGatewayOptions } from "../../infra/llm/gateway";
import type { LlmProvider } from "../../infra/llm/llm.types";
import { createOpenAiCompatibleProvider } from "../../infra/llm/openai-compatible.provider";
import type { PriceTable } from "../../infra/llm/pricing";
import type { SecretBox } from "../../infra/secrets";
import { createTtlCache } from "../../lib/ttl-cache";
import type { AnswerModel, ModelResolver } from "../chats/chat-ports";
import type { ProviderRow, ProvidersRepository } from "./providers.repository";

/** A provider from the environment (LLM_BASE_URL / LLM_MODEL_PATH), with its default model. */
export interface EnvProvider {
  provider: LlmProvider;
  model: string;
}

export interface ModelResolverDeps {
  database: Pick<Database, "scoped">;
  providers: Pick<ProvidersRepository, "findById" | "list">;
  secrets: SecretBox;
  /** The instance default: env-configured provider, or (tests) a fake one. */
  envProvider?: EnvProvider;
  gateway: Pick<LlmGatewayOptions, "timeouts" | "retry" | "sleep">;
  /** Builds a local GGUF provider (loaded lazily: node-llama-cpp is heavy and optional). */
  createLocalProvider?: (id: string, modelPath: string) => LlmProvider;
  /**
   * How long the provider rows read for an answer are reused (ms; 0: read for every answer). This
   * process forgets them at once when its providers service changes one (`invalidate`); other API
   * processes see a change within this time.
   */
  cacheMs?: number;
}

/** Turns a stored provider row into a live provider (decrypting its key). */
export function providerFromRow(
  row: ProviderRow,
  secrets: SecretBox,
  createLocal?: ModelResolverDeps["createLocalProvider"],
): LlmProvider {
  const apiKey = row.apiKeyEncrypted ? secrets.open(row.apiKeyEncrypted) : undefined;
  const contextWindows = Object.fromEntries(
    row.models.filter((m) => m.contextWindow).map((m) => [m.id, m.contextWindow as number]),
  );
  switch (row.kind) {
    case "openai":
      return createOpenAiCompatibleProvider({
        id: row.id,
        baseURL: row.baseUrl ?? "https://api.openai.com/v1",
        apiKey,
        contextWindows,
      });
    case "anthropic":
      return createAnthropicProvider({
        id: row.id,
        apiKey: apiKey ?? "",
        ...(row.baseUrl ? { baseURL: row.baseUrl } : {}),
      });
    case "local-gguf":
      if (!createLocal) throw new Error("local GGUF models are not available in this build");
      return createLocal(row.id, row.baseUrl ?? "");
  }
}

function pricesOf(row: ProviderRow): PriceTable {
  const table: PriceTable = {};
  for (const m of row.models) {
    if (m.inputPer1M !== undefined && m.outputPer1M !== undefined) {
      table[`${row.id}:${m.id}`] = { inputPer1M: m.inputPer1M, outputPer1M: m.outputPer1M };
    }
  }
  return table;
}

/**
 * Resolves an assistant's model: its own provider when set and enabled, else the instance default
 * (the environment's provider, else the first enabled provider configured in the UI), else the
 * built-in extractive answerer. Every model is wrapped in the gateway (timeouts, retries, cost).
 */
export function createModelResolver(deps: ModelResolverDeps): ModelResolver & { invalidate(): void } {
  const extractive = createExtractiveProvider({ id: "builtin" });
  const cache = new Map<string, { stamp: number; provider: LlmProvider }>();
  const rowsCache = createTtlCache<(ProviderRow | undefined)[]>({ ttlMs: deps.cacheMs ?? 5000 });
  const readRows = (providerId: string | null) =>
    deps.database.scoped({ bypass: true }, async (tx) =>
      providerId ? [await deps.providers.findById(providerId, tx)] : deps.providers.list(tx),
    );

  const live = (row: ProviderRow): LlmProvider => {
    const hit = cache.get(row.id);
    if (hit && hit.stamp === row.updatedAt.getTime()) return hit.provider;
    const provider = providerFromRow(row, deps.secrets, deps.createLocalProvider);
    cache.set(row.id, { stamp: row.updatedAt.getTime(), provider });
    return provider;
  };

  const wrap = (provider: LlmProvider, model: string, prices: PriceTable = {}): AnswerModel => {
    const gateway = createLlmGateway({
      providers: new Map([[provider.id, provider]]),
      defaultProviderId: provider.id,
      prices,
      ...deps.gateway,
    });
    return {
      providerKind: provider.kind,
      model,
      contextWindow: provider.contextWindow(model),
      isExtractive: provider.kind === "extractive",
      stream: (req) => gateway.stream(provider.id, { model, ...req }),
    };
  };

  return {
    async resolve(assistant) {
      // Without its own provider an assistant uses the environment's one when set: nothing to read.
      if (!assistant.providerId && deps.envProvider) {
        return wrap(deps.envProvider.provider, assistant.model || deps.envProvider.model);
      }
      const providerId = assistant.providerId ?? null;
      const rows =
        deps.cacheMs === 0
          ? await readRows(providerId)
          : await rowsCache.get(providerId ?? "", () => readRows(providerId));
      const own = assistant.providerId ? rows[0] : undefined;
      if (own?.isEnabled) return wrap(live(own), assistant.model || own.models[0]?.id || "", pricesOf(own));
      if (deps.envProvider) return wrap(deps.envProvider.provider, assistant.model || deps.envProvider.model);
      const first = assistant.providerId ? undefined : rows.find((r) => r?.isEnabled);
      if (first) return wrap(live(first), assistant.model || first.models[0]?.id || "", pricesOf(first));
      return wrap(extractive, "extractive");
    },
    /** Forgets the provider rows read (a provider was added, changed or removed). */
    invalidate() {
      rowsCache.invalidate();
    },
  };
}
