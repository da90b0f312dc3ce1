import { ClientEventSchema, type ServerEvent } from "@atrium/contracts";
import type { FastifyInstance } from "fastify";
import type { WebSocket } from "ws";
import { AppError } from "../../lib/errors";
import type { Actor, Authenticator } from "../../plugins/auth";
import type { MessageRow } from "./chats.repository";
import type { ChatsService, SendResult } from "./chats.service";
import { userFacingError } from "./chats.service";
import type { GenerationHub } from "./generation-hub";
import { presentMessage } from "./messages.presenter";

const SUBPROTOCOL = "atrium";
const TOKEN_PROTOCOL_PREFIX = "bearer.";
/** How often an answer written by another process is read again while a socket follows it. */
const FOLLOW_POLL_MS = 500;

export interface ChatSocketOptions {
  authenticate: Authenticator;
  chats: ChatsService;
  hub: GenerationHub;
  /** Document status events, and the check that the user may watch a tenant. */
  tenantEvents?: {
    subscribe(tenantId: string, listener: (document: unknown) => void): () => void;
    canWatch(actor: Actor, tenantId: string): Promise<void>;
  };
  heartbeatMs?: number;
  authTimeoutMs?: number;
}

/**
 * WebSocket chat at /ws/chat (protocol: docs/CHAT-PROTOCOL.md). Authenticate with the subprotocol
 * `bearer.<token>` (next to `atrium`) or a first `{type:"auth", token}` message; tokens are never
 * logged. One socket carries many chats; answers survive reconnects through `resume`.
 */
