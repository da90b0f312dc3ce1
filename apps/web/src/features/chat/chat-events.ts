import type { Message } from "@atrium/contracts";
import type { MessagesData } from "./api";

/**
 * Server events about answers (docs/CHAT-PROTOCOL.md), with the messages typed: the contract leaves
 * them `unknown` because the server builds them with its own presenter.
 */
export type ChatEvent =
  | { type: "message.created"; chatId: string; ref?: string; userMessage?: Message; assistantMessage: Message }
  | { type: "token"; chatId: string; messageId: string; offset: number; text: string }
  | { type: "message.failed"; chatId: string; messageId: string; error: { code: string; message: string } }
  | { type: "message.done"; chatId: string; message: Message };

const LOCAL_ID_PREFIX = "local-";

/** Id of the placeholder shown for a sent message until the server confirms it (matched by `ref`). */
export function localMessageId(ref: string): string {
  return `${LOCAL_ID_PREFIX}${ref}`;
}

/** Whether a message is a placeholder the server has not confirmed yet. */
export function isLocalMessage(message: Pick<Message, "id">): boolean {
  return message.id.startsWith(LOCAL_ID_PREFIX);
}

/** The placeholder for a message the person just sent, shown while the server stores it. */
export function pendingUserMessage(chatId: string, ref: string, content: string, now = new Date()): Message {
  return {
    id: localMessageId(ref),
    chatId,
    role: "user",
    content,
    status: "done",
    model: null,
    providerKind: null,
    promptVersions: null,
    usage: null,
    latencyMs: null,
    firstTokenMs: null,
    errorCode: null,
    sources: null,
    myMark: null,
    createdAt: now.toISOString(),
  };
}

/**
 * An answer's text after a streamed piece that starts at `offset`. After a resume the server may
 * repeat text already received: only the part beyond what we hold is added. Null when text is
 * missing before the piece (the caller then resumes from what it holds).
 */
export function appendAt(content: string, offset: number, text: string): string | null {
  if (offset > content.length) return null;
  if (offset + text.length <= content.length) return content;
  return content + text.slice(content.length - offset);
}

function findIn(data: MessagesData, id: string): Message | undefined {
  for (const page of data.pages) {
    const found = page.items.find((message) => message.id === id);
    if (found) return found;
  }
  return undefined;
}

/** One message of a chat's loaded pages. */
export function findMessage(data: MessagesData | undefined, id: string): Message | undefined {
  return data ? findIn(data, id) : undefined;
}

/** Adds messages at the end of the newest page, skipping ones already there. */
export function appendMessages(data: MessagesData | undefined, messages: Message[]): MessagesData | undefined {
  if (!data) return data;
  const fresh = messages.filter((message) => !findIn(data, message.id));
  if (fresh.length === 0) return data;
  const [newest, ...older] = data.pages;
  const first = newest ?? { items: [], hasMore: false };
  return { ...data, pages: [{ ...first, items: [...first.items, ...fresh] }, ...older] };
}

/** Removes a message (a placeholder the server refused) from a chat's loaded pages. */
export function removeMessage(data: MessagesData | undefined, id: string): MessagesData | undefined {
  if (!data || !findIn(data, id)) return data;
  return { ...data, pages: data.pages.map((page) => ({ ...page, items: page.items.filter((m) => m.id !== id) })) };
}

function replaceMessage(data: MessagesData, id: string, update: (message: Message) => Message): MessagesData {
  return {
    ...data,
    pages: data.pages.map((page) =>
      page.items.some((message) => message.id === id)
        ? { ...page, items: page.items.map((message) => (message.id === id ? update(message) : message)) }
        : page,
    ),
  };
}

/**
 * Applies a socket event to a chat's cached messages (undefined when the chat isn't loaded, which
 * stays so). `message.created` swaps the placeholder for the stored messages, `token` extends the
 * answer at its offset (de-duplicating what a resume repeats), `message.failed` marks it failed, and
 * `message.done` replaces the streaming message with its final form.
 */
export function applyChatEvent(data: MessagesData | undefined, event: ChatEvent): MessagesData | undefined {
  if (!data) return data;
  switch (event.type) {
    case "message.created": {
      const withoutPlaceholder = event.ref ? removeMessage(data, localMessageId(event.ref)) : data;
      const created = event.userMessage ? [event.userMessage, event.assistantMessage] : [event.assistantMessage];
      return appendMessages(withoutPlaceholder, created);
    }
    case "token": {
      const message = findIn(data, event.messageId);
      if (!message) return data;
      const content = appendAt(message.content, event.offset, event.text);
      if (content === null || content === message.content) return data;
      return replaceMessage(data, event.messageId, (current) => ({ ...current, content }));
    }
    case "message.failed": {
      if (!findIn(data, event.messageId)) return data;
      return replaceMessage(data, event.messageId, (current) => ({
        ...current,
        status: "failed",
        errorCode: event.error.code,
      }));
    }
    case "message.done": {
      const final = event.message;
      if (!findIn(data, final.id)) return appendMessages(data, [final]);
      // The final message is built without the reader's mark; keep the one they may have set meanwhile.
      return replaceMessage(data, final.id, (current) => ({ ...final, myMark: final.myMark ?? current.myMark }));
    }
  }
}
