import type { ChatMessage } from "../../infra/llm/llm.types";
import { isLlmError } from "../../infra/llm/llm.types";
import { trimHistory } from "../../infra/llm/tokens";
import type { ResolvedAssistant } from "../assistants/assistants.service";
import { renderTemplate } from "../assistants/default-assistants";
import type { ModelResolver, RetrievedPassage, Retriever } from "./chat-ports";

const NOT_FOUND_EN = "I could not find this in your documents.";
const NOT_FOUND_RU = "Я не нашёл этого в ваших документах.";

/** Everything known about an answer once it ended, for the message row and the request record. */
export interface AnswerOutcome {
  status: "done" | "stopped" | "failed";
  errorCode: string | null;
  model: string | null;
  providerKind: string | null;
  promptVersions: Record<string, number>;
  sources: RetrievedPassage[] | null;
  usage: { inputTokens: number; outputTokens: number };
  cost: { costUsd: number; costKnown: boolean };
  queueMs: number;
  retrievalMs: number | null;
  firstTokenMs: number | null;
  totalMs: number;
}

export interface AnswerRequest {
  tenantId: string;
  tenantName: string;
  resolved: ResolvedAssistant;
  question: string;
  /** Earlier turns, oldest first (system prompts are added here, not by the caller). */
  history: ChatMessage[];
  signal: AbortSignal;
  /** performance.now() when the request arrived, for latency figures. */
  startedAt: number;
}

export interface AnswerPipelineDeps {
  models: ModelResolver;
  retriever: Retriever;
  retrievalK?: number;
  now?: () => number;
}

function numbered(passages: RetrievedPassage[]): string {
  return passages.map((p, i) => `[${i + 1}] ${p.title ? `${p.title}: ` : ""}${p.text}`).join("\n\n");
}

async function collect(stream: AsyncIterable<{ type: string; text?: string }>): Promise<string> {
  let out = "";
  for await (const ev of stream) if (ev.type === "token" && ev.text) out += ev.text;
  return out;
}

/**
 * The answer pipeline shared by chats and the OpenAI-compatible API: prompts from the assistant's
 * active versions, optional question condensing and retrieval (documents assistants), history
 * trimmed to the model's context, then the model's stream. Yields answer text; never throws for
 * provider failures: the outcome says how the answer ended.
 */
export function createAnswerPipeline(deps: AnswerPipelineDeps) {
  const now = deps.now ?? (() => performance.now());
  return {
    async *run(req: AnswerRequest, outcome: AnswerOutcome): AsyncGenerator<string> {
      const { resolved, signal } = req;
      const vars = { tenant: req.tenantName, date: new Date().toISOString().slice(0, 10), question: req.question };
      outcome.queueMs = Math.round(now() - req.startedAt);
      const mark = () => {
        if (outcome.firstTokenMs === null) outcome.firstTokenMs = Math.round(now() - req.startedAt);
      };
      try {
        const model = await deps.models.resolve(resolved.assistant);
        outcome.model = model.model;
        outcome.providerKind = model.providerKind;
        const systemPrompt = resolved.prompts.system;
        if (systemPrompt) outcome.promptVersions.system = systemPrompt.version;
        let userTurn = req.question;

        if (resolved.assistant.kind === "documents" && resolved.pipeline.retrieval !== false) {
          let query = req.question;
          const condense = resolved.prompts.condense;
          if (resolved.pipeline.condenseQuestion && condense && !model.isExtractive && req.history.length > 0) {
            outcome.promptVersions.condense = condense.version;
            const rewritten = await collect(
              model.stream({
                messages: [
                  { role: "system", content: renderTemplate(condense.template, vars) },
                  ...req.history.slice(-6),
                  { role: "user", content: req.question },
                ],
                signal,
              }),
            );
            query = rewritten.trim() || req.question;
          }
          const t = now();
          outcome.sources = await deps.retriever.retrieve(req.tenantId, query, { k: deps.retrievalK ?? 6, signal });
          outcome.retrievalMs = Math.round(now() - t);
          if (outcome.sources.length === 0) {
            // Nothing relevant: say so instead of letting a model invent an answer.
            mark();
            yield /[а-яё]/i.test(req.question) ? NOT_FOUND_RU : NOT_FOUND_EN;
            return;
          }
          const answerPrompt = resolved.prompts.answer;
          // The extractive answerer reads the passages from `context` and needs the bare question.
          if (answerPrompt && !model.isExtractive) {
            outcome.promptVersions.answer = answerPrompt.version;
            userTurn = renderTemplate(answerPrompt.template, { ...vars, context: numbered(outcome.sources) });
          }
        }

        const system: ChatMessage[] = systemPrompt
          ? [{ role: "system", content: renderTemplate(systemPrompt.template, vars) }]
          : [];
        const messages = trimHistory(
          [...system, ...req.history, { role: "user", content: userTurn }],
          model.contextWindow,
          Math.min(2048, Math.floor(model.contextWindow / 4)),
        );
        for await (const ev of model.stream({
          messages,
          context: outcome.sources ?? undefined,
          temperature: resolved.assistant.temperature ?? undefined,
          signal,
        })) {
          if (ev.type === "token") {
            mark();
            yield ev.text;
          } else {
            outcome.usage = ev.usage;
            outcome.cost = { costUsd: ev.cost.usd, costKnown: ev.cost.costKnown };
            if (ev.finishReason === "cancelled") outcome.status = "stopped";
          }
        }
        if (signal.aborted) outcome.status = "stopped";
      } catch (err) {
        if (signal.aborted || (isLlmError(err) && err.code === "llm.cancelled")) {
          outcome.status = "stopped";
        } else {
          outcome.status = "failed";
          outcome.errorCode = isLlmError(err) ? err.code : "llm.failed";
        }
      } finally {
        outcome.totalMs = Math.round(now() - req.startedAt);
      }
    },
  };
}
export type AnswerPipeline = ReturnType<typeof createAnswerPipeline>;

/** A fresh outcome, filled in by run(). */
export function newOutcome(): AnswerOutcome {
  return {
    status: "done",
    errorCode: null,
    model: null,
    providerKind: null,
    promptVersions: {},
    sources: null,
    usage: { inputTokens: 0, outputTokens: 0 },
    cost: { costUsd: 0, costKnown: true },
    queueMs: 0,
    retrievalMs: null,
    firstTokenMs: null,
    totalMs: 0,
  };
}

/** The request record of an answer. */
export function recordOf(
  o: AnswerOutcome,
  who: {
    tenantId: string;
    userId: string;
    assistantId: string;
    chatId: string | null;
    messageId: string | null;
    channel: string;
  },
) {
  return {
    ...who,
    kind: "chat",
    model: o.model,
    providerKind: o.providerKind,
    promptVersions: o.promptVersions,
    queueMs: o.queueMs,
    retrievalMs: o.retrievalMs,
    firstTokenMs: o.firstTokenMs,
    totalMs: o.totalMs,
    inputTokens: o.usage.inputTokens,
    outputTokens: o.usage.outputTokens,
    costUsd: o.cost.costUsd,
    status: o.status,
    errorCode: o.errorCode,
  };
}
