import { and, count, desc, eq, getTableColumns, ilike, inArray, lt, or, sql } from "drizzle-orm";
import type { DB } from "../../infra/db/database";
import {
  assistants,
  chats,
  marks,
  memberships,
  messages,
  requestRecords,
  reviews,
  tenants,
  users,
} from "../../infra/db/schema";

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

/** Chats, messages, marks and reviews. Callers run inside a transaction scoped to the tenant. */
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
    /**
     * Several chats at once (a batch of sends), each with its tenant's name and its OWNER's role in
     * that tenant (null: not a member); callers check that the owner is the one asking.
     */
    async findChatsWithOwnerRole(ids: string[], tx: DB = db) {
      if (ids.length === 0) return [];
      return tx
        .select({ ...chatWithAssistant, tenantName: tenants.name, memberRole: memberships.role })
        .from(chats)
        .innerJoin(assistants, eq(assistants.id, chats.assistantId))
        .innerJoin(tenants, eq(tenants.id, chats.tenantId))
        .leftJoin(memberships, and(eq(memberships.tenantId, chats.tenantId), eq(memberships.userId, chats.userId)))
        .where(inArray(chats.id, ids));
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
    /**
     * Inserts the messages of a batch of sends and marks their chats as just used (giving untitled
     * ones a title) in ONE statement (the chats' UPDATE is a data-modifying CTE).
     */
    async insertMessagesTouchingChats(
      values: NewMessage[],
      touches: { id: string; title: string }[],
      tx: DB = db,
    ): Promise<MessageRow[]> {
      const touched = tx.$with("touched").as(
        tx
          .update(chats)
          .set({
            updatedAt: new Date(),
            title: sql`case when ${chats.title} = '' then v.title else ${chats.title} end`,
          })
          .from(sql`jsonb_to_recordset(${JSON.stringify(touches)}::jsonb) as v(id uuid, title text)`)
          .where(eq(chats.id, sql`v.id`))
          .returning({ id: chats.id }),
      );
      const inserted = tx.$with("inserted").as(tx.insert(messages).values(values).returning(getTableColumns(messages)));
      return tx.with(touched, inserted).select().from(inserted).orderBy(inserted.seq);
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
     * records' INSERT is a data-modifying CTE); returns the updated rows (in no particular order).
     */
    async finishAnswers(
      finals: FinalPatch[],
      records: (typeof requestRecords.$inferInsert)[],
      tx: DB = db,
    ): Promise<MessageRow[]> {
      if (finals.length === 0) return [];
      const values = JSON.stringify(
        finals.map((f) => ({
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
        })),
      );
      const updated = tx.$with("updated").as(
        tx
          .update(messages)
          .set({
            content: sql`v.content`,
            status: sql`v.status`,
            model: sql`v.model`,
            providerKind: sql`v.provider_kind`,
            promptVersions: sql`v.prompt_versions`,
            usage: sql`v.usage`,
            latencyMs: sql`v.latency_ms`,
            firstTokenMs: sql`v.first_token_ms`,
            errorCode: sql`v.error_code`,
            sources: sql`v.sources`,
            updatedAt: new Date(),
          })
          .from(
            sql`jsonb_to_recordset(${values}::jsonb) as v(id uuid, content text, status text, model text,
              provider_kind text, prompt_versions jsonb, usage jsonb, latency_ms integer, first_token_ms integer,
              error_code text, sources jsonb)`,
          )
          .where(eq(messages.id, sql`v.id`))
          .returning(getTableColumns(messages)),
      );
      if (records.length === 0) return tx.with(updated).select().from(updated);
      const recorded = tx
        .$with("recorded")
        .as(tx.insert(requestRecords).values(records).returning({ id: requestRecords.id }));
      return tx.with(updated, recorded).select().from(updated);
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
        .from(sql`jsonb_to_recordset(${JSON.stringify(items)}::jsonb) as v(id uuid, content text)`)
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
    /** History for several chats at once: per chat its last `limit` messages, oldest first. */
    async recentHistories(chatIds: string[], limit: number, tx: DB = db): Promise<Map<string, HistoryRow[]>> {
      const out = new Map<string, HistoryRow[]>(chatIds.map((id) => [id, []]));
      if (chatIds.length === 0) return out;
      // Per chat, the newest `limit` messages by the (chat_id, seq) index, not the whole chat.
      const last = tx
        .select({
          id: messages.id,
          role: messages.role,
          content: messages.content,
          status: messages.status,
          seq: messages.seq,
        })
        .from(messages)
        .where(eq(messages.chatId, chats.id))
        .orderBy(desc(messages.seq))
        .limit(limit)
        .as("last");
      const rows = await tx
        .select({ chatId: chats.id, id: last.id, role: last.role, content: last.content, status: last.status })
        .from(chats)
        .crossJoinLateral(last)
        .where(inArray(chats.id, chatIds))
        .orderBy(last.seq);
      for (const { chatId, ...row } of rows) out.get(chatId)?.push(row);
      return out;
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
