import type { Chat } from "@atrium/contracts";
import { type RefObject, useState } from "react";
import { useTranslation } from "react-i18next";
import { NavLink, useNavigate, useParams } from "react-router";
import { Alert } from "../../components/ui/alert";
import { Button } from "../../components/ui/button";
import { ConfirmDialog } from "../../components/ui/dialog";
import { MessageIcon, MoreIcon, PencilIcon, SearchIcon, TrashIcon } from "../../components/ui/icons";
import { Menu, MenuItem } from "../../components/ui/menu";
import { LoadingBlock, Spinner } from "../../components/ui/spinner";
import { useToast } from "../../components/ui/toast";
import { describeError } from "../../i18n/errors";
import { cn } from "../../lib/cn";
import { formatShortDate } from "../../lib/format";
import { useDebounced } from "../../lib/use-debounced";
import { useChats, useDeleteChat } from "./api";
import { AssistantKindIcon } from "./assistant-icon";
import { NewChatMenu } from "./new-chat-menu";
import { RenameChatDialog } from "./rename-chat-dialog";
import { modifierKeyName } from "./shortcuts-help";

function ChatListItem({ chat, onRename, onDelete }: { chat: Chat; onRename: () => void; onDelete: () => void }) {
  const { t, i18n } = useTranslation();
  const title = chat.title || t("chat.untitled");
  return (
    <li className="group relative focus-within:z-20">
      <NavLink
        to={`/chat/${chat.id}`}
        data-testid="chat-list-item"
        className={({ isActive }) =>
          cn(
            "flex items-center gap-2.5 rounded-lg py-2 pr-10 pl-2.5 text-sm transition-colors [&_svg]:size-4 [&_svg]:shrink-0",
            isActive ? "bg-accent-soft text-accent-text" : "text-fg hover:bg-subtle",
          )
        }
      >
        <AssistantKindIcon kind={chat.assistantKind} className="text-fg-subtle" />
        <span className="min-w-0 flex-1">
          <span className="block truncate font-medium">{title}</span>
          <span className="block truncate text-xs text-fg-subtle">
            {chat.assistantName} · {formatShortDate(chat.updatedAt, i18n.language)}
          </span>
        </span>
      </NavLink>
      <div className="absolute top-1/2 right-1.5 -translate-y-1/2 opacity-100 transition-opacity focus-within:opacity-100 md:opacity-0 md:group-hover:opacity-100">
        <Menu
          label={t("chat.list.actions", { title })}
          triggerClassName="size-7 justify-center [&_svg]:size-4"
          triggerTestId="chat-list-item-menu"
          trigger={<MoreIcon />}
        >
          <MenuItem icon={<PencilIcon />} onSelect={onRename} testId="chat-rename-open">
            {t("chat.rename.open")}
          </MenuItem>
          <MenuItem icon={<TrashIcon />} onSelect={onDelete} testId="chat-delete-open">
            {t("chat.delete.open")}
          </MenuItem>
        </Menu>
      </div>
    </li>
  );
}

/**
 * The left column of the chat page (a drawer on phones): start a chat with an assistant, search the
 * person's chats in the active department, rename or delete them.
 */
