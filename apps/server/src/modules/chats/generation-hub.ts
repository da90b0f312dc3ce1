import type { MessageRow } from "./chats.repository";

/** Events a running answer emits to whoever watches it. */
export type GenerationEvent =
  | { type: "token"; offset: number; text: string }
  | {
      type: "end";
      status: "done" | "stopped" | "failed";
      errorCode?: string;
      errorMessage?: string;
      /** The stored final row, so watchers need not read it back. */
      final?: MessageRow;
    };

type Listener = (event: GenerationEvent) => void;

/** One answer being generated: its text so far, its watchers and its abort switch. */
export interface Generation {
  messageId: string;
  chatId: string;
  userId: string;
  text: string;
  ended: boolean;
  abort: AbortController;
}

interface Entry extends Generation {
  listeners: Set<Listener>;
  graceTimer?: NodeJS.Timeout;
}

/**
 * In-process registry of running answers. Several sockets may watch one answer; a client that
 * reconnects resumes from an offset. When the last watcher leaves, the answer keeps generating for
 * `graceMs` (so a reconnect can pick it up) and is stopped after that, so no answer runs for nobody.
 */
export function createGenerationHub(opts: { graceMs: number }) {
  const entries = new Map<string, Entry>();
  /** Running answers per chat (the busy check of a send, without reading the chat's messages). */
  const perChat = new Map<string, number>();

  const armGrace = (e: Entry) => {
    if (e.ended || e.listeners.size > 0 || e.graceTimer) return;
    e.graceTimer = setTimeout(() => {
      e.graceTimer = undefined;
      if (!e.ended && e.listeners.size === 0) e.abort.abort(new Error("no one is watching"));
    }, opts.graceMs);
    e.graceTimer.unref?.();
  };

  return {
    /** Registers a new answer; watchers subscribe before the first token arrives. */
    start(init: { messageId: string; chatId: string; userId: string }): Generation {
      const entry: Entry = { ...init, text: "", ended: false, abort: new AbortController(), listeners: new Set() };
      entries.set(init.messageId, entry);
      perChat.set(init.chatId, (perChat.get(init.chatId) ?? 0) + 1);
      return entry;
    },
    get(messageId: string): Generation | undefined {
      return entries.get(messageId);
    },
    /** True while an answer in this chat is being generated in this process. */
    isChatBusy(chatId: string): boolean {
      return perChat.has(chatId);
    },
    /** Appends text and tells every watcher. */
    push(messageId: string, text: string) {
      const e = entries.get(messageId);
      if (!e || e.ended || !text) return;
      const offset = e.text.length;
      e.text += text;
      for (const l of e.listeners) l({ type: "token", offset, text });
    },
    /** Ends the answer, tells the watchers, and forgets it. */
    end(messageId: string, event: Extract<GenerationEvent, { type: "end" }>) {
      const e = entries.get(messageId);
      if (!e || e.ended) return;
      e.ended = true;
      if (e.graceTimer) clearTimeout(e.graceTimer);
      for (const l of e.listeners) l(event);
      e.listeners.clear();
      entries.delete(messageId);
      const left = (perChat.get(e.chatId) ?? 1) - 1;
      if (left > 0) perChat.set(e.chatId, left);
      else perChat.delete(e.chatId);
    },
    /**
     * Watches an answer from `offset`: the text after it is replayed first. Returns the
     * unsubscribe function, or undefined when the answer is not running here.
     */
    subscribe(messageId: string, listener: Listener, offset = 0): (() => void) | undefined {
      const e = entries.get(messageId);
      if (!e || e.ended) return undefined;
      if (e.graceTimer) {
        clearTimeout(e.graceTimer);
        e.graceTimer = undefined;
      }
      if (offset < e.text.length) listener({ type: "token", offset, text: e.text.slice(offset) });
      e.listeners.add(listener);
      return () => {
        e.listeners.delete(listener);
        armGrace(e);
      };
    },
    /** Stops an answer at once (the user pressed stop). */
    stop(messageId: string): boolean {
      const e = entries.get(messageId);
      if (!e || e.ended) return false;
      e.abort.abort(new Error("stopped by the user"));
      return true;
    },
    /** Arms the grace timer for an answer nobody has subscribed to yet (e.g. a JSON caller left). */
    release(messageId: string) {
      const e = entries.get(messageId);
      if (e) armGrace(e);
    },
    size: () => entries.size,
    /** Stops everything (shutdown). */
    stopAll() {
      for (const e of entries.values()) e.abort.abort(new Error("server shutting down"));
    },
  };
}
export type GenerationHub = ReturnType<typeof createGenerationHub>;
