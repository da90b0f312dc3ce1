import { and, count, desc, eq, ilike, inArray, lt, or, sql } from "drizzle-orm";
import { type DB, jsonRows, rowsOf } from "../../infra/db/database";
import {
  assistants,
  chats,
  marks,
  memberships,
  messages,
  type requestRecords,
  reviews,
  tenants,
  users,
} from "../../infra/db/schema";
import type { ChatFacts } from "./chat-state-cache";

export type ChatRow = typeof chats.$inferSelect;
export type MessageRow = typeof messages.$inferSelect;
export type NewMessage = typeof messages.$inferInsert;
export type HistoryRow = Pick<MessageRow, "id" | "role" | "content" | "status">;
/** The final state of an answer. */
export type FinalPatch = Pick<
  MessageRow,
  | "id"
  | "content"
  | "status"
  | "model"
  | "providerKind"
  | "promptVersions"
  | "usage"
  | "latencyMs"
  | "firstTokenMs"
  | "errorCode"
  | "sources"
>;

const chatWithAssistant = {
  id: chats.id,
  tenantId: chats.tenantId,
  userId: chats.userId,
  assistantId: chats.assistantId,
  assistantName: assistants.name,
  assistantKind: assistants.kind,
  title: chats.title,
  createdAt: chats.createdAt,
  updatedAt: chats.updatedAt,
};
export type ChatView = { [K in keyof typeof chatWithAssistant]: (typeof chatWithAssistant)[K]["_"]["data"] };

/** One send of a batch: the question for a chat, and the history version the caller holds. */
export interface SendInput {
  chatId: string;
  userId: string;
  /** Instance admins may use any tenant's chats they own. */
  admin: boolean;
  /** The chat's `updated_at` the caller's cached history matches (null: none cached). */
  known: string | null;
  content: string;
  /** The title an untitled chat gets. */
  title: string;
}
/** What a send found and wrote. */
export interface SendOutcome {
  /** False: the asker may not use the chat's tenant; nothing was written. */
  allowed: boolean;
  chat: ChatView & { tenantName: string };
  /** The chat's `updated_at` after the send, exactly. */
  version: string;
  /** The question and the empty answer, in that order (none when not allowed). */
  messages: MessageRow[];
  /** The last messages before them, oldest first; unset when the caller's `known` version was current. */
  history?: HistoryRow[];
}
type SendRow = {
  part: "chat" | "message" | "history";
  chat_id: string;
  id: string | null;
  role: string | null;
  content: string | null;
  status: string | null;
  seq: number | string | null;
  created_at: Date | string | null;
  updated_at: Date | string | null;
  version: string | null;
  tenant_id: string | null;
  user_id: string | null;
  assistant_id: string | null;
  title: string | null;
  tenant_name: string | null;
  assistant_name: string | null;
  assistant_kind: string | null;
  allowed: boolean | null;
};

/**
 * Chats, messages, marks and reviews. Callers run inside a transaction scoped to the tenant, except
 * for `sendToChats` and `finishAnswers`, which scope themselves and are called outside one.
 */
