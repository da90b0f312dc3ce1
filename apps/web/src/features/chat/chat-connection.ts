import type { ClientEvent, Document, Message } from "@atrium/contracts";
import { ApiError } from "../../lib/api-client";
import type { ChatEvent } from "./chat-events";

/** idle: not connected and not trying; connecting: first attempt; open: ready; offline: lost, retrying. */
export type ConnectionStatus = "idle" | "connecting" | "open" | "offline";

/** What components read: the connection's state and the answers streaming over it. */
export interface ConnectionSnapshot {
  status: ConnectionStatus;
  /** Ids of assistant messages this connection is streaming (started or resumed here). */
  live: ReadonlySet<string>;
}

/** The part of the browser's WebSocket this connection uses (tests pass a fake). */
export interface SocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

/** The answer to a send or regenerate: the stored messages. */
export interface Started {
  userMessage?: Message;
  assistantMessage: Message;
}

type WithoutRef<E> = E extends unknown ? Omit<E, "ref"> : never;
/** A client event without its `ref`, which the connection assigns. */
type Outgoing = WithoutRef<ClientEvent>;

export interface ChatConnectionOptions {
  url: () => string;
  getToken: () => string | null;
  /** Renews the access token the server refused; resolves false when the session is over. */
  renewToken: (refused: string) => Promise<boolean>;
  /** Every answer event, to update the cache. */
  onEvent: (event: ChatEvent) => void;
  /** Characters of an answer already held (null when its chat isn't loaded), to resume from there. */
  receivedLength: (chatId: string, messageId: string) => number | null;
  createSocket?: (url: string, protocols: string[]) => SocketLike;
  /** Delay before reconnect attempt `attempt` (0-based). */
  retryDelayMs?: (attempt: number) => number;
  /** How long a send may wait for the server to confirm it. */
  requestTimeoutMs?: number;
  /** After this long without any message from the server, the connection is considered dead. */
  silenceLimitMs?: number;
}

/** Close code the server uses when the token is missing or refused. */
const UNAUTHORIZED_CLOSE = 4401;

/** Prefix of the refs of document subscriptions, so their refusals can be told apart. */
const TENANT_REF = "tenant:";

