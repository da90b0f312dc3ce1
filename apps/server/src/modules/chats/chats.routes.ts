import {
  ChatListQuerySchema,
  ChatListSchema,
  ChatSchema,
  CreateChatSchema,
  ErrorBodySchema,
  FeedbackItemSchema,
  FeedbackQuerySchema,
  IdParamsSchema,
  MarkSchema,
  MessageListQuerySchema,
  MessageListSchema,
  MessageSchema,
  ReviewOutSchema,
  ReviewSchema,
  SendMessageSchema,
  SendResultSchema,
  UpdateChatSchema,
} from "@atrium/contracts";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { actorOf } from "../../plugins/auth";
import type { ChatsService, SendResult } from "./chats.service";
import { userFacingError } from "./chats.service";
import type { GenerationHub } from "./generation-hub";
import { presentMessage } from "./messages.presenter";

const errors = {
  400: ErrorBodySchema,
  401: ErrorBodySchema,
  403: ErrorBodySchema,
  404: ErrorBodySchema,
  409: ErrorBodySchema,
};
const tags = ["chats"];

const wantsEventStream = (request: FastifyRequest) => (request.headers.accept ?? "").includes("text/event-stream");

/**
 * Answers a send/regenerate either as Server-Sent Events (token by token) or, for plain JSON
 * callers, once the answer is finished.
 */
async function deliver(request: FastifyRequest, reply: FastifyReply, result: SendResult, hub: GenerationHub) {
  const { generation } = result;
  if (!wantsEventStream(request)) {
    let finished = false;
    reply.raw.on("close", () => {
      if (!finished) hub.release(generation.messageId);
    });
    const row = await result.done;
    finished = true;
    return reply.send({
      userMessage: result.userMessage ?? presentMessage(row),
      assistantMessage: presentMessage(row),
    });
  }
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache, no-transform",
    connection: "keep-alive",
    "x-accel-buffering": "no",
    "x-request-id": request.id,
  });
  const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  const chatId = generation.chatId;
  send("message.created", { chatId, userMessage: result.userMessage, assistantMessage: result.assistantMessage });
  const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), 15_000);
  const unsubscribe = hub.subscribe(generation.messageId, (ev) => {
    if (ev.type === "token")
      send("token", { chatId, messageId: generation.messageId, offset: ev.offset, text: ev.text });
  });
  reply.raw.on("close", () => {
    clearInterval(heartbeat);
    unsubscribe?.();
  });
  const row = await result.done;
  clearInterval(heartbeat);
  if (row.status === "failed") {
    send("message.failed", {
      chatId,
      messageId: row.id,
      error: { code: row.errorCode ?? "llm.failed", message: userFacingError(row.errorCode ?? "llm.failed") },
    });
  }
  send("message.done", { chatId, message: presentMessage(row) });
  res.end();
}

/** Chats and messages over HTTP (JSON or SSE), marks, reviews and tenant feedback. */
export function chatsRoutes(chats: ChatsService, hub: GenerationHub): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook("onRequest", app.authenticate);

    app.post(
      "/chats",
      {
        schema: {
          tags,
          summary: "Start a chat with an assistant in a tenant",
          body: CreateChatSchema,
          response: { 201: ChatSchema, ...errors },
        },
      },
      async (request, reply) => reply.status(201).send(await chats.create(actorOf(request), request.body)),
    );
    app.get(
      "/chats",
      {
        schema: {
          tags,
          summary: "My chats in a tenant (q searches titles and messages)",
          querystring: ChatListQuerySchema,
          response: { 200: ChatListSchema, ...errors },
        },
      },
      async (request) => chats.list(actorOf(request), request.query),
    );
    app.get(
      "/chats/:id",
      { schema: { tags, summary: "Get a chat", params: IdParamsSchema, response: { 200: ChatSchema, ...errors } } },
      async (request) => chats.get(actorOf(request), request.params.id),
    );
    app.patch(
      "/chats/:id",
      {
        schema: {
          tags,
          summary: "Rename a chat",
          params: IdParamsSchema,
          body: UpdateChatSchema,
          response: { 200: ChatSchema, ...errors },
        },
      },
      async (request) => chats.rename(actorOf(request), request.params.id, request.body.title),
    );
    app.delete(
      "/chats/:id",
      {
        schema: {
          tags,
          summary: "Delete a chat and its messages",
          params: IdParamsSchema,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        await chats.remove(actorOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );
    app.get(
      "/chats/:id/messages",
      {
        schema: {
          tags,
          summary: "A page of messages, oldest first (before= pages back)",
          params: IdParamsSchema,
          querystring: MessageListQuerySchema,
          response: { 200: MessageListSchema, ...errors },
        },
      },
      async (request) => chats.messages(actorOf(request), request.params.id, request.query),
    );
    app.post(
      "/chats/:id/messages",
      {
        schema: {
          tags,
          summary: "Send a message; answers with SSE when Accept: text/event-stream, else JSON when done",
          params: IdParamsSchema,
          body: SendMessageSchema,
          response: { 200: SendResultSchema, ...errors },
        },
      },
      async (request, reply) => {
        const channel = wantsEventStream(request) ? "sse" : "http";
        const result = await chats.send(actorOf(request), request.params.id, request.body.content, channel);
        return deliver(request, reply, result, hub);
      },
    );
    app.post(
      "/messages/:id/regenerate",
      {
        schema: {
          tags,
          summary: "Answer the same question again (SSE or JSON)",
          params: IdParamsSchema,
          response: { 200: SendResultSchema, ...errors },
        },
      },
      async (request, reply) => {
        const channel = wantsEventStream(request) ? "sse" : "http";
        const result = await chats.regenerate(actorOf(request), request.params.id, channel);
        return deliver(request, reply, result, hub);
      },
    );
    app.post(
      "/messages/:id/stop",
      {
        schema: {
          tags,
          summary: "Stop an answer being written",
          params: IdParamsSchema,
          response: { 200: z.object({ stopped: z.boolean() }), ...errors },
        },
      },
      async (request) => ({ stopped: await chats.stop(actorOf(request), request.params.id) }),
    );
    app.put(
      "/messages/:id/mark",
      {
        schema: {
          tags,
          summary: "Rate an answer: 1 up, -1 down, 0 clear",
          params: IdParamsSchema,
          body: MarkSchema,
          response: { 200: MessageSchema, ...errors },
        },
      },
      async (request) => chats.mark(actorOf(request), request.params.id, request.body.value),
    );
    app.post(
      "/messages/:id/reviews",
      {
        schema: {
          tags,
          summary: "Write a review of an answer",
          params: IdParamsSchema,
          body: ReviewSchema,
          response: { 201: ReviewOutSchema, ...errors },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await chats.review(actorOf(request), request.params.id, request.body)),
    );
    app.get(
      "/feedback",
      {
        schema: {
          tags,
          summary: "Rated and reviewed answers in a tenant (tenant admins)",
          querystring: FeedbackQuerySchema,
          response: { 200: z.array(FeedbackItemSchema), ...errors },
        },
      },
      async (request) => chats.feedback(actorOf(request), request.query.tenantId, request.query),
    );
  };
}
