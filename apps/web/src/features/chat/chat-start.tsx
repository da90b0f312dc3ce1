import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { useLocation } from "react-router";
import { Alert } from "../../components/ui/alert";
import { Button, ButtonLink } from "../../components/ui/button";
import { EmptyState } from "../../components/ui/empty-state";
import { SparklesIcon } from "../../components/ui/icons";
import { LoadingBlock } from "../../components/ui/spinner";
import { describeError } from "../../i18n/errors";
import { useAvailableAssistants } from "./api";
import { AssistantKindIcon } from "./assistant-icon";
import { OpenListButton } from "./chat-view";
import { useStartChat } from "./new-chat-menu";
import { modifierKeyName, ShortcutsHelp } from "./shortcuts-help";

/**
 * What /chat shows before a chat is open: the department's assistants as cards, one click starting
 * a chat, or why there are none and who can change that.
 */
export function ChatStart({
  tenantId,
  tenantName,
  canManageTenant,
  onOpenList,
}: {
  tenantId: string;
  tenantName: string;
  canManageTenant: boolean;
  onOpenList: () => void;
}) {
  const { t } = useTranslation();
  const location = useLocation();
  const assistants = useAvailableAssistants(tenantId);
  const start = useStartChat();
  const firstCardRef = useRef<HTMLButtonElement>(null);
  const focusRequest = (location.state as { focusStart?: number } | null)?.focusStart;
  const hasAssistants = Boolean(assistants.data?.length);

  // The new-chat shortcut lands here and puts the focus on the first assistant.
  useEffect(() => {
    if (focusRequest && hasAssistants) firstCardRef.current?.focus();
  }, [focusRequest, hasAssistants]);

  useEffect(() => {
    document.title = `${t("chat.title")} · Atrium`;
    return () => {
      document.title = "Atrium";
    };
  }, [t]);

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <header className="flex h-14 shrink-0 items-center gap-3 border-b border-line px-4">
        <OpenListButton onClick={onOpenList} />
        <h1 className="flex-1 truncate text-sm font-semibold text-fg">{t("chat.title")}</h1>
        <ShortcutsHelp />
      </header>
      <div className="min-h-0 flex-1 overflow-y-auto">
        <div className="mx-auto flex w-full max-w-3xl flex-col px-4 py-10 sm:px-6 sm:py-16">
          {assistants.isPending ? (
            <LoadingBlock />
          ) : assistants.isError ? (
            <Alert
              title={t("errors.loadFailed")}
              action={
                <Button size="sm" variant="secondary" onClick={() => void assistants.refetch()}>
                  {t("common.retry")}
                </Button>
              }
            >
              {describeError(assistants.error, t)}
            </Alert>
          ) : assistants.data.length === 0 ? (
            <EmptyState
              icon={<SparklesIcon />}
              title={t("chat.noAssistants.title")}
              description={
                canManageTenant
                  ? t("chat.noAssistants.adminDescription", { tenant: tenantName })
                  : t("chat.noAssistants.description", { tenant: tenantName })
              }
              action={
                canManageTenant ? (
                  <ButtonLink to={`/tenants/${tenantId}/assistants`} variant="primary">
                    {t("chat.noAssistants.adminAction")}
                  </ButtonLink>
                ) : undefined
              }
            />
          ) : (
            <>
              <div className="mb-8 text-center">
                <h2 className="text-2xl font-semibold tracking-tight text-fg">{t("chat.start.title")}</h2>
                <p className="mt-2 text-sm text-fg-muted">{t("chat.start.description", { tenant: tenantName })}</p>
              </div>
              <div className="grid gap-3 sm:grid-cols-2">
                {assistants.data.map((assistant, index) => (
                  <button
                    key={assistant.id}
                    ref={index === 0 ? firstCardRef : undefined}
                    type="button"
                    onClick={() => start(assistant)}
                    data-testid={`chat-start-${assistant.slug}`}
                    className="group flex items-start gap-4 rounded-xl border border-line bg-surface p-4 text-left shadow-xs transition-colors hover:border-accent/50 hover:bg-accent-soft/40 "
                  >
                    <span className="flex size-10 shrink-0 items-center justify-center rounded-lg bg-accent-soft text-accent-text [&_svg]:size-5">
                      <AssistantKindIcon kind={assistant.kind} />
                    </span>
                    <span className="min-w-0">
                      <span className="block text-sm font-semibold text-fg">{assistant.name}</span>
                      <span className="mt-0.5 block text-sm text-fg-muted">
                        {assistant.description || t(`chat.kinds.${assistant.kind}`)}
                      </span>
                    </span>
                  </button>
                ))}
              </div>
              <p className="mt-8 hidden text-center text-xs text-fg-subtle sm:block">
                {t("chat.start.shortcutHint", { key: `${modifierKeyName()}+K` })}
              </p>
            </>
          )}
        </div>
      </div>
    </div>
  );
}
