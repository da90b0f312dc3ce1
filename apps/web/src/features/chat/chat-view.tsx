import type { Message } from "@atrium/contracts";
import { type Ref, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Alert } from "../../components/ui/alert";
import { Badge } from "../../components/ui/badge";
import { Button, ButtonLink } from "../../components/ui/button";
import { EmptyState } from "../../components/ui/empty-state";
import { MessageIcon, PanelLeftIcon } from "../../components/ui/icons";
import { LoadingBlock } from "../../components/ui/spinner";
import { useToast } from "../../components/ui/toast";
import { describeError } from "../../i18n/errors";
import { ApiError } from "../../lib/api-client";
import { groupAnswers } from "./answer-versions";
import { flattenMessages, useAvailableAssistants, useChat, useMarkMessage, useMessages } from "./api";
import { AssistantKindIcon } from "./assistant-icon";
import { ChatComposer } from "./chat-composer";
import { AssistantMessage, UserMessage } from "./message-item";
import { MessageList } from "./message-list";
import { ReviewDialog } from "./review-dialog";
import { ShortcutsHelp } from "./shortcuts-help";
import { type Source, SourcePanel } from "./source-panel";
import { useChatSocket } from "./use-chat-socket";

/** Button opening the chat list, for screens where it is a drawer. */
export function OpenListButton({ onClick }: { onClick: () => void }) {
  const { t } = useTranslation();
  return (
    <button
      type="button"
      onClick={onClick}
      data-testid="chat-list-open"
      className="-ml-1 rounded-md p-2 text-fg-muted hover:bg-subtle hover:text-fg md:hidden [&_svg]:size-5"
    >
      <PanelLeftIcon />
      <span className="sr-only">{t("chat.list.open")}</span>
    </button>
  );
}

/**
 * One open chat: its messages (older ones load on scrolling up), the answer streaming live, the
 * composer, and per-answer actions with their dialogs. Escape stops the answer being written.
 */