export function createChatsRepository(db: DB) {
  return {
    async createChat(values: { tenantId: string; userId: string; assistantId: string; title: string }, tx: DB = db) {
      const [row] = await tx.insert(chats).values(values).returning();
      if (!row) throw new Error("insert returned nothing");
      return row;
    },
    /** A chat with its tenant's name and `userId`'s role in that tenant (null: not a member), in one query. */
    async findChatForUser(id: string, userId: string, tx: DB = db) {
      const [row] = await tx
        .select({ ...chatWithAssistant, tenantName: tenants.name, memberRole: memberships.role })
        .from(chats)
        .innerJoin(assistants, eq(assistants.id, chats.assistantId))
        .innerJoin(tenants, eq(tenants.id, chats.tenantId))
        .leftJoin(memberships, and(eq(memberships.tenantId, chats.tenantId), eq(memberships.userId, userId)))
        .where(eq(chats.id, id));
      return row;
    },
    /** What never changes about several chats (tenant, owner, assistant): one query, any tenant the scope sees. */
    async findChatFacts(ids: string[], tx: DB = db): Promise<ChatFacts[]> {
      if (ids.length === 0) return [];
      const rows = rowsOf<{ id: string; tenant_id: string; user_id: string; assistant_id: string }>(
        await tx.execute(
          sql`select id, tenant_id, user_id, assistant_id from chats where id = any(${`{${ids.join(",")}}`}::uuid[])`,
        ),
      );
      return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id, userId: r.user_id, assistantId: r.assistant_id }));
    },
    /**
     * A batch of sends in ONE statement (its text is the same for any batch, so its plan is kept):
     * per chat, the access check (the chat exists, the asker owns it, and is a member of its tenant
     * or an instance admin), the question and an empty `streaming` answer inserted (in that order),
     * the chat marked as just used (an untitled one gets `title`), and its last `historyLimit`
     * messages before them unless `known` is still the chat's version (`updated_at`). A chat that
     * does not exist or is not the asker's has no outcome; one the asker may not use has
     * `allowed: false` and nothing written. The statement is the function `atrium_chat_send`, which
     * scopes itself to `tenantId`: call it outside a transaction (it is one on its own: one round trip).
     */
    async sendToChats(
      tenantId: string,
      sends: SendInput[],
      historyLimit: number,
      tx: DB = db,
    ): Promise<Map<string, SendOutcome>> {
      const input = sends.map((s, i) => ({
        i,
        chat_id: s.chatId,
        user_id: s.userId,
        admin: s.admin,
        known: s.known,
        content: s.content,
        title: s.title,
      }));
      // The statement lives in the function (migration 0013), which scopes itself to the tenant.
      const rows = rowsOf<SendRow>(
        await tx.execute(
          sql`select * from atrium_chat_send(${tenantId}::uuid, ${JSON.stringify(input)}::jsonb, ${historyLimit}::integer)`,
        ),
      );
      const out = new Map<string, SendOutcome>();
      for (const r of rows) {
        if (r.part !== "chat") continue;
        out.set(r.chat_id, {
          allowed: Boolean(r.allowed),
          version: String(r.version),
          chat: {
            id: r.chat_id,
            tenantId: String(r.tenant_id),
            userId: String(r.user_id),
            assistantId: String(r.assistant_id),
            assistantName: String(r.assistant_name),
            assistantKind: r.assistant_kind as ChatView["assistantKind"],
            title: String(r.title),
            createdAt: new Date(r.created_at as Date),
            updatedAt: new Date(r.updated_at as Date),
            tenantName: String(r.tenant_name),
          },
          messages: [],
        });
      }
      for (const r of rows) {
        const outcome = out.get(r.chat_id);
        if (!outcome || r.part === "chat") continue;
        const row = { id: String(r.id), role: r.role as MessageRow["role"], content: String(r.content) };
        const status = r.status as MessageRow["status"];
        if (r.part === "history") {
          outcome.history ??= [];
          outcome.history.push({ ...row, status });
        } else {
          outcome.messages.push({
            ...row,
            status,
            chatId: r.chat_id,
            tenantId: outcome.chat.tenantId,
            model: null,
            providerKind: null,
            promptVersions: null,
            usage: null,
            latencyMs: null,
            firstTokenMs: null,
            errorCode: null,
            sources: null,
            seq: Number(r.seq),
            createdAt: new Date(r.created_at as Date),
            updatedAt: new Date(r.updated_at as Date),
          });
        }
      }
      return out;
    },
    async findChat(id: string, tx: DB = db): Promise<ChatView | undefined> {
      const [row] = await tx
        .select(chatWithAssistant)
        .from(chats)
        .innerJoin(assistants, eq(assistants.id, chats.assistantId))
        .where(eq(chats.id, id));
      return row;
    },
    /** A user's chats in a tenant, newest first; `q` searches titles and message text. */
    async listChats(
      opts: { tenantId: string; userId: string; q?: string; limit: number; offset: number },
      tx: DB = db,
    ) {
      const search = opts.q
        ? or(
            ilike(chats.title, `%${opts.q}%`),
            sql`exists (select 1 from ${messages} m where m.chat_id = ${chats.id} and m.content ilike ${`%${opts.q}%`})`,
          )
        : undefined;
      const where = and(eq(chats.tenantId, opts.tenantId), eq(chats.userId, opts.userId), search);
      const rows = await tx
        .select(chatWithAssistant)
        .from(chats)
        .innerJoin(assistants, eq(assistants.id, chats.assistantId))
        .where(where)
        .orderBy(desc(chats.updatedAt))
        .limit(opts.limit)
        .offset(opts.offset);
      const [total] = await tx.select({ n: count() }).from(chats).where(where);
      return { rows, total: total?.n ?? 0 };
    },
    async renameChat(id: string, title: string, tx: DB = db) {
      await tx.update(chats).set({ title, updatedAt: new Date() }).where(eq(chats.id, id));
    },
    async touchChat(id: string, tx: DB = db) {
      await tx.update(chats).set({ updatedAt: new Date() }).where(eq(chats.id, id));
    },
    async deleteChat(id: string, tx: DB = db): Promise<boolean> {
      return (await tx.delete(chats).where(eq(chats.id, id)).returning({ id: chats.id })).length > 0;
    },

    /** Inserts several messages in one statement; their `seq` follows the order given. */
    async insertMessages(values: NewMessage[], tx: DB = db): Promise<MessageRow[]> {
      return tx.insert(messages).values(values).returning();
    },
    async findMessage(id: string, tx: DB = db): Promise<MessageRow | undefined> {
      const [row] = await tx.select().from(messages).where(eq(messages.id, id));
      return row;
    },
    /**
     * Stores the final state of several answers and their request records in ONE statement (the
     * records' INSERT is a data-modifying CTE; the statement text is the same for any batch);
     * returns each stored answer's new `updated_at` (answers no longer there are missing). The
     * statement is the function `atrium_chat_finish`, which scopes itself to `tenantId`: call it
     * outside a transaction (it is one on its own: one round trip).
     */
    async finishAnswers(
      tenantId: string,
      finals: FinalPatch[],
      records: (typeof requestRecords.$inferInsert)[],
      tx: DB = db,
    ): Promise<Map<string, Date>> {
      if (finals.length === 0) return new Map();
      const answers = finals.map((f) => ({
        id: f.id,
        content: f.content,
        status: f.status,
        model: f.model,
        provider_kind: f.providerKind,
        prompt_versions: f.promptVersions,
        usage: f.usage,
        latency_ms: f.latencyMs,
        first_token_ms: f.firstTokenMs,
        error_code: f.errorCode,
        sources: f.sources,
      }));
      const recordRows = records.map((r) => ({
        tenant_id: r.tenantId,
        user_id: r.userId,
        assistant_id: r.assistantId,
        chat_id: r.chatId,
        message_id: r.messageId,
        kind: r.kind,
        channel: r.channel,
        model: r.model,
        provider_kind: r.providerKind,
        prompt_versions: r.promptVersions,
        queue_ms: r.queueMs,
        retrieval_ms: r.retrievalMs,
        first_token_ms: r.firstTokenMs,
        total_ms: r.totalMs,
        input_tokens: r.inputTokens,
        output_tokens: r.outputTokens,
        cost_usd: r.costUsd,
        status: r.status,
        error_code: r.errorCode,
      }));
      // The statement lives in the function (migration 0013), which scopes itself to the tenant.
      const rows = rowsOf<{ id: string; updated_at: Date | string }>(
        await tx.execute(
          sql`select * from atrium_chat_finish(${tenantId}::uuid, ${JSON.stringify(answers)}::jsonb, ${JSON.stringify(recordRows)}::jsonb)`,
        ),
      );
      return new Map(rows.map((r) => [r.id, new Date(r.updated_at)]));
    },
    /**
     * Writes the text so far of several running answers (content null: only marks it alive), in
     * one statement. Answers that ended meanwhile are left alone: a late flush never overwrites a
     * final row.
     */
    async flushPartials(items: { id: string; content: string | null }[], tx: DB = db): Promise<void> {
      if (items.length === 0) return;
      await tx
        .update(messages)
        .set({ content: sql`coalesce(v.content, ${messages.content})`, updatedAt: new Date() })
        .from(jsonRows(items, sql`id uuid, content text`))
        .where(and(eq(messages.id, sql`v.id`), eq(messages.status, "streaming")));
    },
    /** A page of messages, oldest first; `before` pages back from a message (by insertion order). */
    async listMessages(chatId: string, opts: { before?: MessageRow; limit: number }, tx: DB = db) {
      const older = opts.before
        ? sql`${messages.seq} < (select m.seq from ${messages} m where m.id = ${opts.before.id})`
        : undefined;
      const rows = await tx
        .select()
        .from(messages)
        .where(and(eq(messages.chatId, chatId), older))
        .orderBy(desc(messages.seq))
        .limit(opts.limit + 1);
      return { rows: rows.slice(0, opts.limit).reverse(), hasMore: rows.length > opts.limit };
    },
    /** Fails answers whose generation stopped reporting (a crashed process); returns how many. */
    async failStaleStreaming(olderThan: Date, tx: DB = db): Promise<MessageRow[]> {
      return tx
        .update(messages)
        .set({ status: "failed", errorCode: "llm.failed", updatedAt: new Date() })
        .where(and(eq(messages.status, "streaming"), lt(messages.updatedAt, olderThan)))
        .returning();
    },

    async setMark(values: { messageId: string; userId: string; tenantId: string; value: number }, tx: DB = db) {
      await tx
        .insert(marks)
        .values(values)
        .onConflictDoUpdate({
          target: [marks.messageId, marks.userId],
          set: { value: values.value, updatedAt: new Date() },
        });
    },
    async clearMark(messageId: string, userId: string, tx: DB = db) {
      await tx.delete(marks).where(and(eq(marks.messageId, messageId), eq(marks.userId, userId)));
    },
    async marksOf(userId: string, messageIds: string[], tx: DB = db): Promise<Map<string, number>> {
      if (messageIds.length === 0) return new Map();
      const rows = await tx
        .select({ messageId: marks.messageId, value: marks.value })
        .from(marks)
        .where(and(eq(marks.userId, userId), inArray(marks.messageId, messageIds)));
      return new Map(rows.map((r) => [r.messageId, r.value]));
    },
    async addReview(
      values: { messageId: string; userId: string; tenantId: string; text: string; tags: string[] },
      tx: DB = db,
    ) {
      const [row] = await tx.insert(reviews).values(values).returning();
      if (!row) throw new Error("insert returned nothing");
      return row;
    },
    /** Assistant messages with a mark or a review in a tenant, newest first (for tenant admins). */
    async listFeedback(tenantId: string, opts: { limit: number; offset: number }, tx: DB = db) {
      return tx
        .select({
          messageId: messages.id,
          chatId: messages.chatId,
          answer: messages.content,
          createdAt: messages.createdAt,
          userEmail: users.email,
          assistantName: assistants.name,
          mark: sql<number | null>`(select max(value) from ${marks} mk where mk.message_id = ${messages.id})`,
          review: sql<
            string | null
          >`(select text from ${reviews} r where r.message_id = ${messages.id} order by r.created_at desc limit 1)`,
          tags: sql<
            string[] | null
          >`(select tags from ${reviews} r where r.message_id = ${messages.id} order by r.created_at desc limit 1)`,
        })
        .from(messages)
        .innerJoin(chats, eq(chats.id, messages.chatId))
        .innerJoin(users, eq(users.id, chats.userId))
        .innerJoin(assistants, eq(assistants.id, chats.assistantId))
        .where(
          and(
            eq(messages.tenantId, tenantId),
            eq(messages.role, "assistant"),
            sql`(exists (select 1 from ${marks} mk where mk.message_id = ${messages.id}) or exists (select 1 from ${reviews} r where r.message_id = ${messages.id}))`,
          ),
        )
        .orderBy(desc(messages.createdAt))
        .limit(opts.limit)
        .offset(opts.offset);
    },
  };
}
export type ChatsRepository = ReturnType<typeof createChatsRepository>;
