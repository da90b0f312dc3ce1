import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams, useSearchParams } from "react-router";
import { ButtonLink } from "../../components/ui/button";
import { EmptyState } from "../../components/ui/empty-state";
import { BuildingIcon } from "../../components/ui/icons";
import { Sheet } from "../../components/ui/sheet";
import { useMediaQuery } from "../../lib/use-media-query";
import { canManageTenant, isInstanceAdmin } from "../auth/permissions";
import { useCurrentUser } from "../auth/use-current-user";
import { useActiveTenant } from "../layout/active-tenant";
import { useAvailableAssistants } from "./api";
import { ChatSidebar } from "./chat-sidebar";
import { ChatStart } from "./chat-start";
import { ChatView } from "./chat-view";
import { DraftChat } from "./draft-chat";

/** Id of the chat list's drawer on narrow screens. */
const LIST_DRAWER_ID = "chat-list-drawer";

/**
 * /chat and /chat/:chatId: the person's chats in the active department on the left (a drawer on
 * phones), and on the right the open chat, a new chat with an assistant (/chat?assistant=<id>),
 * or the assistant picker. Keyboard: Ctrl/⌘+K searches chats,
 * Ctrl/⌘+Shift+O starts a new one, Escape stops an answer (handled by the open chat).
 */
export function ChatPage() {
  const { t } = useTranslation();
  const { chatId } = useParams();
  const navigate = useNavigate();
  const me = useCurrentUser();
  const { active } = useActiveTenant();
  const isWide = useMediaQuery("(min-width: 768px)");
  const [isListOpen, setIsListOpen] = useState(false);
  const [searchRequest, setSearchRequest] = useState(0);
  const searchRef = useRef<HTMLInputElement | null>(null);
  const inputRef = useRef<HTMLTextAreaElement | null>(null);
  const tenantId = active?.tenantId;
  const [searchParams] = useSearchParams();
  const assistants = useAvailableAssistants(tenantId);
  const draftAssistantId = chatId ? null : searchParams.get("assistant");
  const draftAssistant = assistants.data?.find((assistant) => assistant.id === draftAssistantId);

  // Opening a chat closes the drawer and, on a keyboard-sized screen, puts the cursor in the input.
  useEffect(() => {
    setIsListOpen(false);
    if ((chatId || draftAssistantId) && isWide) inputRef.current?.focus();
  }, [chatId, draftAssistantId, isWide]);

  // Chats belong to a department: switching departments leaves the open chat.
  const shownTenant = useRef(tenantId);
  useEffect(() => {
    if (shownTenant.current === tenantId) return;
    shownTenant.current = tenantId;
    if (chatId) navigate("/chat");
  }, [tenantId, chatId, navigate]);

  // Ctrl/⌘+K may first have to open the drawer; the search box is focused once it is there.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs for each search request
  useEffect(() => {
    if (searchRequest) searchRef.current?.focus();
  }, [searchRequest, isListOpen]);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      // Not while a dialog is open, except the chat list drawer, where searching is the point.
      if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
      if (document.querySelector(`dialog[open]:not(#${LIST_DRAWER_ID})`)) return;
      const key = event.key.toLowerCase();
      if (key === "k" && !event.shiftKey) {
        event.preventDefault();
        if (!isWide) setIsListOpen(true);
        setSearchRequest((n) => n + 1);
      } else if (key === "o" && event.shiftKey) {
        event.preventDefault();
        navigate("/chat", { state: { focusStart: Date.now() } });
      }
    };
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [isWide, navigate]);

  if (!active || !tenantId) {
    const isAdmin = isInstanceAdmin(me);
    return (
      <div className="flex flex-1 items-center justify-center p-6">
        <EmptyState
          icon={<BuildingIcon />}
          title={t("chat.noTenant.title")}
          description={isAdmin ? t("chat.noTenant.adminDescription") : t("chat.noTenant.description")}
          action={
            isAdmin ? (
              <ButtonLink to="/admin/tenants" variant="primary">
                {t("home.noTenant.adminAction")}
              </ButtonLink>
            ) : undefined
          }
        />
      </div>
    );
  }

  const list = <ChatSidebar tenantId={tenantId} searchRef={searchRef} />;
  const openList = () => setIsListOpen(true);

  return (
    <div className="flex min-h-0 w-full flex-1">
      {isWide ? (
        <aside className="flex w-72 shrink-0 flex-col border-r border-line bg-surface lg:w-80">{list}</aside>
      ) : (
        <Sheet
          id={LIST_DRAWER_ID}
          side="left"
          open={isListOpen}
          onClose={() => setIsListOpen(false)}
          title={t("chat.list.title")}
          isTitleHidden
        >
          {list}
        </Sheet>
      )}
      <section className="flex min-w-0 flex-1 flex-col">
        {chatId ? (
          <ChatView key={chatId} chatId={chatId} onOpenList={openList} inputRef={inputRef} />
        ) : draftAssistant ? (
          <DraftChat
            key={draftAssistant.id}
            tenantId={tenantId}
            assistant={draftAssistant}
            onOpenList={openList}
            inputRef={inputRef}
          />
        ) : (
          <ChatStart
            tenantId={tenantId}
            tenantName={active.tenantName}
            canManageTenant={canManageTenant(me, tenantId)}
            onOpenList={openList}
          />
        )}
      </section>
    </div>
  );
}
