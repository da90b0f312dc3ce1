import type { ChatMessage, GenerateRequest, LlmUsage } from "./llm.types";

/*
 * A cheap token estimator, used where a provider reports no usage (some OpenAI-compatible
 * servers, the extractive answerer, cancelled streams) and to fit chat history into a model's
 * context window. BPE tokenisers of current models average about 4 characters per token for
 * English and other Latin-script text and about 2.5 for Russian (Cyrillic words split into more
 * pieces); Chinese, Japanese and Korean characters are close to one token each. The estimate
 * errs slightly high, which is the safe side for budgets. Exact counts would need each model's own
 * tokenizer, which remote providers do not expose.
 */

const CHARS_PER_TOKEN_LATIN = 4;
const CHARS_PER_TOKEN_CYRILLIC = 2.5;
/** Role markers and separators that chat templates wrap around every message. */
const TOKENS_PER_MESSAGE = 4;
/** The assistant turn header the template opens for the answer. */
const TOKENS_PER_REPLY = 2;

const CYRILLIC = /[\u0400-\u04FF\u0500-\u052F]/;
const CJK = /[\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uAC00-\uD7AF]/;

/** Estimated tokens in a piece of text (see the note at the top of this file). */
export function estimateTokens(text: string): number {
  if (text.length === 0) return 0;
  let cyrillic = 0;
  let cjk = 0;
  let other = 0;
  for (const ch of text) {
    if (CYRILLIC.test(ch)) cyrillic += 1;
    else if (CJK.test(ch)) cjk += 1;
    else other += 1;
  }
  return Math.ceil(cyrillic / CHARS_PER_TOKEN_CYRILLIC + other / CHARS_PER_TOKEN_LATIN + cjk);
}

/** Estimated tokens of one message as a chat template sends it. */
export function estimateMessageTokens(message: ChatMessage): number {
  return estimateTokens(message.content) + TOKENS_PER_MESSAGE;
}

/** Estimated prompt tokens of a whole conversation, including the opened answer turn. */
export function estimatePromptTokens(messages: readonly ChatMessage[]): number {
  return messages.reduce((sum, m) => sum + estimateMessageTokens(m), TOKENS_PER_REPLY);
}

/** Usage estimated from the request and the text produced, for providers that report none. */
export function estimateUsage(req: Pick<GenerateRequest, "messages">, outputText: string): LlmUsage {
  return { inputTokens: estimatePromptTokens(req.messages), outputTokens: estimateTokens(outputText) };
}

/**
 * Long chats stay fast: the history sent to the model is trimmed to the model's context budget.
 * Keeps every system message and the newest messages that fit in budgetTokens - reserveForAnswer,
 * in their original order. The newest message (the question being asked) is always kept, even
 * alone over budget. Older messages are dropped from the oldest end only, never from the middle,
 * and a kept history never opens with an assistant turn (Anthropic rejects that, others lose the
 * question it answered).
 */
export function trimHistory(
  messages: readonly ChatMessage[],
  budgetTokens: number,
  reserveForAnswer: number,
): ChatMessage[] {
  const available = budgetTokens - reserveForAnswer - TOKENS_PER_REPLY;
  let used = 0;
  for (const m of messages) if (m.role === "system") used += estimateMessageTokens(m);

  const keep = new Set<number>();
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as ChatMessage;
    if (m.role === "system") continue;
    const cost = estimateMessageTokens(m);
    if (keep.size > 0 && used + cost > available) break;
    used += cost;
    keep.add(i);
  }

  const kept = [...keep].sort((a, b) => a - b);
  while (kept.length > 1 && messages[kept[0] as number]?.role === "assistant") {
    keep.delete(kept.shift() as number);
  }
  return messages.filter((m, i) => m.role === "system" || keep.has(i));
}
