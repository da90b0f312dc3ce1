import { z } from "zod";
import { MAX_MESSAGE_CHARS } from "./chats";

/**
 * The /ws/chat protocol (docs/CHAT-PROTOCOL.md). Client → server messages; every one may carry a
 * `ref` the server echoes in its answers and errors.
 */
export const ClientEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("auth"), token: z.string().min(1).max(4096), ref: z.string().max(64).optional() }),
  z.object({
    type: z.literal("send"),
    chatId: z.uuid(),
    content: z.string().trim().min(1).max(MAX_MESSAGE_CHARS),
    ref: z.string().max(64).optional(),
  }),
  z.object({ type: z.literal("stop"), messageId: z.uuid(), ref: z.string().max(64).optional() }),
  z.object({ type: z.literal("regenerate"), messageId: z.uuid(), ref: z.string().max(64).optional() }),
  /** Continue an answer after a reconnect: the server sends text from `offset` (characters) on. */
  z.object({
    type: z.literal("resume"),
    messageId: z.uuid(),
    offset: z.number().int().min(0).default(0),
    ref: z.string().max(64).optional(),
  }),
  z.object({ type: z.literal("ping"), ref: z.string().max(64).optional() }),
  /** Live document status (upload progress) of a tenant the user belongs to. */
  z.object({ type: z.literal("subscribe"), tenantId: z.uuid(), ref: z.string().max(64).optional() }),
  z.object({ type: z.literal("unsubscribe"), tenantId: z.uuid(), ref: z.string().max(64).optional() }),
]);
export type ClientEvent = z.infer<typeof ClientEventSchema>;

/** Server → client events. */
export type ServerEvent =
  | { type: "ready"; userId: string }
  | { type: "pong"; ref?: string }
  | { type: "message.created"; chatId: string; ref?: string; userMessage?: unknown; assistantMessage: unknown }
  /** `offset` is where `text` starts in the answer, so a client can de-duplicate after resume. */
  | { type: "token"; chatId: string; messageId: string; offset: number; text: string }
  | { type: "message.done"; chatId: string; message: unknown }
  | { type: "message.failed"; chatId: string; messageId: string; error: { code: string; message: string } }
  | { type: "subscribed"; tenantId: string; ref?: string }
  | { type: "document.updated"; document: unknown }
  | { type: "error"; ref?: string; error: { code: string; message: string } };