/** 0.5 s, 1 s, 2 s … up to 15 s, with jitter so many tabs don't reconnect in step after a restart. */
export function defaultRetryDelay(attempt: number): number {
  const base = Math.min(15_000, 500 * 2 ** attempt);
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

function networkError(): ApiError {
  return new ApiError({ status: 0, code: "network", message: "The live connection was lost." });
}

/**
 * One WebSocket to /ws/chat shared by the whole app (docs/CHAT-PROTOCOL.md). It authenticates with
 * the current access token, queues requests until the server is ready, reconnects with backoff
 * (renewing the token when the server refused it), and after every reconnect resumes each answer
 * that was streaming from the number of characters already received. It also carries the live
 * status of documents being processed, for the tenants a page watches.
 */
export function createChatConnection(options: ChatConnectionOptions) {
  const createSocket =
    options.createSocket ?? ((url: string, protocols: string[]) => new WebSocket(url, protocols) as SocketLike);
  const retryDelay = options.retryDelayMs ?? defaultRetryDelay;
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const silenceLimitMs = options.silenceLimitMs ?? 75_000;

  let socket: SocketLike | null = null;
  let isReady = false;
  let isWanted = false;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let lastHeardAt = 0;
  let refSeq = 0;
  let snapshot: ConnectionSnapshot = { status: "idle", live: new Set() };
  const queue: string[] = [];
  const pending = new Map<
    string,
    { resolve: (started: Started) => void; reject: (error: ApiError) => void; timer: ReturnType<typeof setTimeout> }
  >();
  /** Answers streaming here: message id → chat id. */
  const live = new Map<string, string>();
  /** Answers that ended: never resumed again, even if a stale copy still says "streaming". */
  const finished = new Set<string>();
  /** Answers with a resume on its way after a gap, so each gap asks once. */
  const catchingUp = new Set<string>();
  const listeners = new Set<() => void>();
  const errorListeners = new Set<(error: ApiError) => void>();
  /** Tenants whose document events are wanted: tenant id → how many watchers. */
  const watchedTenants = new Map<string, number>();
  const documentListeners = new Set<(document: Document) => void>();

  function publish(status: ConnectionStatus = snapshot.status) {
    snapshot = { status, live: new Set(live.keys()) };
    for (const listener of listeners) listener();
  }

  function transmit(event: object) {
    const data = JSON.stringify(event);
    if (socket && isReady) socket.send(data);
    else {
      queue.push(data);
      connect();
    }
  }

  function resume(messageId: string, chatId: string) {
    if (!socket || !isReady) return;
    const offset = options.receivedLength(chatId, messageId);
    socket.send(JSON.stringify({ type: "resume", messageId, offset: offset ?? 0 }));
  }

  /** Asks for a tenant's document events; the server forgets subscriptions with the socket. */
  function subscribeTenant(tenantId: string) {
    if (socket && isReady)
      socket.send(JSON.stringify({ type: "subscribe", tenantId, ref: `${TENANT_REF}${tenantId}` }));
  }

  function rejectPending(error: ApiError) {
    for (const [ref, request] of pending) {
      clearTimeout(request.timer);
      request.reject(error);
      pending.delete(ref);
    }
  }

  function handle(raw: unknown) {
    lastHeardAt = Date.now();
    let event: { type?: string; ref?: string; [key: string]: unknown };
    try {
      event = JSON.parse(String(raw));
    } catch {
      return;
    }
    switch (event.type) {
      case "ready": {
        isReady = true;
        attempt = 0;
        publish("open");
        for (const data of queue.splice(0)) socket?.send(data);
        for (const [messageId, chatId] of live) resume(messageId, chatId);
        for (const tenantId of watchedTenants.keys()) subscribeTenant(tenantId);
        return;
      }
      case "document.updated":
        for (const listener of documentListeners) listener(event.document as Document);
        return;
      case "message.created": {
        const created = event as unknown as Extract<ChatEvent, { type: "message.created" }>;
        live.set(created.assistantMessage.id, created.chatId);
        publish();
        options.onEvent(created);
        const request = created.ref ? pending.get(created.ref) : undefined;
        if (request && created.ref) {
          clearTimeout(request.timer);
          pending.delete(created.ref);
          request.resolve({ userMessage: created.userMessage, assistantMessage: created.assistantMessage });
        }
        return;
      }
      case "token": {
        const token = event as unknown as Extract<ChatEvent, { type: "token" }>;
        const held = options.receivedLength(token.chatId, token.messageId);
        if (held !== null && token.offset > held) {
          // Text went missing (e.g. the chat loaded after the answer started): ask for it once.
          if (!catchingUp.has(token.messageId)) {
            catchingUp.add(token.messageId);
            live.set(token.messageId, token.chatId);
            resume(token.messageId, token.chatId);
          }
          return;
        }
        catchingUp.delete(token.messageId);
        options.onEvent(token);
        return;
      }
      case "message.failed":
        options.onEvent(event as unknown as ChatEvent);
        return;
      case "message.done": {
        const done = event as unknown as Extract<ChatEvent, { type: "message.done" }>;
        live.delete(done.message.id);
        finished.add(done.message.id);
        catchingUp.delete(done.message.id);
        options.onEvent(done);
        publish();
        return;
      }
      case "error": {
        const body = (event.error ?? {}) as { code?: string; message?: string };
        const error = new ApiError({ status: 0, code: body.code ?? "internal", message: body.message ?? "" });
        const request = event.ref ? pending.get(event.ref) : undefined;
        if (request && event.ref) {
          clearTimeout(request.timer);
          pending.delete(event.ref);
          request.reject(error);
          return;
        }
        // A refused document subscription is not worth a message: the documents page polls anyway.
        if (event.ref?.startsWith(TENANT_REF)) return;
        // Refused tokens are handled by the close that follows; the rest is worth telling.
        if (!error.code.startsWith("auth.")) for (const listener of errorListeners) listener(error);
        return;
      }
    }
  }

  function scheduleReconnect(delayMs: number) {
    clearTimeout(retryTimer);
    publish("offline");
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      connect();
    }, delayMs);
  }

  function connect() {
    if (!isWanted || socket || retryTimer) return;
    const token = options.getToken();
    if (!token) {
      publish("idle");
      return;
    }
    if (snapshot.status === "idle") publish("connecting");
    const ws = createSocket(options.url(), ["atrium", `bearer.${token}`]);
    socket = ws;
    isReady = false;
    lastHeardAt = Date.now();
    ws.onmessage = (message) => {
      if (socket === ws) handle(message.data);
    };
    ws.onerror = () => undefined;
    ws.onclose = (closed) => {
      if (socket !== ws) return;
      socket = null;
      isReady = false;
      rejectPending(networkError());
      if (!isWanted) return publish("idle");
      const delay = retryDelay(attempt++);
      if (closed.code !== UNAUTHORIZED_CLOSE) return scheduleReconnect(delay);
      publish("offline");
      void options.renewToken(token).then((renewed) => {
        if (!renewed) return stop();
        scheduleReconnect(Math.min(delay, 1000));
      });
    };
  }

  function stop() {
    isWanted = false;
    clearTimeout(retryTimer);
    retryTimer = undefined;
    clearInterval(heartbeat);
    heartbeat = undefined;
    const ws = socket;
    socket = null;
    isReady = false;
    queue.length = 0;
    rejectPending(networkError());
    live.clear();
    ws?.close(1000, "done");
    publish("idle");
  }

  return {
    /** Opens the connection (if not open) and keeps it open until stop(). */
    start() {
      if (isWanted) return;
      isWanted = true;
      clearInterval(heartbeat);
      // The server pings too, but a browser may not notice a dead network for minutes: our own ping
      // gets an answer on a live connection, and silence means it is gone.
      heartbeat = setInterval(() => {
        if (!socket || !isReady) return;
        if (Date.now() - lastHeardAt > silenceLimitMs) socket.close(4000, "silent");
        else socket.send(JSON.stringify({ type: "ping" }));
      }, silenceLimitMs / 3);
      connect();
    },
    stop,
    /** Reconnects now instead of waiting for the backoff (the browser came back online). */
    retryNow() {
      if (!isWanted || socket) return;
      clearTimeout(retryTimer);
      retryTimer = undefined;
      connect();
    },
    /** Sends a send/regenerate and resolves with the stored messages once the server has them. */
    request(event: Extract<Outgoing, { type: "send" | "regenerate" }>, ref = `r${++refSeq}`): Promise<Started> {
      return new Promise<Started>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(ref);
          reject(networkError());
        }, requestTimeoutMs);
        pending.set(ref, { resolve, reject, timer });
        transmit({ ...event, ref });
      });
    },
    /** A fresh reference for request(), for callers that need it beforehand (placeholders). */
    nextRef: () => `r${++refSeq}`,
    /** Sends an event that needs no answer (stop). False when not connected. */
    fire(event: Extract<Outgoing, { type: "stop" }>): boolean {
      if (!socket || !isReady) return false;
      socket.send(JSON.stringify(event));
      return true;
    },
    /** Follows an answer that is streaming (e.g. found when a chat loads), from what is already held. */
    watch(chatId: string, messageId: string) {
      if (live.has(messageId) || finished.has(messageId)) return;
      live.set(messageId, chatId);
      publish();
      resume(messageId, chatId);
    },
    /**
     * Receives the document status changes of a tenant (upload processing progress) until the
     * returned function is called; subscribes again after every reconnect.
     */
    watchTenant(tenantId: string): () => void {
      const watchers = watchedTenants.get(tenantId) ?? 0;
      watchedTenants.set(tenantId, watchers + 1);
      if (watchers === 0) {
        if (socket && isReady) subscribeTenant(tenantId);
        else connect();
      }
      let isWatching = true;
      return () => {
        if (!isWatching) return;
        isWatching = false;
        const left = (watchedTenants.get(tenantId) ?? 1) - 1;
        if (left > 0) {
          watchedTenants.set(tenantId, left);
          return;
        }
        watchedTenants.delete(tenantId);
        if (socket && isReady) socket.send(JSON.stringify({ type: "unsubscribe", tenantId }));
      };
    },
    /** Every document.updated event of the watched tenants. */
    onDocument(listener: (document: Document) => void) {
      documentListeners.add(listener);
      return () => documentListeners.delete(listener);
    },
    /** Errors the server sent that no request is waiting for. */
    onError(listener: (error: ApiError) => void) {
      errorListeners.add(listener);
      return () => errorListeners.delete(listener);
    },
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: () => snapshot,
  };
}

export type ChatConnection = ReturnType<typeof createChatConnection>;
