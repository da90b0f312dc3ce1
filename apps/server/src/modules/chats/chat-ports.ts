import type { GatewayEvent } from "../../infra/llm/gateway";
import type { ChatMessage, ContextPassage } from "../../infra/llm/llm.types";

/** A model ready to answer: the provider behind it, wrapped with timeouts and retries. */
export interface AnswerModel {
  providerKind: string;
  model: string;
  contextWindow: number;
  /** True for the built-in extractive answerer, which quotes and never generates. */
  isExtractive: boolean;
  stream(req: {
    messages: ChatMessage[];
    context?: ContextPassage[];
    temperature?: number;
    signal: AbortSignal;
  }): AsyncIterable<GatewayEvent>;
}

/** Picks the model an assistant answers with (its provider, or the instance default). */
export interface ModelResolver {
  resolve(assistant: { providerId: string | null; model: string }): Promise<AnswerModel>;
}

/** A retrieved passage with its score and where it is (document, page) for citations. */
export type RetrievedPassage = ContextPassage & { score: number; documentId?: string; page?: number | null };

/** Finds passages in a tenant's documents (the documents module implements it). */
export interface Retriever {
  retrieve(tenantId: string, query: string, opts: { k: number; signal?: AbortSignal }): Promise<RetrievedPassage[]>;
}

/** Until documents can be indexed, the documents assistant finds nothing and says so. */
export const emptyRetriever: Retriever = { retrieve: async () => [] };