export function ChatSidebar({
  tenantId,
  searchRef,
}: {
  tenantId: string;
  searchRef: RefObject<HTMLInputElement | null>;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const navigate = useNavigate();
  const { chatId } = useParams();
  const [search, setSearch] = useState("");
  const query = useDebounced(search.trim(), 300);
  const chats = useChats(tenantId, query);
  const deleteChat = useDeleteChat();
  const [renaming, setRenaming] = useState<Chat | null>(null);
  const [deleting, setDeleting] = useState<Chat | null>(null);
  const items = chats.data?.pages.flatMap((page) => page.items) ?? [];

  const closeDelete = () => {
    deleteChat.reset();
    setDeleting(null);
  };

  return (
    <div className="flex h-full min-h-0 flex-col">
      <div className="flex flex-col gap-3 p-3">
        <NewChatMenu tenantId={tenantId} />
        <div className="relative">
          <label htmlFor="chat-search" className="sr-only">
            {t("chat.list.search")}
          </label>
          <SearchIcon className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-fg-subtle" />
          <input
            id="chat-search"
            ref={searchRef}
            type="search"
            value={search}
            placeholder={t("chat.list.search")}
            onChange={(event) => setSearch(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === "Escape" && search) {
                event.preventDefault();
                setSearch("");
              }
            }}
            data-testid="chat-search"
            className="h-9 w-full rounded-lg border border-line bg-canvas pr-3 pl-9 text-sm text-fg placeholder:text-fg-subtle focus:border-accent focus:ring-3 focus:ring-accent/20 focus:outline-hidden"
          />
          {chats.isFetching && !chats.isPending && !chats.isFetchingNextPage ? (
            <Spinner className="absolute top-1/2 right-8 -translate-y-1/2 text-fg-subtle" />
          ) : search ? null : (
            <kbd className="pointer-events-none absolute top-1/2 right-2.5 hidden -translate-y-1/2 rounded border border-line px-1.5 font-sans text-[11px] text-fg-subtle md:block">
              {modifierKeyName()} K
            </kbd>
          )}
        </div>
      </div>

      <nav aria-label={t("chat.list.title")} className="min-h-0 flex-1 overflow-y-auto px-3 pb-3">
        {chats.isPending ? (
          <LoadingBlock />
        ) : chats.isError ? (
          <Alert
            title={t("errors.loadFailed")}
            action={
              <Button size="sm" variant="secondary" onClick={() => void chats.refetch()}>
                {t("common.retry")}
              </Button>
            }
          >
            {describeError(chats.error, t)}
          </Alert>
        ) : items.length === 0 ? (
          <div className="flex flex-col items-center px-4 py-10 text-center" data-testid="chat-list-empty">
            <div className="mb-3 flex size-10 items-center justify-center rounded-full bg-subtle text-fg-muted [&_svg]:size-5">
              {query ? <SearchIcon /> : <MessageIcon />}
            </div>
            <p className="text-sm font-medium text-fg">
              {query ? t("chat.list.emptySearch.title", { query }) : t("chat.list.empty.title")}
            </p>
            <p className="mt-1 text-xs text-fg-muted">
              {query ? t("chat.list.emptySearch.description") : t("chat.list.empty.description")}
            </p>
          </div>
        ) : (
          <>
            <ul className="flex flex-col gap-0.5">
              {items.map((chat) => (
                <ChatListItem
                  key={chat.id}
                  chat={chat}
                  onRename={() => setRenaming(chat)}
                  onDelete={() => setDeleting(chat)}
                />
              ))}
            </ul>
            {chats.hasNextPage ? (
              <Button
                variant="ghost"
                size="sm"
                className="mt-2 w-full"
                isPending={chats.isFetchingNextPage}
                onClick={() => void chats.fetchNextPage()}
              >
                {t("chat.list.more")}
              </Button>
            ) : null}
          </>
        )}
      </nav>

      <RenameChatDialog chat={renaming} onClose={() => setRenaming(null)} />
      <ConfirmDialog
        open={deleting !== null}
        onClose={closeDelete}
        title={t("chat.delete.title", { title: deleting?.title || t("chat.untitled") })}
        description={t("chat.delete.description")}
        confirmLabel={t("chat.delete.confirm")}
        isPending={deleteChat.isPending}
        error={deleteChat.error ? describeError(deleteChat.error, t) : undefined}
        confirmTestId="chat-delete-confirm"
        onConfirm={() => {
          if (!deleting) return;
          const id = deleting.id;
          deleteChat.mutate(id, {
            onSuccess: () => {
              toast.success(t("chat.delete.success"));
              closeDelete();
              if (chatId === id) navigate("/chat", { replace: true });
            },
          });
        }}
      />
    </div>
  );
}