export async function registerChatSocket(app: FastifyInstance, opts: ChatSocketOptions) {
  const heartbeatMs = opts.heartbeatMs ?? 30_000;
  app.get("/ws/chat", { websocket: true, schema: { hide: true } }, (socket: WebSocket, request) => {
    let actor: Actor | undefined;
    /** Authentication from the subprotocol, awaited before the first message is handled. */
    let pendingAuth: Promise<void> | undefined;
    const watching = new Map<string, () => void>();
    const tenantSubscriptions = new Map<string, () => void>();
    let alive = true;

    const emit = (event: ServerEvent) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(event));
    };
    const fail = (code: string, message: string, ref?: string) =>
      emit({ type: "error", ref, error: { code, message } });

    const heartbeat = setInterval(() => {
      if (!alive) return socket.terminate();
      alive = false;
      socket.ping();
    }, heartbeatMs);
    socket.on("pong", () => {
      alive = true;
    });

    const authTimer = setTimeout(() => {
      if (!actor) socket.close(4401, "authenticate first");
    }, opts.authTimeoutMs ?? 10_000);

    const authenticate = async (token: string) => {
      actor = await opts.authenticate(token);
      clearTimeout(authTimer);
      emit({ type: "ready", userId: actor.userId });
    };

    /** Streams an answer to this socket from `offset`, then its final state. */
    const watch = (messageId: string, chatId: string, offset: number, who: Actor): boolean => {
      watching.get(messageId)?.();
      const off = opts.hub.subscribe(
        messageId,
        (ev) => {
          if (ev.type === "token") {
            emit({ type: "token", chatId, messageId, offset: ev.offset, text: ev.text });
            return;
          }
          watching.delete(messageId);
          if (ev.final) emitFinal(ev.final, chatId);
          else void sendFinal(messageId, chatId, who);
        },
        offset,
      );
      if (off) watching.set(messageId, off);
      return off !== undefined;
    };

    /**
     * An answer this process is not generating: sends the stored text after `offset`, and while the
     * row is still `streaming` (another process writes it) reads it again every FOLLOW_POLL_MS,
     * until it is done, stopped or failed (the cron fails an answer whose process died).
     */
    const follow = (first: MessageRow, offset: number, who: Actor) => {
      let sent = offset;
      let timer: NodeJS.Timeout | undefined;
      let row = first;
      const stop = () => clearTimeout(timer);
      const step = async (): Promise<void> => {
        if (row.content.length > sent) {
          emit({ type: "token", chatId: row.chatId, messageId: row.id, offset: sent, text: row.content.slice(sent) });
          sent = row.content.length;
        }
        if (row.status !== "streaming") {
          watching.delete(row.id);
          return emitFinal(row, row.chatId);
        }
        timer = setTimeout(() => {
          opts.chats
            .watchable(who, row.id)
            .then((next) => {
              if (watching.get(row.id) !== stop) return;
              row = next;
              return step();
            })
            .catch(() => watching.delete(row.id));
        }, FOLLOW_POLL_MS);
      };
      watching.get(first.id)?.();
      watching.set(first.id, stop);
      return step();
    };

    const sendFinal = async (messageId: string, chatId: string, who: Actor) => {
      emitFinal(await opts.chats.watchable(who, messageId), chatId);
    };
    /** The final state of an answer this socket was allowed to watch. */
    const emitFinal = (row: MessageRow, chatId: string) => {
      const messageId = row.id;
      if (row.status === "failed") {
        const code = row.errorCode ?? "llm.failed";
        emit({ type: "message.failed", chatId, messageId, error: { code, message: userFacingError(code) } });
      }
      emit({ type: "message.done", chatId, message: presentMessage(row) });
    };

    const started = (result: SendResult, ref: string | undefined, who: Actor) => {
      emit({
        type: "message.created",
        chatId: result.generation.chatId,
        ref,
        userMessage: result.userMessage ?? undefined,
        assistantMessage: result.assistantMessage,
      });
      watch(result.generation.messageId, result.generation.chatId, 0, who);
    };

    // Start subprotocol authentication before listening: buffered messages are replayed as soon as
    // a message listener is attached.
    const offered = String(request.headers["sec-websocket-protocol"] ?? "")
      .split(",")
      .map((s) => s.trim())
      .find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX));
    if (offered) {
      pendingAuth = authenticate(offered.slice(TOKEN_PROTOCOL_PREFIX.length)).catch((err) => {
        fail(
          err instanceof AppError ? err.code : "auth.token_invalid",
          err instanceof Error ? err.message : "Invalid token",
        );
        socket.close(4401, "authentication failed");
      });
    }
    socket.on("message", async (raw) => {
      let ref: string | undefined;
      try {
        let data: unknown;
        try {
          data = JSON.parse(raw.toString());
        } catch {
          return fail("ws.bad_message", "Send JSON messages; see docs/CHAT-PROTOCOL.md.");
        }
        const parsed = ClientEventSchema.safeParse(data);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          return fail(
            "ws.bad_message",
            `${issue?.path.join(".") || "message"}: ${issue?.message ?? "invalid"}`,
            (data as { ref?: string })?.ref,
          );
        }
        const ev = parsed.data;
        ref = ev.ref;
        if (ev.type === "ping") return emit({ type: "pong", ref });
        if (ev.type === "auth") return await authenticate(ev.token);
        await pendingAuth;
        if (!actor) return fail("auth.unauthenticated", "Authenticate first: send {type:'auth', token}.", ref);
        const who = actor;
        switch (ev.type) {
          case "send":
            return started(await opts.chats.send(who, ev.chatId, ev.content, "ws"), ref, who);
          case "regenerate":
            return started(await opts.chats.regenerate(who, ev.messageId, "ws"), ref, who);
          case "stop":
            await opts.chats.stop(who, ev.messageId);
            return;
          case "subscribe": {
            if (!opts.tenantEvents) return fail("ws.bad_message", "Live document events are not available.", ref);
            await opts.tenantEvents.canWatch(who, ev.tenantId);
            if (!tenantSubscriptions.has(ev.tenantId)) {
              tenantSubscriptions.set(
                ev.tenantId,
                opts.tenantEvents.subscribe(ev.tenantId, (document) => emit({ type: "document.updated", document })),
              );
            }
            return emit({ type: "subscribed", tenantId: ev.tenantId, ref });
          }
          case "unsubscribe":
            tenantSubscriptions.get(ev.tenantId)?.();
            tenantSubscriptions.delete(ev.tenantId);
            return;
          case "resume": {
            const row = await opts.chats.watchable(who, ev.messageId);
            if (watch(row.id, row.chatId, ev.offset, who)) return;
            // Not running in this process: follow what is stored (finished, or being written by
            // another API process, which saves its text as it goes) until it ends.
            return follow(row, ev.offset, who);
          }
        }
      } catch (err) {
        if (err instanceof AppError) return fail(err.code, err.message, ref);
        request.log.error({ err }, "chat socket error");
        return fail("internal", "Something went wrong on our side. Try again.", ref);
      }
    });

    socket.on("close", () => {
      clearInterval(heartbeat);
      clearTimeout(authTimer);
      for (const off of watching.values()) off();
      watching.clear();
      for (const off of tenantSubscriptions.values()) off();
      tenantSubscriptions.clear();
    });
  });
}

/** Picks the `atrium` subprotocol (never echoing the token one). */
export function selectChatProtocol(protocols: Set<string>): string | false {
  return protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false;
}
