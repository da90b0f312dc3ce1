import type { Database } from "../../infra/db/database";
import type { ChatMessage } from "../../infra/llm/llm.types";
import { badRequest, notFound, unauthorized } from "../../lib/errors";
import type { Actor } from "../../plugins/auth";
import type { AssistantsService } from "../assistants/assistants.service";
import type { AnswerOutcome, AnswerPipeline } from "../chats/answer-pipeline";
import { newOutcome, recordOf } from "../chats/answer-pipeline";
import type { RecordsRepository } from "../records/records.repository";
import type { TenantsRepository } from "../tenants/tenants.repository";
import type { ChatCompletionRequest } from "./openai.schemas";

export interface OpenAiServiceDeps {
  database: Pick<Database, "scoped">;
  assistants: Pick<AssistantsService, "listForTenant" | "resolve">;
  tenants: Pick<TenantsRepository, "findById">;
  records: Pick<RecordsRepository, "insert">;
  pipeline: AnswerPipeline;
}

/** Text of an OpenAI message content (a string or text parts). */
function textOf(content: ChatCompletionRequest["messages"][number]["content"]): string {
  if (typeof content === "string") return content;
  if (!content) return "";
  return content.map((p) => (p.type === "text" ? (p.text ?? "") : "")).join("");
}

/** OpenAI-compatible access to assistants: `model` is an assistant's slug in the API key's tenant. */
export function createOpenAiService(deps: OpenAiServiceDeps) {
  const tenantOf = (actor: Actor): string => {
    if (!actor.apiKeyTenantId) {
      throw unauthorized(
        "auth.unauthenticated",
        "Use an Atrium API key (Authorization: Bearer atr_…): it names the tenant.",
      );
    }
    return actor.apiKeyTenantId;
  };

  return {
    async models(actor: Actor) {
      const list = await deps.assistants.listForTenant(actor, tenantOf(actor));
      return {
        object: "list" as const,
        data: list.map((a) => ({ id: a.slug, object: "model" as const, created: 0, owned_by: "atrium" })),
      };
    },

    /** Starts a completion; the caller iterates `pieces` and reads `outcome` afterwards. */
    async start(actor: Actor, body: ChatCompletionRequest, signal: AbortSignal, startedAt: number) {
      const tenantId = tenantOf(actor);
      const available = await deps.assistants.listForTenant(actor, tenantId);
      const summary = available.find((a) => a.slug === body.model);
      if (!summary) {
        throw notFound(
          "assistant.not_found",
          `No assistant "${body.model}" in this tenant. GET /v1/models lists them.`,
        );
      }
      const last = body.messages[body.messages.length - 1];
      if (last?.role !== "user" || !textOf(last.content).trim()) {
        throw badRequest("request.invalid", "messages: the last message must be a user message with text.");
      }
      const { resolved: shared, tenantName } = await deps.database.scoped(
        { tenantId, userId: actor.userId },
        async (tx) => ({
          resolved: await deps.assistants.resolve(tenantId, summary.id, tx),
          tenantName: (await deps.tenants.findById(tenantId, tx))?.name ?? "",
        }),
      );
      const history: ChatMessage[] = body.messages.slice(0, -1).flatMap((m): ChatMessage[] => {
        const content = textOf(m.content);
        if (!content) return [];
        if (m.role === "user" || m.role === "assistant") return [{ role: m.role, content }];
        if (m.role === "system" || m.role === "developer") return [{ role: "system", content }];
        return [];
      });
      // The resolved assistant is shared (cached): this request's temperature goes on a copy.
      const resolved =
        body.temperature !== undefined && body.temperature !== null
          ? { ...shared, assistant: { ...shared.assistant, temperature: body.temperature } }
          : shared;
      const outcome = newOutcome();
      const pieces = deps.pipeline.run(
        { tenantId, tenantName, resolved, question: textOf(last.content), history, signal, startedAt },
        outcome,
      );
      const finish = async (o: AnswerOutcome) => {
        await deps.database.scoped({ tenantId }, (tx) =>
          deps.records.insert(
            recordOf(o, {
              tenantId,
              userId: actor.userId,
              assistantId: summary.id,
              chatId: null,
              messageId: null,
              channel: "openai",
            }),
            tx,
          ),
        );
      };
      return { pieces, outcome, finish, model: summary.slug };
    },
  };
}
export type OpenAiService = ReturnType<typeof createOpenAiService>;
