import type { Chat, Message } from "@atrium/contracts";
import type { Database, DB } from "../../infra/db/database";
import type { ChatMessage } from "../../infra/llm/llm.types";
import { AppError, badRequest, conflict, notFound } from "../../lib/errors";
import { createGroupCommit, writeEachGroup } from "../../lib/group-commit";
import type { Actor } from "../../plugins/auth";
import type { ResolvedAssistant } from "../assistants/assistants.service";
import type { NewRequestRecord } from "../records/records.repository";
import { isInstanceAdmin, type RequireTenantRole } from "../tenants/tenant-access";
import type { TenantsRepository } from "../tenants/tenants.repository";
import { createAnswerPipeline, newOutcome, recordOf } from "./answer-pipeline";
import type { ModelResolver, Retriever } from "./chat-ports";
import { type ChatFacts, createChatStateCache } from "./chat-state-cache";
import type { ChatsRepository, ChatView, FinalPatch, HistoryRow, MessageRow } from "./chats.repository";
import type { Generation, GenerationHub } from "./generation-hub";
import { presentMessage } from "./messages.presenter";

export type Channel = "ws" | "http" | "sse" | "openai";

export interface ChatsServiceDeps {
  database: Pick<Database, "scoped" | "rescope">;
  chats: ChatsRepository;
  tenants: Pick<TenantsRepository, "findById">;
  /** Without `tx`, reads what is not cached in a transaction of its own. */
  resolveAssistant: (tenantId: string, assistantId: string, tx?: DB) => Promise<ResolvedAssistant>;
  requireTenantRole: RequireTenantRole;
  models: ModelResolver;
  retriever: Retriever;
  hub: GenerationHub;
  /** Asks the other processes to stop an answer one of them is generating (several API processes). */
  stopElsewhere?: (messageId: string) => Promise<void>;
  /** How many passages the documents assistant reads. */
  retrievalK?: number;
  /** Send batches in flight at once (1 on the embedded database). */
  sendWritesInFlight?: number;
  /** Final-write batches in flight at once (1 on the embedded database: it runs one statement at a time). */
  finalWritesInFlight?: number;
  /** How often partial answers are written to the database (ms). */
  flushMs?: number;
  /** How often a running answer without new text is marked alive (ms; the sweeper waits 2 minutes). */
  heartbeatMs?: number;
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

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** A refusal to hand to one caller of a batch; anything else fails the batch (and is retried alone). */
function asAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  throw err;
}

/** An answer's final state and its request record, written by the group commit. */
interface FinalWrite {
  tenantId: string;
  /** The answer's row as it was inserted. */
  row: MessageRow;
  patch: FinalPatch;
  record: NewRequestRecord;
}

/** A chat the actor may use, with its tenant's name (read in the same query). */
type OwnedChat = ChatView & { tenantName: string };

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
const notAMember = () => notFound("tenant.not_found", "No such tenant, or you are not a member of it.");
const messageNotFound = () => notFound("message.not_found", "No such message.");

