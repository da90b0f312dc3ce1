import { ErrorBodySchema } from "@atrium/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { LLM_ERROR_STATUS, type LlmErrorCode } from "../../infra/llm/llm.types";
import { actorOf } from "../../plugins/auth";
import { userFacingError } from "../chats/chats.service";
import { ChatCompletionRequestSchema, ChatCompletionSchema, ModelListSchema } from "./openai.schemas";
import type { OpenAiService } from "./openai.service";

const errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema, 404: ErrorBodySchema };
const tags = ["openai-compatible"];

/** POST /v1/chat/completions (streaming and not) and GET /v1/models, for OpenAI clients. */
export function openAiRoutes(service: OpenAiService): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook("onRequest", app.authenticate);

    app.get(
      "/models",
      {
        schema: {
          tags,
          summary: "Assistants usable with this API key, as OpenAI models",
          response: { 200: ModelListSchema, ...errors },
        },
      },
      async (request) => service.models(actorOf(request)),
    );

    app.post(
      "/chat/completions",
      {
        schema: {
          tags,
          summary: "OpenAI-compatible chat completion; model = assistant slug; stream=true for SSE chunks",
          body: ChatCompletionRequestSchema,
          response: { 200: ChatCompletionSchema, ...errors },
        },
      },
      async (request, reply) => {
        const startedAt = performance.now();
        const abort = new AbortController();
        let ended = false;
        reply.raw.on("close", () => {
          if (!ended) abort.abort(new Error("client disconnected"));
        });
        const run = await service.start(actorOf(request), request.body, abort.signal, startedAt);
        const id = `chatcmpl-${crypto.randomUUID().replaceAll("-", "")}`;
        const created = Math.floor(Date.now() / 1000);
        const usageOut = () => ({
          prompt_tokens: run.outcome.usage.inputTokens,
          completion_tokens: run.outcome.usage.outputTokens,
          total_tokens: run.outcome.usage.inputTokens + run.outcome.usage.outputTokens,
        });
        const failure = () => {
          const code = run.outcome.errorCode ?? "llm.failed";
          return {
            status: LLM_ERROR_STATUS[code as LlmErrorCode] ?? 502,
            body: { error: { code, message: userFacingError(code), requestId: request.id, type: "api_error" } },
          };
        };

        if (!request.body.stream) {
          let content = "";
          for await (const piece of run.pieces) content += piece;
          ended = true;
          await run.finish(run.outcome);
          if (run.outcome.status === "failed") {
            const f = failure();
            return reply.status(f.status).send(f.body);
          }
          return {
            id,
            object: "chat.completion" as const,
            created,
            model: run.model,
            choices: [{ index: 0, message: { role: "assistant" as const, content }, finish_reason: "stop" as const }],
            usage: usageOut(),
          };
        }

        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          "content-type": "text/event-stream; charset=utf-8",
          "cache-control": "no-cache, no-transform",
          connection: "keep-alive",
          "x-request-id": request.id,
        });
        const chunk = (delta: Record<string, string>, finish: "stop" | null) =>
          res.write(
            `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: run.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`,
          );
        chunk({ role: "assistant", content: "" }, null);
        for await (const piece of run.pieces) chunk({ content: piece }, null);
        ended = true;
        await run.finish(run.outcome);
        if (run.outcome.status === "failed") {
          res.write(`data: ${JSON.stringify(failure().body)}\n\n`);
        } else {
          chunk({}, "stop");
          if (request.body.stream_options?.include_usage) {
            res.write(
              `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: run.model, choices: [], usage: usageOut() })}\n\n`,
            );
          }
        }
        res.write("data: [DONE]\n\n");
        res.end();
      },
    );
  };
}
