import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useSyncExternalStore } from "react";
import { api } from "../../lib/api-client";
import { authStore } from "../../lib/auth-store";
import { chatKeys, type MessagesData, stopMessageOverHttp } from "./api";
import { type ChatConnection, createChatConnection } from "./chat-connection";
import {
  appendMessages,
  applyChatEvent,
  findMessage,
  localMessageId,
  pendingUserMessage,
  removeMessage,
} from "./chat-events";

function socketUrl(): string {
  const protocol = window.location.protocol === "https:" ? "wss:" : "ws:";
  return `${protocol}//${window.location.host}/ws/chat`;
}

/** One connection per query cache, which in the app means one for the whole app. */
const connections = new WeakMap<QueryClient, ChatConnection>();

/**
 * The app's chat connection, writing every answer event into the cached messages of its chat (when
 * that chat is loaded) and refreshing the chat list, whose titles and order follow the messages.
 */
function connectionFor(queryClient: QueryClient): ChatConnection {
  const existing = connections.get(queryClient);
  if (existing) return existing;
  const connection = createChatConnection({
    url: socketUrl,
    // Read at every (re)connect: the api client may have refreshed the token meanwhile.
    getToken: () => authStore.getAccessToken(),
    renewToken: async (refused) => {
      const refusal = await api.refresh(refused);
      if (refusal?.startsWith("auth.")) {
        // Same as the api client: the session is over and the guards send the person to sign in.
        authStore.clear();
        authStore.noteSessionEnded(refusal);
        return false;
      }
      return true;
    },
    onEvent: (event) => {
      queryClient.setQueryData<MessagesData>(chatKeys.messages(event.chatId), (data) => applyChatEvent(data, event));
      if (event.type === "message.created" || event.type === "message.done") {
        void queryClient.invalidateQueries({ queryKey: chatKeys.lists() });
      }
      if (event.type === "message.created" && event.userMessage) {
        // The first message names the chat. `exact` keeps the (socket-fed) messages out of it.
        void queryClient.invalidateQueries({ queryKey: chatKeys.detail(event.chatId), exact: true });
      }
    },
    receivedLength: (chatId, messageId) =>
      findMessage(queryClient.getQueryData<MessagesData>(chatKeys.messages(chatId)), messageId)?.content.length ?? null,
  });
  authStore.subscribe(() => {
    if (!authStore.hasSession()) connection.stop();
  });
  window.addEventListener("online", () => connection.retryNow());
  connections.set(queryClient, connection);
  return connection;
}

/**
 * The live chat connection: opens it on first use (it then stays open while the person is signed
 * in, so answers keep streaming into the cache when they look at another page), and offers
 * send/stop/regenerate, and document status events of watched tenants. `live` holds the answers
 * streaming over it.
 */
export function useChatSocket() {
  const queryClient = useQueryClient();
  const connection = connectionFor(queryClient);

  useEffect(() => {
    if (authStore.hasSession()) connection.start();
  }, [connection]);

  const snapshot = useSyncExternalStore(connection.subscribe, connection.getSnapshot, connection.getSnapshot);

  const actions = useMemo(
    () => ({
      /**
       * Sends a message: it shows at once as a placeholder, replaced by the stored one when the
       * server confirms; on refusal the placeholder goes and the error is thrown to the caller.
       */
      async send(chatId: string, content: string) {
        const ref = connection.nextRef();
        const key = chatKeys.messages(chatId);
        queryClient.setQueryData<MessagesData>(key, (data) =>
          appendMessages(data, [pendingUserMessage(chatId, ref, content)]),
        );
        try {
          return await connection.request({ type: "send", chatId, content }, ref);
        } catch (error) {
          queryClient.setQueryData<MessagesData>(key, (data) => removeMessage(data, localMessageId(ref)));
          throw error;
        }
      },
      /** Answers the question of an assistant message again, as a new message. */
      regenerate(messageId: string) {
        return connection.request({ type: "regenerate", messageId });
      },
      /** Stops an answer; over HTTP when the live connection is down. */
      async stop(messageId: string) {
        if (!connection.fire({ type: "stop", messageId })) await stopMessageOverHttp(messageId);
      },
      watch: connection.watch,
      onError: connection.onError,
      watchTenant: connection.watchTenant,
      onDocument: connection.onDocument,
    }),
    [connection, queryClient],
  );

  return { status: snapshot.status, live: snapshot.live, ...actions };
}