/** Chats and messages: send, stream, stop, regenerate, marks and reviews. */
export function createChatsService(deps: ChatsServiceDeps) {
  const { database, chats: repo, hub } = deps;
  const pipeline = createAnswerPipeline({
    models: deps.models,
    retriever: deps.retriever,
    retrievalK: deps.retrievalK,
    now: deps.now,
  });
  const now = deps.now ?? (() => performance.now());
  const flushMs = deps.flushMs ?? 1000;
  const heartbeatMs = deps.heartbeatMs ?? 30_000;
  const chatState = createChatStateCache({ historyLimit: HISTORY_LIMIT });

  /** The chat if the actor owns it and may use its tenant; else the "not found" the actor sees. */
  function checkOwned(actor: Actor, row: (OwnedChat & { memberRole: string | null }) | undefined): OwnedChat {
    if (!row || row.userId !== actor.userId || (actor.apiKeyTenantId && actor.apiKeyTenantId !== row.tenantId)) {
      throw chatNotFound();
    }
    if (!isInstanceAdmin(actor) && !row.memberRole) throw notAMember();
    const { memberRole: _role, ...chat } = row;
    return chat;
  }

  /** Loads a chat the actor owns; other users' and other tenants' chats are "not found". */
  async function ownChat(actor: Actor, chatId: string): Promise<OwnedChat> {
    // One query: the chat, its tenant (it exists: inner join) and the actor's membership.
    return database.scoped({ bypass: true }, async (tx) =>
      checkOwned(actor, await repo.findChatForUser(chatId, actor.userId, tx)),
    );
  }

  async function ownMessage(actor: Actor, messageId: string): Promise<{ chat: OwnedChat; message: MessageRow }> {
    const message = await database.scoped({ bypass: true }, (tx) => repo.findMessage(messageId, tx));
    if (!message) throw messageNotFound();
    const chat = await ownChat(actor, message.chatId).catch(() => {
      throw messageNotFound();
    });
    return { chat, message };
  }

  /** Runs `fn` per tenant of `items`, all in ONE transaction scoped to each tenant in turn. */
  async function inTenantGroups<T extends { tenantId: string }>(items: T[], fn: (tx: DB, group: T[]) => Promise<void>) {
    const groups = groupBy(items, (i) => i.tenantId);
    const [first] = groups.keys();
    await database.scoped({ tenantId: first }, async (tx) => {
      for (const [tenantId, group] of groups) {
        if (tenantId !== first) await database.rescope(tx, { tenantId });
        await fn(tx, group);
      }
    });
  }

  /**
   * Final writes of finished answers, group-committed: answers that finish while a write is in
   * flight are stored together in the next batch (per tenant ONE statement, its own transaction:
   * the messages' UPDATE carrying the request records' INSERT), so the cost per answer falls as
   * load rises. A tenant's statement that fails is retried answer by answer (`writeEachGroup`).
   */
  const finals = createGroupCommit<FinalWrite, MessageRow | undefined | Error>({
    maxInFlight: deps.finalWritesInFlight ?? 1,
    write: async (items) => {
      const stored = new Map<string, Date>();
      const failures = new Map<string, Error>();
      await writeEachGroup(
        groupBy(items, (i) => i.tenantId),
        async (tenantId, group) => {
          const updated = await repo.finishAnswers(
            tenantId,
            group.map((g) => g.patch),
            group.map((g) => g.record),
          );
          for (const [id, at] of updated) stored.set(id, at);
        },
        (item, err) => failures.set(item.patch.id, err instanceof Error ? err : new Error(String(err))),
      );
      return items.map((i) => {
        const updatedAt = stored.get(i.patch.id);
        return failures.get(i.patch.id) ?? (updatedAt ? { ...i.row, ...i.patch, updatedAt } : undefined);
      });
    },
  });

  /** Partial text of running answers (and heartbeats), group-committed. */
  const partials = createGroupCommit<{ tenantId: string; id: string; content: string | null }, void>({
    maxInFlight: 1,
    write: async (items) => {
      await inTenantGroups(items, (tx, group) =>
        repo.flushPartials(
          group.map(({ id, content }) => ({ id, content })),
          tx,
        ),
      );
      return items.map(() => undefined);
    },
  });

  /** Model history from stored messages: finished turns only, the last answer of a regenerated run. */
  function toHistory(rows: HistoryRow[]): ChatMessage[] {
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
    const { assistantRow } = p;
    const outcome = newOutcome();
    let text = "";

    // Partial answers reach the database regularly, so a crash loses little, and the stale-answer
    // sweeper (2 minutes) can tell a live answer from a dead one: new text is written every
    // `flushMs`; an answer without new text is only touched every `heartbeatMs`. Writes of all
    // running answers are group-committed (one UPDATE per tenant and batch).
    let flushed = 0;
    let lastWrite = now();
    const flushTimer = setInterval(() => {
      const grew = text.length !== flushed;
      if (!grew && now() - lastWrite < heartbeatMs) return;
      flushed = text.length;
      lastWrite = now();
      void partials
        .write({ tenantId: p.chat.tenantId, id: assistantRow.id, content: grew ? text : null })
        .catch(() => undefined);
    }, flushMs);
    flushTimer.unref?.();

    try {
      for await (const piece of pipeline.run(
        {
          tenantId: p.chat.tenantId,
          tenantName: p.tenantName,
          resolved: p.resolved,
          question: p.question,
          history: p.history,
          signal: p.generation.abort.signal,
          startedAt: p.startedAt,
        },
        outcome,
      )) {
        text += piece;
        hub.push(assistantRow.id, piece);
      }
    } finally {
      clearInterval(flushTimer);
    }

    const sources =
      outcome.sources?.map((s) => ({
        id: s.id,
        title: s.title,
        ref: s.ref,
        text: s.text,
        score: s.score,
        documentId: s.documentId,
        page: s.page,
      })) ?? null;
    const endEvent = {
      type: "end" as const,
      status: outcome.status,
      ...(outcome.errorCode ? { errorCode: outcome.errorCode, errorMessage: userFacingError(outcome.errorCode) } : {}),
    };
    // Whatever happens to the final write, the answer leaves the hub (the chat is not busy forever);
    // watchers then read the stored row, and the sweeper fails it if it stayed `streaming`.
    const row = await finals
      .write({
        tenantId: p.chat.tenantId,
        row: assistantRow,
        patch: {
          id: assistantRow.id,
          content: text,
          status: outcome.status,
          model: outcome.model,
          providerKind: outcome.providerKind,
          promptVersions: outcome.promptVersions,
          usage: { ...outcome.usage, ...outcome.cost },
          latencyMs: outcome.totalMs,
          firstTokenMs: outcome.firstTokenMs,
          errorCode: outcome.errorCode,
          sources,
        },
        record: recordOf(outcome, {
          tenantId: p.chat.tenantId,
          userId: p.actor.userId,
          assistantId: p.chat.assistantId,
          chatId: p.chat.id,
          messageId: assistantRow.id,
          channel: p.channel,
        }),
      })
      .then((stored) => {
        if (stored instanceof Error) throw stored;
        return stored;
      })
      .catch((err) => {
        hub.end(assistantRow.id, endEvent);
        throw err;
      });
    // Before the hub lets the chat take its next send.
    if (row) chatState.updateMessage(p.chat.id, row);
    hub.end(assistantRow.id, { ...endEvent, final: row });
    if (!row) throw messageNotFound();
    return row;
  }

  /** Chats whose send is between its busy check and the answer's registration in the hub. */
  const starting = new Set<string>();
  const chatBusy = () =>
    conflict("message.busy", "An answer in this chat is still being written. Stop it or wait for it.");

  /** What a send or regenerate stored, ready for the answer to start. */
  interface Prepared {
    chat: OwnedChat;
    resolved: ResolvedAssistant;
    userRow: MessageRow | undefined;
    assistantRow: MessageRow;
    priorRows: HistoryRow[];
    /** The chat's version after the send (regenerate: unset). */
    version?: string;
  }
  interface SendRequest {
    actor: Actor;
    chatId: string;
    content: string;
  }

  /**
   * Sends, group-committed: sends that arrive while one batch is being written are written together
   * in the next one: per tenant ONE statement, its own transaction (`sendToChats`: the access check,
   * the question and the empty answer inserted, the chat touched, and its history unless this
   * process holds it current; one round trip). Chats this process does not know yet
   * (`chatState`) are looked up first. A send is answered only after its statement committed. A
   * send refused by its own checks (not found, busy, assistant disabled) fails alone; if a
   * tenant's statement fails, its sends are retried one by one (`writeEachGroup`).
   */
  const sends = createGroupCommit<SendRequest, Prepared | Error>({
    maxInFlight: deps.sendWritesInFlight ?? 1,
    write: async (items) => {
      const reserved: string[] = [];
      try {
        const unknown = [...new Set(items.filter((i) => !chatState.facts(i.chatId)).map((i) => i.chatId))];
        if (unknown.length > 0) {
          const found = await database.scoped({ bypass: true }, (tx) => repo.findChatFacts(unknown, tx));
          for (const facts of found) chatState.rememberFacts(facts);
        }
        const out: (Prepared | Error)[] = [];
        const accepted: { index: number; item: SendRequest; facts: ChatFacts }[] = [];
        for (const [index, item] of items.entries()) {
          try {
            const facts = chatState.facts(item.chatId);
            const { actor } = item;
            if (
              !facts ||
              facts.userId !== actor.userId ||
              (actor.apiKeyTenantId && actor.apiKeyTenantId !== facts.tenantId)
            )
              throw chatNotFound();
            // Checked after ownership, so a stranger's chat id answers "not found" whether busy or not.
            if (hub.isChatBusy(facts.id) || starting.has(facts.id)) throw chatBusy();
            starting.add(facts.id);
            reserved.push(facts.id);
            accepted.push({ index, item, facts });
          } catch (err) {
            out[index] = asAppError(err);
          }
        }
        type Ready = { index: number; item: SendRequest; facts: ChatFacts; resolved: ResolvedAssistant };
        const ready: Ready[] = [];
        for (const g of accepted) {
          try {
            ready.push({ ...g, resolved: await deps.resolveAssistant(g.facts.tenantId, g.facts.assistantId) });
          } catch (err) {
            out[g.index] = asAppError(err);
            starting.delete(g.facts.id);
          }
        }
        const sendGroup = async (tenantId: string, group: Ready[]) => {
          const cached = group.map((r) => chatState.history(r.facts.id));
          const outcomes = await repo.sendToChats(
            tenantId,
            group.map((r, k) => ({
              chatId: r.facts.id,
              userId: r.item.actor.userId,
              admin: isInstanceAdmin(r.item.actor),
              known: cached[k]?.version ?? null,
              content: r.item.content,
              title: titleFrom(r.item.content),
            })),
            HISTORY_LIMIT,
          );
          for (const [k, r] of group.entries()) {
            const outcome = outcomes.get(r.facts.id);
            const [userRow, assistantRow] = outcome?.messages ?? [];
            if (!outcome?.allowed || !userRow || !assistantRow) {
              out[r.index] = outcome ? notAMember() : chatNotFound();
              starting.delete(r.facts.id);
              continue;
            }
            const priorRows = outcome.history ?? cached[k]?.rows ?? [];
            out[r.index] = {
              chat: outcome.chat,
              resolved: r.resolved,
              userRow,
              assistantRow,
              priorRows,
              version: outcome.version,
            };
            // Committed: the next send to this chat needs no history read.
            chatState.rememberHistory(outcome.chat, outcome.version, [...priorRows, userRow, assistantRow]);
          }
        };
        await writeEachGroup(
          groupBy(ready, (r) => r.facts.tenantId),
          sendGroup,
          (r, err) => {
            // This send alone fails (the caller gets the error); the other tenants' sends stand.
            out[r.index] = err instanceof Error ? err : new Error(String(err));
            starting.delete(r.facts.id);
          },
        );
        return out;
      } catch (err) {
        for (const id of reserved) starting.delete(id);
        throw err;
      }
    },
  });

  /** Registers the answer in the hub and starts generating it (not awaited: `done` tells the end). */
  function launch(actor: Actor, prepared: Prepared, question: string, channel: Channel, startedAt: number): SendResult {
    const { chat, assistantRow, userRow } = prepared;
    const generation = hub.start({ messageId: assistantRow.id, chatId: chat.id, userId: actor.userId });
    const done = generate({
      actor,
      chat,
      resolved: prepared.resolved,
      tenantName: chat.tenantName,
      question,
      history: toHistory(prepared.priorRows),
      assistantRow,
      generation,
      channel,
      startedAt,
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
      chatState.forget(chatId);
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
      const prepared = await sends.write({ actor, chatId, content });
      if (prepared instanceof Error) throw prepared;
      try {
        return launch(actor, prepared, content, channel, startedAt);
      } finally {
        starting.delete(prepared.chat.id);
      }
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
      // The regenerated answer joins the history as a second answer: read it again next time.
      chatState.forgetHistory(chat.id);
      const rows = await database.scoped({ tenantId: chat.tenantId }, (tx) =>
        repo.listMessages(chat.id, { before: message, limit: HISTORY_LIMIT }, tx),
      );
      const lastUser = [...rows.rows].reverse().find((r) => r.role === "user");
      if (!lastUser) throw badRequest("message.not_assistant", "There is no question to answer again.");
      const prior = rows.rows.slice(0, rows.rows.indexOf(lastUser));
      const prepared = await database.scoped({ tenantId: chat.tenantId, userId: actor.userId }, async (tx) => {
        const resolved = await deps.resolveAssistant(chat.tenantId, chat.assistantId, tx);
        const [assistantRow] = await repo.insertMessages(
          [{ chatId: chat.id, tenantId: chat.tenantId, role: "assistant", content: "", status: "streaming" }],
          tx,
        );
        if (!assistantRow) throw new Error("insert returned nothing");
        await repo.touchChat(chat.id, tx);
        return { chat, resolved, userRow: undefined, assistantRow, priorRows: prior };
      });
      return launch(actor, prepared, lastUser.content, channel, startedAt);
    },

    /** Stops a running answer: here, or (when it is still streaming) in the process writing it. */
    async stop(actor: Actor, messageId: string): Promise<boolean> {
      const { message } = await ownMessage(actor, messageId);
      if (hub.stop(messageId)) return true;
      if (message.status !== "streaming" || !deps.stopElsewhere) return false;
      await deps.stopElsewhere(messageId);
      return true;
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
