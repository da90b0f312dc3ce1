import type { AssistantSummary } from "@atrium/contracts";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { PlusIcon } from "../../components/ui/icons";
import { Menu, MenuItem, MenuLabel } from "../../components/ui/menu";
import { describeError } from "../../i18n/errors";
import { useAvailableAssistants } from "./api";
import { AssistantKindIcon } from "./assistant-icon";

/**
 * Opens a new chat with an assistant (a draft until its first message); shared by the picker, the
 * start screen and the new-chat shortcut.
 */
export function useStartChat() {
  const navigate = useNavigate();
  return (assistant: Pick<AssistantSummary, "id">) => navigate(`/chat?assistant=${assistant.id}`);
}

/** "New chat": a menu of the department's assistants, each with its kind's icon and what it is for. */
export function NewChatMenu({ tenantId }: { tenantId: string }) {
  const { t } = useTranslation();
  const assistants = useAvailableAssistants(tenantId);
  const start = useStartChat();

  return (
    <Menu
      label={t("chat.newChat")}
      align="start"
      triggerTestId="chat-new"
      triggerClassName="h-10 w-full justify-center bg-accent! font-medium text-accent-fg! shadow-sm hover:bg-accent-hover! [&_svg]:size-4"
      trigger={
        <>
          <PlusIcon />
          {t("chat.newChat")}
        </>
      }
    >
      <MenuLabel>{t("chat.pickAssistant")}</MenuLabel>
      {assistants.isPending ? (
        <p className="px-2.5 py-2 text-sm text-fg-muted">{t("common.loading")}</p>
      ) : assistants.isError ? (
        <p className="px-2.5 py-2 text-sm text-danger-text">{describeError(assistants.error, t)}</p>
      ) : assistants.data.length === 0 ? (
        <p className="max-w-64 px-2.5 py-2 text-sm text-fg-muted">{t("chat.noAssistants.short")}</p>
      ) : (
        assistants.data.map((assistant) => (
          <MenuItem
            key={assistant.id}
            testId={`chat-assistant-${assistant.slug}`}
            icon={<AssistantKindIcon kind={assistant.kind} />}
            onSelect={() => start(assistant)}
          >
            <span className="flex min-w-0 flex-col">
              <span className="font-medium">{assistant.name}</span>
              {assistant.description ? (
                <span className="line-clamp-2 text-xs text-fg-muted">{assistant.description}</span>
              ) : null}
            </span>
          </MenuItem>
        ))
      )}
    </Menu>
  );
}
