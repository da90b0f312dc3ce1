import type {
  AssistantSummary,
  Chat,
  ChatListSchema,
  Message,
  MessageListSchema,
  ReviewOutSchema,
  ReviewSchema,
} from "@atrium/contracts";
import {
  type InfiniteData,
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import type { z } from "zod";
import { api } from "../../lib/api-client";

export type ChatList = z.infer<typeof ChatListSchema>;
export type MessagePage = z.infer<typeof MessageListSchema>;
export type MessagesData = InfiniteData<MessagePage>;
export type ReviewRequest = z.input<typeof ReviewSchema>;
export type Review = z.infer<typeof ReviewOutSchema>;

/** How many chats one page of the list holds, and how many messages one page of a chat. */
export const CHAT_PAGE_SIZE = 30;
export const MESSAGE_PAGE_SIZE = 40;

/**
 * Cache keys of chats. Messages sit under their chat so deleting a chat drops both; assistants
 * available to a department sit under "assistants" so the admin pages' changes refresh them.
 */
export const chatKeys = {
  all: ["chats"] as const,
  lists: () => [...chatKeys.all, "list"] as const,
  list: (tenantId: string, q: string) => [...chatKeys.lists(), tenantId, q] as const,
  detail: (id: string) => [...chatKeys.all, "detail", id] as const,
  messages: (id: string) => [...chatKeys.all, "detail", id, "messages"] as const,
  availableAssistants: (tenantId: string) => ["assistants", "available", tenantId] as const,
};

const chatPath = (id: string) => `/chats/${encodeURIComponent(id)}`;
const messagePath = (id: string) => `/messages/${encodeURIComponent(id)}`;

/** Assistants the person can chat with in a department (enabled there by its admins). */
export function useAvailableAssistants(tenantId: string | undefined) {
  return useQuery({
    queryKey: chatKeys.availableAssistants(tenantId ?? ""),
    queryFn: ({ signal }) => api.get<AssistantSummary[]>("/assistants", { signal, query: { tenantId } }),
    enabled: Boolean(tenantId),
  });
}

/** The person's chats in a department, newest first, searched by title and content; pages load on demand. */
export function useChats(tenantId: string | undefined, q: string) {
  return useInfiniteQuery({
    queryKey: chatKeys.list(tenantId ?? "", q),
    queryFn: ({ signal, pageParam }) =>
      api.get<ChatList>("/chats", { signal, query: { tenantId, q, limit: CHAT_PAGE_SIZE, offset: pageParam } }),
    initialPageParam: 0,
    getNextPageParam: (last, pages) => {
      const loaded = pages.reduce((sum, page) => sum + page.items.length, 0);
      return loaded < last.total ? loaded : undefined;
    },
    enabled: Boolean(tenantId),
    placeholderData: keepPreviousData,
  });
}

/** One chat (title, assistant). */
export function useChat(id: string | undefined) {
  return useQuery({
    queryKey: chatKeys.detail(id ?? ""),
    queryFn: ({ signal }) => api.get<Chat>(chatPath(id ?? ""), { signal }),
    enabled: Boolean(id),
  });
}

/**
 * A chat's messages: the newest page first, older pages fetched when scrolling up (`before` the
 * oldest loaded message). The chat socket keeps this cache current while answers stream, so it is
 * never considered stale: a refetch could only replace live text with an older snapshot.
 */
export function useMessages(chatId: string | undefined) {
  return useInfiniteQuery({
    queryKey: chatKeys.messages(chatId ?? ""),
    queryFn: ({ signal, pageParam }) =>
      api.get<MessagePage>(`${chatPath(chatId ?? "")}/messages`, {
        signal,
        query: { before: pageParam, limit: MESSAGE_PAGE_SIZE },
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.hasMore ? last.items[0]?.id : undefined),
    enabled: Boolean(chatId),
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
  });
}

/** Messages of all loaded pages in reading order (oldest first). */
export function flattenMessages(data: MessagesData | undefined): Message[] {
  if (!data) return [];
  return [...data.pages].reverse().flatMap((page) => page.items);
}

/** Starts a chat with an assistant in a department. */
export function useCreateChat() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { tenantId: string; assistantId: string }) => api.post<Chat>("/chats", body),
    onSuccess: (chat) => {
      queryClient.setQueryData(chatKeys.detail(chat.id), chat);
      // A new chat has no messages: showing that at once avoids a request and a spinner.
      queryClient.setQueryData<MessagesData>(chatKeys.messages(chat.id), {
        pages: [{ items: [], hasMore: false }],
        pageParams: [undefined],
      });
      return queryClient.invalidateQueries({ queryKey: chatKeys.lists() });
    },
  });
}

/** Renames a chat. */
export function useRenameChat() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, title }: { id: string; title: string }) => api.patch<Chat>(chatPath(id), { title }),
    onSuccess: (chat) => {
      queryClient.setQueryData(chatKeys.detail(chat.id), chat);
      return queryClient.invalidateQueries({ queryKey: chatKeys.lists() });
    },
  });
}

/** Deletes a chat with its messages. */
export function useDeleteChat() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(chatPath(id)),
    onSuccess: (_, id) => {
      queryClient.removeQueries({ queryKey: chatKeys.detail(id) });
      return queryClient.invalidateQueries({ queryKey: chatKeys.lists() });
    },
  });
}

/** Replaces one message wherever it sits in a chat's loaded pages. */
export function updateMessageInData(
  data: MessagesData | undefined,
  messageId: string,
  update: (message: Message) => Message,
): MessagesData | undefined {
  if (!data) return data;
  let changed = false;
  const pages = data.pages.map((page) => {
    if (!page.items.some((message) => message.id === messageId)) return page;
    changed = true;
    return { ...page, items: page.items.map((message) => (message.id === messageId ? update(message) : message)) };
  });
  return changed ? { ...data, pages } : data;
}

/**
 * Rates an answer: 1 up, -1 down, 0 clears. The thumb changes at once and goes back if the server
 * refuses.
 */
export function useMarkMessage(chatId: string) {
  const queryClient = useQueryClient();
  const key = chatKeys.messages(chatId);
  return useMutation({
    mutationFn: ({ messageId, value }: { messageId: string; value: 1 | -1 | 0 }) =>
      api.put<Message>(`${messagePath(messageId)}/mark`, { value }),
    onMutate: async ({ messageId, value }) => {
      const previous = queryClient
        .getQueryData<MessagesData>(key)
        ?.pages.flatMap((page) => page.items)
        .find((message) => message.id === messageId)?.myMark;
      queryClient.setQueryData<MessagesData>(key, (data) =>
        updateMessageInData(data, messageId, (message) => ({ ...message, myMark: value === 0 ? null : value })),
      );
      return { previous: previous ?? null };
    },
    onError: (_error, { messageId }, context) => {
      queryClient.setQueryData<MessagesData>(key, (data) =>
        updateMessageInData(data, messageId, (message) => ({ ...message, myMark: context?.previous ?? null })),
      );
    },
  });
}

/** Sends a written review (text and problem tags) of an answer to the department's admins. */
export function useReviewMessage() {
  return useMutation({
    mutationFn: ({ messageId, ...body }: ReviewRequest & { messageId: string }) =>
      api.post<Review>(`${messagePath(messageId)}/reviews`, body),
  });
}

/** Stops an answer over HTTP, for when the live connection is down. */
export function stopMessageOverHttp(messageId: string): Promise<{ stopped: boolean }> {
  return api.post<{ stopped: boolean }>(`${messagePath(messageId)}/stop`);
}
