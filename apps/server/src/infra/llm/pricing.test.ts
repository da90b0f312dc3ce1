import { describe, expect, it } from "vitest";
import { computeCost, PriceTableSchema } from "./pricing";

const table = PriceTableSchema.parse({
  "gpt-4o-mini": { inputPer1M: 0.15, outputPer1M: 0.6 },
  "openrouter:gpt-4o-mini": { inputPer1M: 0.2, outputPer1M: 0.8 },
  "ollama:*": { inputPer1M: 0, outputPer1M: 0 },
});

describe("computeCost", () => {
  it("prices input and output tokens per million", () => {
    expect(computeCost(table, "openai", "gpt-4o-mini", { inputTokens: 1_000_000, outputTokens: 500_000 })).toEqual({
      usd: 0.45,
      costKnown: true,
    });
    expect(computeCost(table, "openai", "gpt-4o-mini", { inputTokens: 1200, outputTokens: 300 }).usd).toBeCloseTo(
      0.00036,
      8,
    );
  });

  it("prefers a provider-specific price over the bare model's", () => {
    expect(computeCost(table, "openrouter", "gpt-4o-mini", { inputTokens: 1_000_000, outputTokens: 0 }).usd).toBe(0.2);
  });

  it("applies a provider wildcard, e.g. a free local server", () => {
    expect(computeCost(table, "ollama", "llama3.2", { inputTokens: 5000, outputTokens: 5000 })).toEqual({
      usd: 0,
      costKnown: true,
    });
  });

  it("says when the cost is unknown instead of reporting a silent zero", () => {
    expect(computeCost(table, "openai", "some-new-model", { inputTokens: 100, outputTokens: 100 })).toEqual({
      usd: 0,
      costKnown: false,
    });
  });

  it("rejects negative prices", () => {
    expect(PriceTableSchema.safeParse({ x: { inputPer1M: -1, outputPer1M: 0 } }).success).toBe(false);
  });
});
