import { z } from "zod";
import type { LlmUsage } from "./llm.types";

export const ModelPriceSchema = z.object({
  /** USD per million prompt tokens. */
  inputPer1M: z.number().min(0),
  /** USD per million generated tokens. */
  outputPer1M: z.number().min(0),
});
export type ModelPrice = z.infer<typeof ModelPriceSchema>;

/**
 * Prices keyed by "providerId:model", by bare "model", or by "providerId:*" for every model of a
 * provider (e.g. "ollama:*": {inputPer1M: 0, outputPer1M: 0} for a free local server).
 */
export const PriceTableSchema = z.record(z.string().min(1), ModelPriceSchema);
export type PriceTable = z.infer<typeof PriceTableSchema>;

export interface RequestCost {
  usd: number;
  /** False when no price is known for the model: usd is then 0 and must not be read as free. */
  costKnown: boolean;
}

/** Finds the price for a model: the most specific key wins (provider:model, model, provider:*). */
export function findPrice(table: PriceTable, providerId: string, model: string): ModelPrice | undefined {
  return table[`${providerId}:${model}`] ?? table[model] ?? table[`${providerId}:*`];
}

/**
 * Cost of one request in USD from the price table. Unknown models cost 0 with costKnown false,
 * so reports can say "cost unknown" instead of showing a misleading zero.
 */
export function computeCost(table: PriceTable, providerId: string, model: string, usage: LlmUsage): RequestCost {
  const price = findPrice(table, providerId, model);
  if (!price) return { usd: 0, costKnown: false };
  const usd = (usage.inputTokens * price.inputPer1M + usage.outputTokens * price.outputPer1M) / 1_000_000;
  // Rounded to a millionth of a cent: sums over many requests stay exact enough, floats stay short.
  return { usd: Math.round(usd * 1e8) / 1e8, costKnown: true };
}
