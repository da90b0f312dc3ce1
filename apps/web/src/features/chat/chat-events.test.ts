import type { Message } from "@atrium/contracts";
import { describe, expect, it } from "vitest";
import type { MessagesData } from "./api";
import { appendAt, applyChatEvent, type ChatEvent, localMessageId, pendingUserMessage } from "./chat-events";

const CHAT = "00000000-0000-4000-8000-00000000000c";

function message(id: string, overrides: Partial<Message> = {}): Message {
  return {
    id,
    chatId: CHAT,
    role: "assistant",
    content: "",
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
    createdAt: "2025-01-01T10:00:00.000Z",
    ...overrides,
  };
}

function data(...pages: Message[][]): MessagesData {
  return { pages: pages.map((items) => ({ items, hasMore: false })), pageParams: pages.map(() => undefined) };
}

/** Every message's content in reading order (older pages come later in `pages`). */
const contents = (d: MessagesData | undefined) =>
  [...(d?.pages ?? [])].reverse().flatMap((page) => page.items.map((m) => `${m.id}:${m.content}`));

const token = (messageId: string, offset: number, text: string): ChatEvent => ({
  type: "token",
  chatId: CHAT,
  messageId,
  offset,
  text,
});

describe("appendAt", () => {
  it("adds a piece that starts where the text ends", () => {
    expect(appendAt("Hello", 5, " world")).toBe("Hello world");
  });

  it("adds only the new part of a piece that overlaps what was received", () => {
    expect(appendAt("Hello wo", 6, "world!")).toBe("Hello world!");
  });

  it("ignores a piece received already", () => {
    expect(appendAt("Hello world", 0, "Hello")).toBe("Hello world");
  });

  it("refuses a piece that would leave a hole", () => {
    expect(appendAt("Hel", 5, " world")).toBeNull();
  });
});

describe("applyChatEvent", () => {
  it("streams tokens into the answer and skips what a resume repeats", () => {
    let state: MessagesData | undefined = data([
      message("q", { role: "user", content: "Hi?" }),
      message("a", { status: "streaming" }),
    ]);
    for (const event of [
      token("a", 0, "Hel"),
      token("a", 3, "lo"),
      // Reconnected: the resume sends everything after the offset we asked for, overlapping a little.
      token("a", 3, "lo, wor"),
      token("a", 5, ", wor"),
      token("a", 10, "ld"),
    ]) {
      state = applyChatEvent(state, event);
    }
    expect(contents(state)).toEqual(["q:Hi?", "a:Hello, world"]);
  });

  it("leaves the answer as it is when a token arrives after a gap", () => {
    const state = data([message("a", { status: "streaming", content: "Hel" })]);
    expect(applyChatEvent(state, token("a", 8, "xyz"))).toBe(state);
  });

  it("replaces the streaming message with the final one, keeping a mark set meanwhile", () => {
    const streaming = message("a", { status: "streaming", content: "Partial", myMark: 1 });
    const final = message("a", {
      status: "done",
      content: "Partial and complete.",
      model: "gpt-4o-mini",
      promptVersions: { system: 2 },
      latencyMs: 1200,
    });
    const state = applyChatEvent(data([streaming]), { type: "message.done", chatId: CHAT, message: final });
    expect(state?.pages[0]?.items).toEqual([{ ...final, myMark: 1 }]);
  });

  it("swaps the placeholder of a sent message for the stored messages, once", () => {
    const placeholder = pendingUserMessage(CHAT, "r1", "What is RLS?");
    const created: ChatEvent = {
      type: "message.created",
      chatId: CHAT,
      ref: "r1",
      userMessage: message("u1", { role: "user", content: "What is RLS?" }),
      assistantMessage: message("a1", { status: "streaming" }),
    };
    const once = applyChatEvent(data([message("old", { content: "earlier" })], []), {
      ...created,
      ref: undefined,
    });
    expect(contents(once)).toEqual(["old:earlier", "u1:What is RLS?", "a1:"]);

    const withPlaceholder = data([placeholder]);
    const state = applyChatEvent(applyChatEvent(withPlaceholder, created), created);
    expect(state?.pages[0]?.items.map((m) => m.id)).toEqual(["u1", "a1"]);
    expect(state?.pages[0]?.items.some((m) => m.id === localMessageId("r1"))).toBe(false);
  });

  it("marks a failed answer with its error code", () => {
    const state = applyChatEvent(data([message("a", { status: "streaming" })]), {
      type: "message.failed",
      chatId: CHAT,
      messageId: "a",
      error: { code: "llm.timeout", message: "Timed out" },
    });
    expect(state?.pages[0]?.items[0]).toMatchObject({ status: "failed", errorCode: "llm.timeout" });
  });

  it("does nothing for a chat whose messages are not loaded", () => {
    expect(applyChatEvent(undefined, token("a", 0, "x"))).toBeUndefined();
  });
});