export function ChatView({
  chatId,
  onOpenList,
  inputRef,
}: {
  chatId: string;
  onOpenList: () => void;
  inputRef: Ref<HTMLTextAreaElement>;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const chat = useChat(chatId);
  const messages = useMessages(chatId);
  const assistants = useAvailableAssistants(chat.data?.tenantId);
  const socket = useChatSocket();
  const mark = useMarkMessage(chatId);
  const [reviewing, setReviewing] = useState<string | null>(null);
  const [openSource, setOpenSource] = useState<{ source: Source; number: number } | null>(null);
  /** The answer shown for a regenerated question, by its first answer's id (default: the newest). */
  const [chosen, setChosen] = useState<Record<string, string>>({});

  const items = flattenMessages(messages.data);
  const liveAnswer = items.find((message) => message.status === "streaming" && socket.live.has(message.id));
  const latestAnswer = items.findLast((message) => message.role === "assistant");
  const streamingKey = items
    .filter((message) => message.status === "streaming")
    .map((message) => message.id)
    .join(",");
  const { watch, onError, stop } = socket;

  // Answers found streaming when the chat loads (a reload, another tab) continue live here.
  useEffect(() => {
    for (const id of streamingKey ? streamingKey.split(",") : []) watch(chatId, id);
  }, [chatId, streamingKey, watch]);

  useEffect(() => {
    const off = onError((error) => toast.error(describeError(error, t)));
    return () => {
      off();
    };
  }, [onError, toast, t]);

  const liveAnswerId = liveAnswer?.id;
  useEffect(() => {
    if (!liveAnswerId) return;
    const onKeyDown = (event: KeyboardEvent) => {
      // Escape inside an open dialog closes that dialog instead.
      if (event.key !== "Escape" || event.defaultPrevented || document.querySelector("dialog[open]")) return;
      event.preventDefault();
      void stop(liveAnswerId).catch((error: unknown) => toast.error(describeError(error, t)));
    };
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [liveAnswerId, stop, toast, t]);

  const title = chat.data ? chat.data.title || t("chat.untitled") : "";
  useEffect(() => {
    if (!title) return;
    document.title = `${title} · Atrium`;
    return () => {
      document.title = "Atrium";
    };
  }, [title]);

  if (chat.isError) {
    const isMissing = chat.error instanceof ApiError && chat.error.status === 404;
    return (
      <div className="flex flex-1 flex-col">
        <div className="flex h-14 items-center px-4 md:hidden">
          <OpenListButton onClick={onOpenList} />
        </div>
        {isMissing ? (
          <EmptyState
            icon={<MessageIcon />}
            title={t("chat.notFound.title")}
            description={t("chat.notFound.description")}
            action={
              <ButtonLink to="/chat" variant="secondary">
                {t("chat.newChat")}
              </ButtonLink>
            }
          />
        ) : (
          <div className="p-6">
            <Alert
              title={t("errors.loadFailed")}
              action={
                <Button size="sm" variant="secondary" onClick={() => void chat.refetch()}>
                  {t("common.retry")}
                </Button>
              }
            >
              {describeError(chat.error, t)}
            </Alert>
          </div>
        )}
      </div>
    );
  }

  const assistant = assistants.data?.find((candidate) => candidate.id === chat.data?.assistantId);
  const assistantName = chat.data?.assistantName ?? "";
  const assistantKind = chat.data?.assistantKind ?? "general";

  const onSend = async (content: string) => {
    try {
      await socket.send(chatId, content);
    } catch (error) {
      toast.error(describeError(error, t));
      throw error;
    }
  };

  const onRegenerate = (message: Message) => {
    setChosen({}); // the new answer is shown when it arrives
    void socket.regenerate(message.id).catch((error: unknown) => toast.error(describeError(error, t)));
  };

  const onMark = (message: Message, value: 1 | -1 | 0) =>
    mark.mutate({ messageId: message.id, value }, { onError: (error) => toast.error(describeError(error, t)) });

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <header className="flex h-14 shrink-0 items-center gap-3 border-b border-line px-4">
        <OpenListButton onClick={onOpenList} />
        <div className="flex size-8 shrink-0 items-center justify-center rounded-lg bg-accent-soft text-accent-text [&_svg]:size-4">
          <AssistantKindIcon kind={assistantKind} />
        </div>
        <div className="min-w-0 flex-1">
          <h1 className="truncate text-sm font-semibold text-fg" data-testid="chat-title">
            {title || "\u00a0"}
          </h1>
          <p className="truncate text-xs text-fg-muted">{assistantName}</p>
        </div>
        {socket.status === "offline" ? (
          <Badge tone="warning" className="hidden sm:inline-flex">
            {t("chat.connection.offline")}
          </Badge>
        ) : null}
        <ShortcutsHelp />
      </header>

      {messages.isPending || chat.isPending ? (
        <LoadingBlock className="flex-1" />
      ) : messages.isError ? (
        <div className="flex-1 p-6">
          <Alert
            title={t("errors.loadFailed")}
            action={
              <Button size="sm" variant="secondary" onClick={() => void messages.refetch()}>
                {t("common.retry")}
              </Button>
            }
          >
            {describeError(messages.error, t)}
          </Alert>
        </div>
      ) : items.length === 0 ? (
        <div className="flex min-h-0 flex-1 items-center justify-center overflow-y-auto">
          <EmptyState
            icon={<AssistantKindIcon kind={assistantKind} />}
            title={t("chat.empty.title", { assistant: assistantName })}
            description={assistant?.description || t("chat.empty.description")}
          />
        </div>
      ) : (
        <MessageList
          firstMessageId={items[0]?.id}
          hasOlder={messages.hasNextPage}
          isLoadingOlder={messages.isFetchingNextPage}
          onLoadOlder={() => void messages.fetchNextPage()}
        >
          {groupAnswers(items).map(({ message, answers }) => {
            if (message.role === "user") return <UserMessage key={message.id} message={message} />;
            if (message.role !== "assistant") return null;
            const chosenId = chosen[message.id];
            const index =
              chosenId && answers.some((a) => a.id === chosenId)
                ? answers.findIndex((a) => a.id === chosenId)
                : answers.length - 1;
            const shown = answers[index] ?? message;
            return (
              <AssistantMessage
                key={message.id}
                message={shown}
                versions={{
                  index,
                  count: answers.length,
                  onSelect: (next) => {
                    const target = answers[next];
                    if (target) setChosen((all) => ({ ...all, [message.id]: target.id }));
                  },
                }}
                assistantKind={assistantKind}
                isLive={socket.live.has(shown.id)}
                isLatest={answers.some((a) => a.id === latestAnswer?.id)}
                isBusy={Boolean(liveAnswer)}
                onRegenerate={onRegenerate}
                onMark={onMark}
                onReview={(target) => setReviewing(target.id)}
                onOpenSource={(source, number) => setOpenSource({ source, number })}
              />
            );
          })}
        </MessageList>
      )}

      {messages.isError ? null : (
        <ChatComposer
          assistantName={assistantName}
          isAnswering={Boolean(liveAnswer)}
          notice={socket.status === "offline" ? t("chat.connection.reconnecting") : undefined}
          onSend={onSend}
          onStop={() => {
            if (liveAnswer) void stop(liveAnswer.id).catch((error: unknown) => toast.error(describeError(error, t)));
          }}
          inputRef={inputRef}
        />
      )}

      <ReviewDialog messageId={reviewing} onClose={() => setReviewing(null)} />
      <SourcePanel
        source={openSource?.source ?? null}
        number={openSource?.number ?? 0}
        onClose={() => setOpenSource(null)}
      />
    </div>
  );
}
