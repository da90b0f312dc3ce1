import type { Assistant } from "@atrium/contracts";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { Alert } from "../../components/ui/alert";
import { Badge } from "../../components/ui/badge";
import { Button } from "../../components/ui/button";
import { Card, CardHeader } from "../../components/ui/card";
import { ConfirmDialog } from "../../components/ui/dialog";
import { EmptyState } from "../../components/ui/empty-state";
import { FileTextIcon, PencilIcon, PlusIcon, SparklesIcon, TrashIcon } from "../../components/ui/icons";
import { PageHeader } from "../../components/ui/page-header";
import { LoadingBlock } from "../../components/ui/spinner";
import { Table, TBody, TD, TH, THead, TR } from "../../components/ui/table";
import { useToast } from "../../components/ui/toast";
import { describeError } from "../../i18n/errors";
import { AssistantKindIcon } from "../chat/assistant-icon";
import { useProviders } from "../providers/api";
import { useAdminAssistants, useDeleteAssistant } from "./api";
import { AssistantDialog } from "./assistant-dialog";

/** Admin > Assistants: define assistants, their model and defaults, and open their prompts. */
export function AssistantsPage() {
  const { t } = useTranslation();
  const toast = useToast();
  const assistants = useAdminAssistants();
  const providers = useProviders();
  const deleteAssistant = useDeleteAssistant();
  const [editing, setEditing] = useState<Assistant | null>(null);
  const [isCreating, setIsCreating] = useState(false);
  const [deleting, setDeleting] = useState<Assistant | null>(null);

  const providerName = (id: string | null) =>
    id
      ? (providers.data?.find((provider) => provider.id === id)?.name ?? t("assistantsAdmin.unknownProvider"))
      : t("assistantsAdmin.fields.providerDefault");

  const closeDelete = () => {
    deleteAssistant.reset();
    setDeleting(null);
  };

  return (
    <>
      <PageHeader
        title={t("assistantsAdmin.title")}
        description={t("assistantsAdmin.description")}
        actions={
          <Button icon={<PlusIcon />} onClick={() => setIsCreating(true)} data-testid="assistant-create-open">
            {t("assistantsAdmin.create.open")}
          </Button>
        }
      />
      <Card>
        <CardHeader
          title={t("assistantsAdmin.list.title")}
          description={
            assistants.data ? t("assistantsAdmin.list.count", { number: assistants.data.length }) : undefined
          }
        />
        {assistants.isPending ? (
          <LoadingBlock />
        ) : assistants.isError ? (
          <div className="p-5">
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
          </div>
        ) : assistants.data.length === 0 ? (
          <EmptyState
            icon={<SparklesIcon />}
            title={t("assistantsAdmin.empty.title")}
            description={t("assistantsAdmin.empty.description")}
          />
        ) : (
          <Table>
            <THead>
              <tr>
                <TH>{t("assistantsAdmin.columns.assistant")}</TH>
                <TH className="hidden md:table-cell">{t("assistantsAdmin.columns.kind")}</TH>
                <TH className="hidden lg:table-cell">{t("assistantsAdmin.columns.model")}</TH>
                <TH>
                  <span className="sr-only">{t("common.actions")}</span>
                </TH>
              </tr>
            </THead>
            <TBody>
              {assistants.data.map((assistant) => (
                <TR key={assistant.id} data-testid="assistant-row">
                  <TD>
                    <div className="flex items-start gap-3">
                      <span className="mt-0.5 flex size-8 shrink-0 items-center justify-center rounded-lg bg-accent-soft text-accent-text [&_svg]:size-4">
                        <AssistantKindIcon kind={assistant.kind} />
                      </span>
                      <div className="min-w-0">
                        <p className="flex flex-wrap items-center gap-2 font-medium">
                          {assistant.name}
                          {assistant.isDefault ? (
                            <Badge tone="accent">{t("assistantsAdmin.defaultBadge")}</Badge>
                          ) : null}
                        </p>
                        <p className="font-mono text-xs text-fg-subtle">{assistant.slug}</p>
                        {assistant.description ? (
                          <p className="mt-0.5 line-clamp-2 max-w-md text-fg-muted">{assistant.description}</p>
                        ) : null}
                      </div>
                    </div>
                  </TD>
                  <TD className="hidden text-fg-muted md:table-cell">{t(`chat.kinds.${assistant.kind}`)}</TD>
                  <TD className="hidden lg:table-cell">
                    {assistant.model ? (
                      <p className="font-mono text-xs">{assistant.model}</p>
                    ) : (
                      <p className="text-xs">{t("assistantsAdmin.defaultModel")}</p>
                    )}
                    <p className="text-xs text-fg-muted">
                      {providerName(assistant.providerId)}
                      {assistant.temperature !== null
                        ? ` · ${t("assistantsAdmin.temperatureShort", { value: assistant.temperature })}`
                        : ""}
                    </p>
                  </TD>
                  <TD>
                    <div className="flex justify-end gap-1">
                      <Link
                        to={`/admin/assistants/${assistant.id}/prompts`}
                        className="inline-flex h-8 items-center gap-2 rounded-lg px-3 text-sm font-medium text-fg-muted hover:bg-subtle hover:text-fg [&_svg]:size-4"
                        data-testid="assistant-prompts"
                      >
                        <FileTextIcon />
                        <span className="hidden sm:inline">{t("assistantsAdmin.prompts")}</span>
                      </Link>
                      <Button
                        variant="ghost"
                        size="sm"
                        icon={<PencilIcon />}
                        onClick={() => setEditing(assistant)}
                        data-testid="assistant-edit"
                      >
                        <span className="hidden sm:inline">{t("common.edit")}</span>
                        <span className="sr-only">{assistant.name}</span>
                      </Button>
                      <Button
                        variant="ghost"
                        size="sm"
                        icon={<TrashIcon />}
                        onClick={() => setDeleting(assistant)}
                        data-testid="assistant-delete"
                      >
                        <span className="sr-only">
                          {t("assistantsAdmin.delete.open")} {assistant.name}
                        </span>
                      </Button>
                    </div>
                  </TD>
                </TR>
              ))}
            </TBody>
          </Table>
        )}
      </Card>

      <AssistantDialog
        open={isCreating || editing !== null}
        assistant={editing}
        onClose={() => {
          setIsCreating(false);
          setEditing(null);
        }}
      />
      <ConfirmDialog
        open={deleting !== null}
        onClose={closeDelete}
        title={t("assistantsAdmin.delete.title", { name: deleting?.name ?? "" })}
        description={t("assistantsAdmin.delete.description")}
        confirmLabel={t("assistantsAdmin.delete.confirm")}
        isPending={deleteAssistant.isPending}
        error={deleteAssistant.error ? describeError(deleteAssistant.error, t) : undefined}
        confirmTestId="assistant-delete-confirm"
        onConfirm={() => {
          if (!deleting) return;
          const name = deleting.name;
          deleteAssistant.mutate(deleting.id, {
            onSuccess: () => {
              toast.success(t("assistantsAdmin.delete.success", { name }));
              closeDelete();
            },
          });
        }}
      />
    </>
  );
}
