import type { AssistantSummary } from "@atrium/contracts";
import { type Ref, useEffect } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { EmptyState } from "../../components/ui/empty-state";
import { useToast } from "../../components/ui/toast";
import { describeError } from "../../i18n/errors";
import { useCreateChat } from "./api";
import { AssistantKindIcon } from "./assistant-icon";
import { ChatComposer } from "./chat-composer";
import { OpenListButton } from "./chat-view";
import { ShortcutsHelp } from "./shortcuts-help";
import { useChatSocket } from "./use-chat-socket";

/**
 * A new chat with an assistant before its first message (/chat?assistant=<id>). The chat is only
 * created when the person sends something, so opening "New chat" and leaving leaves no empty chat
 * behind. Sending creates it, sends the message and opens it.
 */
export function DraftChat({
  tenantId,
  assistant,
  onOpenList,
  inputRef,
}: {
  tenantId: string;
  assistant: AssistantSummary;
  onOpenList: () => void;
  inputRef: Ref<HTMLTextAreaElement>;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const navigate = useNavigate();
  const createChat = useCreateChat();
  const socket = useChatSocket();

  useEffect(() => {
    document.title = `${t("chat.newChat")} · Atrium`;
    return () => {
      document.title = "Atrium";
    };
  }, [t]);

  const onSend = async (content: string) => {
    try {
      const chat = await createChat.mutateAsync({ tenantId, assistantId: assistant.id });
      // The message is on its way (its placeholder is in the new chat's cache): open the chat now.
      const sent = socket.send(chat.id, content);
      navigate(`/chat/${chat.id}`, { replace: true });
      await sent;
    } catch (error) {
      toast.error(describeError(error, t));
      throw error;
    }
  };

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <header className="flex h-14 shrink-0 items-center gap-3 border-b border-line px-4">
        <OpenListButton onClick={onOpenList} />
        <div className="flex size-8 shrink-0 items-center justify-center rounded-lg bg-accent-soft text-accent-text [&_svg]:size-4">
          <AssistantKindIcon kind={assistant.kind} />
        </div>
        <div className="min-w-0 flex-1">
          <h1 className="truncate text-sm font-semibold text-fg" data-testid="chat-title">
            {t("chat.newChat")}
          </h1>
          <p className="truncate text-xs text-fg-muted">{assistant.name}</p>
        </div>
        <ShortcutsHelp />
      </header>
      <div className="flex min-h-0 flex-1 items-center justify-center overflow-y-auto">
        <EmptyState
          icon={<AssistantKindIcon kind={assistant.kind} />}
          title={t("chat.empty.title", { assistant: assistant.name })}
          description={assistant.description || t("chat.empty.description")}
        />
      </div>
      <ChatComposer
        assistantName={assistant.name}
        isAnswering={false}
        onSend={onSend}
        onStop={() => {}}
        inputRef={inputRef}
      />
    </div>
  );
}
