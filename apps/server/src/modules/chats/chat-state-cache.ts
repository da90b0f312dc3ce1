import type { HistoryRow } from "./chats.repository";

/** What never changes about a chat: its tenant, owner and assistant. */
export interface ChatFacts {
  id: string;
  tenantId: string;
  userId: string;
  assistantId: string;
}

interface Entry extends ChatFacts {
  /** The chat's `updated_at` (exact text) when `history` was true; unset: history unknown. */
  version?: string;
  /** Its last messages, oldest first, as of `version`. */
  history?: HistoryRow[];
  chars: number;
}

/**
 * What this process knows about the chats it recently sent to, so that a send is one statement:
 * the chat's facts (which tenant to run the send statement for before anything is read) and its
 * recent history (the model's context, otherwise read again on every send).
 *
 * Never trusted blindly: the send statement itself checks the chat, its owner and the membership
 * every time, and returns the history again whenever the chat's `updated_at` differs from the
 * cached `version` (another process sent to it, or it was renamed). A history holding an answer
 * still `streaming` is not offered (that answer may be finished by another process, or its final
 * write failed), nor is one this process did not see being written. Bounded by chats and by the
 * characters of the histories kept (least recently used first out).
 */
export function createChatStateCache(opts: { historyLimit: number; maxChats?: number; maxChars?: number }) {
  const maxChats = opts.maxChats ?? 10_000;
  const maxChars = opts.maxChars ?? 16_000_000;
  const entries = new Map<string, Entry>();
  let chars = 0;

  const size = (rows: HistoryRow[]) => rows.reduce((n, r) => n + r.content.length + 64, 0);
  const touch = (e: Entry) => {
    entries.delete(e.id);
    entries.set(e.id, e);
  };
  const dropHistory = (e: Entry) => {
    chars -= e.chars;
    e.chars = 0;
    e.version = undefined;
    e.history = undefined;
  };
  const trim = () => {
    for (const e of entries.values()) {
      if (entries.size <= maxChats && chars <= maxChars) return;
      dropHistory(e);
      if (entries.size > maxChats) entries.delete(e.id);
    }
  };

  return {
    facts(chatId: string): ChatFacts | undefined {
      return entries.get(chatId);
    },
    rememberFacts(facts: ChatFacts) {
      const e = entries.get(facts.id);
      if (e) return touch(e);
      entries.set(facts.id, { ...facts, chars: 0 });
      trim();
    },
    /** The cached history and its version, when it can stand in for a read. */
    history(chatId: string): { version: string; rows: HistoryRow[] } | undefined {
      const e = entries.get(chatId);
      if (!e?.version || !e.history || e.history.some((r) => r.status === "streaming")) return undefined;
      return { version: e.version, rows: e.history };
    },
    /** After a committed send: the chat's new version and its history including the new messages. */
    rememberHistory(facts: ChatFacts, version: string, rows: HistoryRow[]) {
      const e = entries.get(facts.id) ?? { ...facts, chars: 0 };
      dropHistory(e);
      const kept = rows.slice(-opts.historyLimit);
      e.version = version;
      e.history = kept;
      e.chars = size(kept);
      chars += e.chars;
      entries.delete(facts.id);
      entries.set(facts.id, e);
      trim();
    },
    /** After a committed final write of an answer in a cached history. */
    updateMessage(chatId: string, row: HistoryRow) {
      const e = entries.get(chatId);
      const i = e?.history?.findIndex((r) => r.id === row.id) ?? -1;
      if (!e?.history || i < 0) return;
      const next = { id: row.id, role: row.role, content: row.content, status: row.status };
      const grown = next.content.length - (e.history[i]?.content.length ?? 0);
      chars += grown;
      e.chars += grown;
      e.history[i] = next;
      trim();
    },
    /** The history changed in a way not mirrored here (a regenerated answer): read it next time. */
    forgetHistory(chatId: string) {
      const e = entries.get(chatId);
      if (e) dropHistory(e);
    },
    forget(chatId: string) {
      const e = entries.get(chatId);
      if (!e) return;
      dropHistory(e);
      entries.delete(chatId);
    },
    stats: () => ({ chats: entries.size, chars }),
  };
}
export type ChatStateCache = ReturnType<typeof createChatStateCache>;
