import type { Message } from "@atrium/contracts";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createChatConnection, type SocketLike } from "./chat-connection";
import { appendAt, type ChatEvent } from "./chat-events";

const CHAT = "00000000-0000-4000-8000-00000000000c";

/** A WebSocket stand-in: records what the client sends, and lets the test speak for the server. */
class FakeSocket implements SocketLike {
  static all: FakeSocket[] = [];
  sent: Array<Record<string, unknown>> = [];
  onmessage: SocketLike["onmessage"] = null;
  onclose: SocketLike["onclose"] = null;
  onerror: SocketLike["onerror"] = null;
  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close(code = 1000) {
    this.onclose?.({ code });
  }
  server(event: Record<string, unknown>) {
    this.onmessage?.({ data: JSON.stringify(event) });
  }
  drop(code = 1006) {
    this.onclose?.({ code });
  }
}

const latest = () => FakeSocket.all.at(-1) as FakeSocket;

function assistantMessage(id: string): Message {
  return {
    id,
    chatId: CHAT,
    role: "assistant",
    content: "",
    status: "streaming",
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
  };
}

/** A connection whose "cache" is a map of answer texts, the way the app's query cache holds them. */
function setup() {
  let token = "token-1";
  const texts = new Map<string, string>();
  const events: ChatEvent[] = [];
  const renewToken = vi.fn(async () => {
    token = "token-2";
    return true;
  });
  const connection = createChatConnection({
    url: () => "ws://atrium.test/ws/chat",
    getToken: () => token,
    renewToken,
    onEvent: (event) => {
      events.push(event);
      if (event.type === "message.created") texts.set(event.assistantMessage.id, "");
      if (event.type === "token") {
        const next = appendAt(texts.get(event.messageId) ?? "", event.offset, event.text);
        if (next !== null) texts.set(event.messageId, next);
      }
    },
    receivedLength: (_chatId, messageId) => texts.get(messageId)?.length ?? null,
    createSocket: (url, protocols) => new FakeSocket(url, protocols),
    retryDelayMs: (attempt) => 100 * 2 ** attempt,
  });
  return { connection, texts, events, renewToken, setToken: (next: string) => (token = next) };
}

