import { describe, expect, it } from "vitest";
import { createLlmFromSettings, type LlmSettings, providerIdForBaseUrl, resolveProviders } from "./providers";

const base: LlmSettings = {
  LLM_PROVIDER: "auto",
  LLM_LOCAL_CONTEXT_SIZE: 4096,
  LLM_LOCAL_PARALLEL: 1,
  LLM_FIRST_TOKEN_TIMEOUT_MS: 60_000,
  LLM_TIMEOUT_MS: 300_000,
  LLM_RETRY_ATTEMPTS: 3,
  LLM_RETRY_BASE_DELAY_MS: 500,
};

describe("resolveProviders", () => {
  it("uses the extractive answerer when nothing is configured", () => {
    const r = resolveProviders(base);
    expect(r).toMatchObject({ defaultProviderId: "extractive", defaultModel: "extractive", problems: [] });
    expect(r.definitions.map((d) => d.kind)).toEqual(["extractive"]);
  });

  it("prefers an endpoint, then a local file, and always keeps the extractive answerer", () => {
    const endpoint = resolveProviders({
      ...base,
      LLM_BASE_URL: "http://127.0.0.1:11434/v1",
      LLM_MODEL: "llama3.2",
      LLM_MODEL_PATH: "/m.gguf",
    });
    expect(endpoint.defaultProviderId).toBe("ollama");
    expect(endpoint.defaultModel).toBe("llama3.2");
    expect(endpoint.definitions.map((d) => d.kind)).toEqual(["openai", "extractive"]);
    const local = resolveProviders({ ...base, LLM_MODEL_PATH: "/models/qwen.gguf" });
    expect(local).toMatchObject({ defaultProviderId: "local", defaultModel: "qwen.gguf", problems: [] });
  });

  it("reports missing settings", () => {
    expect(resolveProviders({ ...base, LLM_BASE_URL: "https://api.openai.com/v1" }).problems).toEqual([
      "LLM_MODEL: required with LLM_BASE_URL (e.g. gpt-4o-mini, llama3.2)",
      "LLM_API_KEY: required for api.openai.com",
    ]);
    expect(resolveProviders({ ...base, LLM_PROVIDER: "anthropic" }).problems).toHaveLength(2);
    expect(resolveProviders({ ...base, LLM_PROVIDER: "local" }).problems).toEqual([
      "LLM_MODEL_PATH: required with LLM_PROVIDER=local (a .gguf file)",
    ]);
  });

  it("names endpoints so prices and messages can tell them apart", () => {
    expect(providerIdForBaseUrl("https://api.openai.com/v1")).toBe("openai");
    expect(providerIdForBaseUrl("https://openrouter.ai/api/v1")).toBe("openrouter");
    expect(providerIdForBaseUrl("http://localhost:1234/v1")).toBe("lmstudio");
    expect(providerIdForBaseUrl("http://vllm.internal:8000/v1")).toBe("openai-compatible");
  });
});

describe("createLlmFromSettings", () => {
  it("builds a working gateway over the configured providers", async () => {
    const llm = createLlmFromSettings(base);
    expect(llm.problems).toEqual([]);
    expect(llm.gateway.listProviders().map((p) => p.id)).toEqual(["extractive"]);
    const answer = await llm.gateway.complete(undefined, {
      model: llm.defaultModel,
      messages: [{ role: "user", content: "Hi" }],
    });
    expect(answer.text).toContain("No language model is configured");
    await llm.close();
  });
});
