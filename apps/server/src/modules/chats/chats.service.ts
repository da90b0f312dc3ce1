import type { Chat, Message } from "@atrium/contracts";
import type { Database, DB } from "../../infra/db/database";
import type { ChatMessage } from "../../infra/llm/llm.types";
import { isLlmError } from "../../infra/llm/llm.types";
import { trimHistory } from "../../infra/llm/tokens";
import { badRequest, conflict, notFound } from "../../lib/errors";
import type { Actor } from "../../plugins/auth";
import type { ResolvedAssistant } from "../assistants/assistants.service";
import { renderTemplate } from "../assistants/default-assistants";
import type { RecordsRepository } from "../records/records.repository";
import type { RequireTenantRole } from "../tenants/tenant-access";
import type { TenantsRepository } from "../tenants/tenants.repository";
import type { ModelResolver, RetrievedPassage, Retriever } from "./chat-ports";
import type { ChatsRepository, ChatView, MessageRow } from "./chats.repository";
import type { Generation, GenerationHub } from "./generation-hub";
import { presentMessage } from "./messages.presenter";

export type Channel = "ws" | "http" | "sse" | "openai";

export interface ChatsServiceDeps {
  database: Pick<Database, "scoped">;
  chats: ChatsRepository;
  records: Pick<RecordsRepository, "insert">;
  tenants: Pick<TenantsRepository, "findById">;
  resolveAssistant: (tenantId: string, assistantId: string, tx: DB) => Promise<ResolvedAssistant>;
  requireTenantRole: RequireTenantRole;
  models: ModelResolver;
  retriever: Retriever;
  hub: GenerationHub;
  /** How many passages the documents assistant reads. */
  retrievalK?: number;
  /** How often partial answers are written to the database (ms). */
  flushMs?: number;
  now?: () => number;
}

/** The outcome of a send: both messages, the running answer, and a promise of its final row. */
export interface SendResult {
  userMessage: Message | null;
  assistantMessage: Message;
  generation: Generation;
  done: Promise<MessageRow>;
}

const HISTORY_LIMIT = 100;
const NOT_FOUND_EN = "I could not find this in your documents.";
const NOT_FOUND_RU = "Я не нашёл этого в ваших документах.";