describe("chat connection", () => {
  beforeEach(() => {
    FakeSocket.all = [];
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("authenticates with the access token, holds requests until ready, and resolves them on message.created", async () => {
    const { connection } = setup();
    connection.start();
    const sent = connection.request({ type: "send", chatId: CHAT, content: "Hello" }, "r1");

    expect(latest().protocols).toEqual(["atrium", "bearer.token-1"]);
    expect(latest().sent).toEqual([]);
    latest().server({ type: "ready", userId: "u" });
    expect(latest().sent).toEqual([{ type: "send", chatId: CHAT, content: "Hello", ref: "r1" }]);

    latest().server({ type: "message.created", chatId: CHAT, ref: "r1", assistantMessage: assistantMessage("a1") });
    await expect(sent).resolves.toMatchObject({ assistantMessage: { id: "a1" } });
    expect(connection.getSnapshot()).toMatchObject({ status: "open", live: new Set(["a1"]) });
  });

  it("rejects a refused request with the server's error code", async () => {
    const { connection } = setup();
    connection.start();
    latest().server({ type: "ready", userId: "u" });
    const sent = connection.request({ type: "send", chatId: CHAT, content: "Hi" }, "r7");
    latest().server({ type: "error", ref: "r7", error: { code: "message.busy", message: "Busy" } });
    await expect(sent).rejects.toMatchObject({ code: "message.busy" });
  });

  it("reconnects with backoff and resumes a streaming answer from what was already received", async () => {
    const { connection, texts, setToken } = setup();
    connection.start();
    latest().server({ type: "ready", userId: "u" });
    latest().server({ type: "message.created", chatId: CHAT, assistantMessage: assistantMessage("a1") });
    latest().server({ type: "token", chatId: CHAT, messageId: "a1", offset: 0, text: "Hello, " });

    latest().drop();
    expect(connection.getSnapshot().status).toBe("offline");
    // The api client refreshed the token meanwhile: the next attempt must use the current one.
    setToken("token-fresh");
    await vi.advanceTimersByTimeAsync(100);
    expect(FakeSocket.all).toHaveLength(2);
    expect(latest().protocols).toEqual(["atrium", "bearer.token-fresh"]);

    latest().server({ type: "ready", userId: "u" });
    expect(latest().sent).toEqual([{ type: "resume", messageId: "a1", offset: 7 }]);

    // The resume repeats a little; the text is not doubled.
    latest().server({ type: "token", chatId: CHAT, messageId: "a1", offset: 5, text: ", world" });
    latest().server({ type: "message.done", chatId: CHAT, message: { ...assistantMessage("a1"), status: "done" } });
    expect(texts.get("a1")).toBe("Hello, world");
    expect(connection.getSnapshot().live.size).toBe(0);
  });

  it("waits longer after each failed attempt", async () => {
    setup().connection.start();
    latest().drop();
    await vi.advanceTimersByTimeAsync(100);
    expect(FakeSocket.all).toHaveLength(2);
    latest().drop();
    await vi.advanceTimersByTimeAsync(150);
    expect(FakeSocket.all).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(50);
    expect(FakeSocket.all).toHaveLength(3);
  });

  it("renews a refused token before reconnecting", async () => {
    const { connection, renewToken } = setup();
    connection.start();
    latest().server({ type: "error", error: { code: "auth.token_expired", message: "Expired" } });
    latest().drop(4401);
    await vi.advanceTimersByTimeAsync(1000);
    expect(renewToken).toHaveBeenCalledWith("token-1");
    expect(latest().protocols).toEqual(["atrium", "bearer.token-2"]);
  });

  it("asks once for text that went missing, then follows the answer", () => {
    const { connection, texts } = setup();
    connection.start();
    latest().server({ type: "ready", userId: "u" });
    texts.set("a2", "Hel");
    latest().server({ type: "token", chatId: CHAT, messageId: "a2", offset: 6, text: "wor" });
    latest().server({ type: "token", chatId: CHAT, messageId: "a2", offset: 9, text: "ld" });
    expect(latest().sent).toEqual([{ type: "resume", messageId: "a2", offset: 3 }]);
    latest().server({ type: "token", chatId: CHAT, messageId: "a2", offset: 3, text: "lo world" });
    expect(texts.get("a2")).toBe("Hello world");
  });

  it("resumes an answer it finds streaming when a chat loads, but not one that has ended", () => {
    const { connection, texts } = setup();
    connection.start();
    latest().server({ type: "ready", userId: "u" });
    texts.set("a3", "Partial");
    connection.watch(CHAT, "a3");
    latest().server({ type: "message.done", chatId: CHAT, message: { ...assistantMessage("a3"), status: "done" } });
    connection.watch(CHAT, "a3");
    expect(latest().sent).toEqual([{ type: "resume", messageId: "a3", offset: 7 }]);
  });

  it("stops for good when asked, without reconnecting", async () => {
    const { connection } = setup();
    connection.start();
    latest().server({ type: "ready", userId: "u" });
    connection.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(FakeSocket.all).toHaveLength(1);
    expect(connection.getSnapshot().status).toBe("idle");
  });

  it("subscribes to a tenant's documents once ready, again after a reconnect, and passes their events on", async () => {
    const TENANT = "00000000-0000-4000-8000-0000000000a1";
    const { connection } = setup();
    const seen: unknown[] = [];
    connection.onDocument((document) => seen.push(document));
    connection.start();
    const unwatch = connection.watchTenant(TENANT);
    // A second watcher (another component) shares the subscription.
    const unwatchOther = connection.watchTenant(TENANT);
    latest().server({ type: "ready", userId: "u" });
    expect(latest().sent).toEqual([{ type: "subscribe", tenantId: TENANT, ref: `tenant:${TENANT}` }]);

    latest().server({ type: "subscribed", tenantId: TENANT });
    latest().server({ type: "document.updated", document: { id: "d1", tenantId: TENANT, progress: 40 } });
    expect(seen).toEqual([{ id: "d1", tenantId: TENANT, progress: 40 }]);

    latest().drop();
    await vi.advanceTimersByTimeAsync(100);
    latest().server({ type: "ready", userId: "u" });
    expect(latest().sent).toEqual([{ type: "subscribe", tenantId: TENANT, ref: `tenant:${TENANT}` }]);

    unwatch();
    expect(latest().sent).toHaveLength(1);
    unwatchOther();
    expect(latest().sent.at(-1)).toEqual({ type: "unsubscribe", tenantId: TENANT });
  });

  it("keeps a refused document subscription quiet (the page polls instead)", () => {
    const { connection } = setup();
    const errors: unknown[] = [];
    connection.onError((error) => errors.push(error));
    connection.start();
    latest().server({ type: "ready", userId: "u" });
    connection.watchTenant("00000000-0000-4000-8000-0000000000b2");
    latest().server({
      type: "error",
      ref: "tenant:00000000-0000-4000-8000-0000000000b2",
      error: { code: "tenant.not_found", message: "No such tenant" },
    });
    expect(errors).toEqual([]);
  });
});
