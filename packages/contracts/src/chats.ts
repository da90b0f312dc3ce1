import { z } from "zod";
import { pageOf } from "./common";

export const MessageStatusSchema = z.enum(["streaming", "done", "stopped", "failed"]);
export type MessageStatus = z.infer<typeof MessageStatusSchema>;

export const SourceSchema = z.object({
  id: z.string(),
  title: z.string().optional(),
  ref: z.string().optional(),
  text: z.string().optional(),
  score: z.number().optional(),
  /** The document the passage is from, and its page for PDFs: citations open it there. */
  documentId: z.string().optional(),
  page: z.number().int().nullable().optional(),
});

export const UsageSchema = z.object({
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  costUsd: z.number(),
  costKnown: z.boolean(),
});

export const MessageSchema = z.object({
  id: z.uuid(),
  chatId: z.uuid(),
  role: z.enum(["user", "assistant", "system"]),
  content: z.string(),
  status: MessageStatusSchema,
  model: z.string().nullable(),
  providerKind: z.string().nullable(),
  promptVersions: z.record(z.string(), z.number()).nullable(),
  usage: UsageSchema.nullable(),
  latencyMs: z.number().int().nullable(),
  firstTokenMs: z.number().int().nullable(),
  errorCode: z.string().nullable(),
  sources: z.array(SourceSchema).nullable(),
  /** The caller's own mark on this message: 1, -1, or null. */
  myMark: z.number().int().nullable(),
  createdAt: z.iso.datetime(),
});
export type Message = z.infer<typeof MessageSchema>;

export const ChatSchema = z.object({
  id: z.uuid(),
  tenantId: z.uuid(),
  assistantId: z.uuid(),
  assistantName: z.string(),
  assistantKind: z.string(),
  title: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Chat = z.infer<typeof ChatSchema>;

export const CreateChatSchema = z
  .object({ tenantId: z.uuid(), assistantId: z.uuid(), title: z.string().trim().max(200).optional() })
  .strict();
export const UpdateChatSchema = z.object({ title: z.string().trim().min(1).max(200) }).strict();
export const ChatListQuerySchema = z.object({
  tenantId: z.uuid(),
  q: z.string().trim().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export const ChatListSchema = pageOf(ChatSchema);

export const MessageListQuerySchema = z.object({
  /** Messages created before this message id (older page); newest page when absent. */
  before: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const MessageListSchema = z.object({ items: z.array(MessageSchema), hasMore: z.boolean() });

export const MAX_MESSAGE_CHARS = 32_000;
export const SendMessageSchema = z
  .object({ content: z.string().trim().min(1, "Write a message first").max(MAX_MESSAGE_CHARS) })
  .strict();
export const SendResultSchema = z.object({ userMessage: MessageSchema, assistantMessage: MessageSchema });

export const MarkSchema = z.object({ value: z.union([z.literal(1), z.literal(-1), z.literal(0)]) }).strict();
export const ReviewSchema = z
  .object({
    text: z.string().trim().min(1).max(5000),
    tags: z.array(z.string().trim().min(1).max(40)).max(10).default([]),
  })
  .strict();
export const ReviewOutSchema = z.object({
  id: z.uuid(),
  messageId: z.uuid(),
  text: z.string(),
  tags: z.array(z.string()),
  createdAt: z.iso.datetime(),
});

/** Feedback list for tenant admins. */
export const FeedbackItemSchema = z.object({
  messageId: z.uuid(),
  chatId: z.uuid(),
  userEmail: z.string(),
  assistantName: z.string(),
  answer: z.string(),
  mark: z.number().int().nullable(),
  review: z.string().nullable(),
  tags: z.array(z.string()),
  createdAt: z.iso.datetime(),
});
export const FeedbackQuerySchema = z.object({
  tenantId: z.uuid(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const RequestRecordSchema = z.object({
  id: z.uuid(),
  tenantId: z.uuid(),
  userId: z.uuid().nullable(),
  assistantId: z.uuid().nullable(),
  chatId: z.uuid().nullable(),
  messageId: z.uuid().nullable(),
  kind: z.string(),
  channel: z.string(),
  model: z.string().nullable(),
  providerKind: z.string().nullable(),
  promptVersions: z.record(z.string(), z.number()).nullable(),
  queueMs: z.number().int().nullable(),
  retrievalMs: z.number().int().nullable(),
  firstTokenMs: z.number().int().nullable(),
  totalMs: z.number().int().nullable(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  costUsd: z.number(),
  status: z.string(),
  errorCode: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export const RequestRecordQuerySchema = z.object({
  tenantId: z.uuid().optional(),
  assistantId: z.uuid().optional(),
  userId: z.uuid().optional(),
  status: z.string().max(20).optional(),
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
export const UsageSummarySchema = z.object({
  requests: z.number().int(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  costUsd: z.number(),
  byUser: z.array(
    z.object({
      userId: z.uuid().nullable(),
      email: z.string().nullable(),
      requests: z.number().int(),
      costUsd: z.number(),
      tokens: z.number().int(),
    }),
  ),
  byTenant: z.array(
    z.object({
      tenantId: z.uuid(),
      tenantName: z.string(),
      requests: z.number().int(),
      costUsd: z.number(),
      tokens: z.number().int(),
    }),
  ),
});