function presentChat(row: ChatView): Chat {
  return {
    id: row.id,
    tenantId: row.tenantId,
    assistantId: row.assistantId,
    assistantName: row.assistantName,
    assistantKind: row.assistantKind,
    title: row.title,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const chatNotFound = () => notFound("chat.not_found", "No such chat.");
const messageNotFound = () => notFound("message.not_found", "No such message.");

/** Chats and messages: send, stream, stop, regenerate, marks and reviews. */
export function createChatsService(deps: ChatsServiceDeps) {
  const { database, chats: repo, hub } = deps;
  const now = deps.now ?? (() => performance.now());
  const flushMs = deps.flushMs ?? 1000;

  /** Loads a chat the actor owns; other users' and other tenants' chats are "not found". */
  async function ownChat(actor: Actor, chatId: string): Promise<ChatView> {
    const chat = await database.scoped({ bypass: true }, (tx) => repo.findChat(chatId, tx));
    if (!chat || chat.userId !== actor.userId || (actor.apiKeyTenantId && actor.apiKeyTenantId !== chat.tenantId)) {
      throw chatNotFound();
    }
    await database.scoped({ tenantId: chat.tenantId, userId: actor.userId }, (tx) =>
      deps.requireTenantRole(actor, chat.tenantId, "member", tx),
    );
    return chat;
  }

  async function ownMessage(actor: Actor, messageId: string): Promise<{ chat: ChatView; message: MessageRow }> {
    const message = await database.scoped({ bypass: true }, (tx) => repo.findMessage(messageId, tx));
    if (!message) throw messageNotFound();
    const chat = await ownChat(actor, message.chatId).catch(() => {
      throw messageNotFound();
    });
    return { chat, message };
  }

  /** Model history from stored messages: finished turns only, the last answer of a regenerated run. */
  function toHistory(rows: MessageRow[]): ChatMessage[] {
    const out: ChatMessage[] = [];
    for (const r of rows) {
      if (r.role === "system" || !r.content.trim()) continue;
      if (r.role === "assistant" && r.status === "failed") continue;
      const last = out[out.length - 1];
      if (last && last.role === r.role && r.role === "assistant")
        out[out.length - 1] = { role: "assistant", content: r.content };
      else out.push({ role: r.role, content: r.content });
    }
    return out;
  }

  function numbered(passages: RetrievedPassage[]): string {
    return passages.map((p, i) => `[${i + 1}] ${p.title ? `${p.title}: ` : ""}${p.text}`).join("\n\n");
  }

  /** Generates the answer into `assistantRow`, streaming through the hub; resolves with the final row. */
  async function generate(p: {
    actor: Actor;
    chat: ChatView;
    resolved: ResolvedAssistant;
    tenantName: string;
    question: string;
    history: ChatMessage[];
    assistantRow: MessageRow;
    generation: Generation;
    channel: Channel;
    startedAt: number;
  }): Promise<MessageRow> {
    const { resolved, generation, assistantRow } = p;
    const signal = generation.abort.signal;
    const promptVersions: Record<string, number> = {};
    const vars = { tenant: p.tenantName, date: new Date().toISOString().slice(0, 10), question: p.question };
    const queueMs = Math.round(now() - p.startedAt);
    let retrievalMs: number | null = null;
    let firstTokenMs: number | null = null;
    let text = "";
    let usage = { inputTokens: 0, outputTokens: 0 };
    let status: "done" | "stopped" | "failed" = "done";
    let errorCode: string | null = null;
    let sources: RetrievedPassage[] | null = null;
    let modelName: string | null = null;
    let providerKind: string | null = null;
    let cost = { costUsd: 0, costKnown: true };

    // Partial answers reach the database regularly, so a crash loses little and the stale-answer
    // sweeper can tell a live answer from a dead one.
    let flushed = 0;
    const flushTimer = setInterval(() => {
      if (text.length === flushed) {
        void database
          .scoped({ tenantId: p.chat.tenantId }, (tx) => repo.updateMessage(assistantRow.id, {}, tx))
          .catch(() => undefined);
        return;
      }
      flushed = text.length;
      void database
        .scoped({ tenantId: p.chat.tenantId }, (tx) => repo.updateMessage(assistantRow.id, { content: text }, tx))
        .catch(() => undefined);
    }, flushMs);
    flushTimer.unref?.();

    try {
      const model = await deps.models.resolve(resolved.assistant);
      modelName = model.model;
      providerKind = model.providerKind;
      const systemPrompt = resolved.prompts.system;
      if (systemPrompt) promptVersions.system = systemPrompt.version;
      let userTurn = p.question;

      if (resolved.assistant.kind === "documents" && resolved.pipeline.retrieval !== false) {
        let query = p.question;
        const condense = resolved.prompts.condense;
        if (resolved.pipeline.condenseQuestion && condense && !model.isExtractive && p.history.length > 0) {
          promptVersions.condense = condense.version;
          query =
            (
              await collect(
                model.stream({
                  messages: [
                    { role: "system", content: renderTemplate(condense.template, vars) },
                    ...p.history.slice(-6),
                    { role: "user", content: p.question },
                  ],
                  signal,
                }),
              )
            ).trim() || p.question;
        }
        const t = now();
        sources = await deps.retriever.retrieve(p.chat.tenantId, query, { k: deps.retrievalK ?? 6, signal });
        retrievalMs = Math.round(now() - t);
        if (sources.length === 0) {
          // Nothing relevant: say so instead of letting a model invent an answer.
          const answer = /[а-яё]/i.test(p.question) ? NOT_FOUND_RU : NOT_FOUND_EN;
          firstTokenMs = Math.round(now() - p.startedAt);
          text = answer;
          hub.push(assistantRow.id, answer);
          return await finish();
        }
        const answerPrompt = resolved.prompts.answer;
        if (answerPrompt) {
          promptVersions.answer = answerPrompt.version;
          userTurn = renderTemplate(answerPrompt.template, { ...vars, context: numbered(sources) });
        }
      }

      const system: ChatMessage[] = systemPrompt
        ? [{ role: "system", content: renderTemplate(systemPrompt.template, vars) }]
        : [];
      const messages = trimHistory(
        [...system, ...p.history, { role: "user", content: userTurn }],
        model.contextWindow,
        Math.min(2048, Math.floor(model.contextWindow / 4)),
      );
      for await (const ev of model.stream({
        messages,
        context: sources ?? undefined,
        temperature: resolved.assistant.temperature ?? undefined,
        signal,
      })) {
        if (ev.type === "token") {
          if (firstTokenMs === null) firstTokenMs = Math.round(now() - p.startedAt);
          text += ev.text;
          hub.push(assistantRow.id, ev.text);
        } else {
          usage = ev.usage;
          cost = { costUsd: ev.cost.usd, costKnown: ev.cost.costKnown };
          if (ev.finishReason === "cancelled") status = "stopped";
        }
      }
      if (signal.aborted) status = "stopped";
    } catch (err) {
      if (signal.aborted || (isLlmError(err) && err.code === "llm.cancelled")) {
        status = "stopped";
      } else {
        status = "failed";
        errorCode = isLlmError(err) ? err.code : "llm.failed";
      }
    }
    return finish();

    async function finish(): Promise<MessageRow> {
      clearInterval(flushTimer);
      const totalMs = Math.round(now() - p.startedAt);
      const stored =
        sources?.map((s) => ({ id: s.id, title: s.title, ref: s.ref, text: s.text, score: s.score })) ?? null;
      const row = await database.scoped({ tenantId: p.chat.tenantId }, async (tx) => {
        const updated = await repo.updateMessage(
          assistantRow.id,
          {
            content: text,
            status,
            model: modelName,
            providerKind,
            promptVersions,
            usage: { ...usage, ...cost },
            latencyMs: totalMs,
            firstTokenMs,
            errorCode,
            sources: stored,
          },
          tx,
        );
        await repo.touchChat(p.chat.id, tx);
        await deps.records.insert(
          {
            tenantId: p.chat.tenantId,
            userId: p.actor.userId,
            assistantId: p.chat.assistantId,
            chatId: p.chat.id,
            messageId: assistantRow.id,
            kind: "chat",
            channel: p.channel,
            model: modelName,
            providerKind,
            promptVersions,
            queueMs,
            retrievalMs,
            firstTokenMs,
            totalMs,
            inputTokens: usage.inputTokens,
            outputTokens: usage.outputTokens,
            costUsd: cost.costUsd,
            status,
            errorCode,
          },
          tx,
        );
        return updated;
      });
      hub.end(assistantRow.id, {
        type: "end",
        status,
        ...(errorCode ? { errorCode, errorMessage: userFacingError(errorCode) } : {}),
      });
      if (!row) throw messageNotFound();
      return row;
    }
  }

  /** Starts an answer for `question` after `history` in a chat, with a new assistant message. */
  async function startAnswer(p: {
    actor: Actor;
    chat: ChatView;
    question: string;
    priorRows: MessageRow[];
    userContent?: string;
    channel: Channel;
    startedAt: number;
  }): Promise<SendResult> {
    const { actor, chat } = p;
    const { resolved, tenantName, userRow, assistantRow } = await database.scoped(
      { tenantId: chat.tenantId, userId: actor.userId },
      async (tx) => {
        const resolved = await deps.resolveAssistant(chat.tenantId, chat.assistantId, tx);
        const tenant = await deps.tenants.findById(chat.tenantId, tx);
        const userRow = p.userContent
          ? await repo.insertMessage(
              { chatId: chat.id, tenantId: chat.tenantId, role: "user", content: p.userContent },
              tx,
            )
          : null;
        const assistantRow = await repo.insertMessage(
          { chatId: chat.id, tenantId: chat.tenantId, role: "assistant", content: "", status: "streaming" },
          tx,
        );
        if (!chat.title && p.userContent) await repo.renameChat(chat.id, titleFrom(p.userContent), tx);
        else await repo.touchChat(chat.id, tx);
        return { resolved, tenantName: tenant?.name ?? "", userRow, assistantRow };
      },
    );
    const generation = hub.start({ messageId: assistantRow.id, chatId: chat.id, userId: actor.userId });
    const done = generate({
      actor,
      chat,
      resolved,
      tenantName,
      question: p.question,
      history: toHistory(p.priorRows),
      assistantRow,
      generation,
      channel: p.channel,
      startedAt: p.startedAt,
    });
    // The caller may never await `done` (WebSocket); failures are already recorded on the message.
    done.catch(() => undefined);
    return {
      userMessage: userRow ? presentMessage(userRow) : null,
      assistantMessage: presentMessage(assistantRow),
      generation,
      done,
    };
  }

  return {
    async create(actor: Actor, input: { tenantId: string; assistantId: string; title?: string }): Promise<Chat> {
      return database.scoped({ tenantId: input.tenantId, userId: actor.userId }, async (tx) => {
        await deps.requireTenantRole(actor, input.tenantId, "member", tx);
        await deps.resolveAssistant(input.tenantId, input.assistantId, tx);
        const row = await repo.createChat(
          { tenantId: input.tenantId, userId: actor.userId, assistantId: input.assistantId, title: input.title ?? "" },
          tx,
        );
        const view = await repo.findChat(row.id, tx);
        if (!view) throw chatNotFound();
        return presentChat(view);
      });
    },

    async list(actor: Actor, opts: { tenantId: string; q?: string; limit: number; offset: number }) {
      return database.scoped({ tenantId: opts.tenantId, userId: actor.userId }, async (tx) => {
        await deps.requireTenantRole(actor, opts.tenantId, "member", tx);
        const { rows, total } = await repo.listChats({ ...opts, userId: actor.userId }, tx);
        return { items: rows.map(presentChat), total };
      });
    },

    async get(actor: Actor, chatId: string): Promise<Chat> {
      return presentChat(await ownChat(actor, chatId));
    },

    async rename(actor: Actor, chatId: string, title: string): Promise<Chat> {
      const chat = await ownChat(actor, chatId);
      await database.scoped({ tenantId: chat.tenantId }, (tx) => repo.renameChat(chatId, title, tx));
      return presentChat({ ...chat, title, updatedAt: new Date() });
    },

    async remove(actor: Actor, chatId: string): Promise<void> {
      const chat = await ownChat(actor, chatId);
      await database.scoped({ tenantId: chat.tenantId }, (tx) => repo.deleteChat(chatId, tx));
    },

    async messages(actor: Actor, chatId: string, opts: { before?: string; limit: number }) {
      const chat = await ownChat(actor, chatId);
      return database.scoped({ tenantId: chat.tenantId, userId: actor.userId }, async (tx) => {
        const before = opts.before ? await repo.findMessage(opts.before, tx) : undefined;
        if (opts.before && (!before || before.chatId !== chatId)) throw messageNotFound();
        const { rows, hasMore } = await repo.listMessages(chatId, { before, limit: opts.limit }, tx);
        const marks = await repo.marksOf(
          actor.userId,
          rows.map((r) => r.id),
          tx,
        );
        const items = rows.map((r) => {
          const live = r.status === "streaming" ? hub.get(r.id) : undefined;
          return presentMessage(live ? { ...r, content: live.text } : r, marks.get(r.id) ?? null);
        });
        return { items, hasMore };
      });
    },

    /** Stores the user's message and starts the answer. */
    async send(actor: Actor, chatId: string, content: string, channel: Channel): Promise<SendResult> {
      const startedAt = now();
      const chat = await ownChat(actor, chatId);
      const priorRows = await database.scoped({ tenantId: chat.tenantId }, (tx) =>
        repo.recentMessages(chatId, HISTORY_LIMIT, tx),
      );
      if (priorRows.some((r) => r.status === "streaming" && hub.get(r.id))) {
        throw conflict("message.busy", "An answer in this chat is still being written. Stop it or wait for it.");
      }
      return startAnswer({ actor, chat, question: content, priorRows, userContent: content, channel, startedAt });
    },

    /** Answers the same question again with a new assistant message. */
    async regenerate(actor: Actor, assistantMessageId: string, channel: Channel): Promise<SendResult> {
      const startedAt = now();
      const { chat, message } = await ownMessage(actor, assistantMessageId);
      if (message.role !== "assistant")
        throw badRequest("message.not_assistant", "Only an assistant's answer can be regenerated.");
      if (message.status === "streaming" && hub.get(message.id)) {
        throw conflict("message.busy", "This answer is still being written. Stop it first.");
      }
      const rows = await database.scoped({ tenantId: chat.tenantId }, (tx) =>
        repo.listMessages(chat.id, { before: message, limit: HISTORY_LIMIT }, tx),
      );
      const lastUser = [...rows.rows].reverse().find((r) => r.role === "user");
      if (!lastUser) throw badRequest("message.not_assistant", "There is no question to answer again.");
      const prior = rows.rows.slice(0, rows.rows.indexOf(lastUser));
      return startAnswer({ actor, chat, question: lastUser.content, priorRows: prior, channel, startedAt });
    },

    /** Stops a running answer; true when it was running in this process. */
    async stop(actor: Actor, messageId: string): Promise<boolean> {
      await ownMessage(actor, messageId);
      return hub.stop(messageId);
    },

    /** Access check for watching an answer (resume), returning its stored row. */
    async watchable(actor: Actor, messageId: string): Promise<MessageRow> {
      return (await ownMessage(actor, messageId)).message;
    },

    /** Thumbs up (1), down (-1) or clear (0) on an assistant message; a user can change it. */
    async mark(actor: Actor, messageId: string, value: 1 | -1 | 0): Promise<Message> {
      const { chat, message } = await ownMessage(actor, messageId);
      if (message.role !== "assistant")
        throw badRequest("message.not_assistant", "Only an assistant's answer can be rated.");
      await database.scoped({ tenantId: chat.tenantId }, async (tx) => {
        if (value === 0) await repo.clearMark(messageId, actor.userId, tx);
        else await repo.setMark({ messageId, userId: actor.userId, tenantId: chat.tenantId, value }, tx);
      });
      return presentMessage(message, value === 0 ? null : value);
    },

    async review(actor: Actor, messageId: string, input: { text: string; tags: string[] }) {
      const { chat, message } = await ownMessage(actor, messageId);
      if (message.role !== "assistant")
        throw badRequest("message.not_assistant", "Only an assistant's answer can be reviewed.");
      const row = await database.scoped({ tenantId: chat.tenantId }, (tx) =>
        repo.addReview(
          { messageId, userId: actor.userId, tenantId: chat.tenantId, text: input.text, tags: input.tags },
          tx,
        ),
      );
      return { id: row.id, messageId, text: row.text, tags: row.tags, createdAt: row.createdAt.toISOString() };
    },

    /** Rated and reviewed answers in a tenant (tenant admins). */
    async feedback(actor: Actor, tenantId: string, page: { limit: number; offset: number }) {
      return database.scoped({ tenantId, userId: actor.userId }, async (tx) => {
        await deps.requireTenantRole(actor, tenantId, "admin", tx);
        const rows = await repo.listFeedback(tenantId, page, tx);
        return rows.map((r) => ({
          ...r,
          mark: r.mark === null ? null : Number(r.mark),
          tags: r.tags ?? [],
          createdAt: new Date(r.createdAt).toISOString(),
        }));
      });
    },
  };
}
export type ChatsService = ReturnType<typeof createChatsService>;

function titleFrom(content: string): string {
  const line = content.replace(/\s+/g, " ").trim();
  return line.length > 60 ? `${line.slice(0, 57)}…` : line;
}

async function collect(stream: AsyncIterable<{ type: string; text?: string }>): Promise<string> {
  let out = "";
  for await (const ev of stream) if (ev.type === "token" && ev.text) out += ev.text;
  return out;
}

/** What the user sees when an answer fails: what happened and what to do. */
export function userFacingError(code: string): string {
  switch (code) {
    case "llm.timeout":
      return "The model took too long to answer. Try again, or ask an administrator to check the provider.";
    case "llm.rate_limited":
      return "The model provider is rate-limiting requests. Wait a moment and try again.";
    case "llm.auth_failed":
      return "The model provider rejected Atrium's credentials. Ask an administrator to check the API key.";
    case "llm.unavailable":
      return "The model provider is unavailable. Try again later, or ask an administrator.";
    case "llm.bad_request":
      return "The model provider refused the request. Try a shorter message, or ask an administrator.";
    default:
      return "The answer failed. Your message is saved; try again.";
  }
}
