import type { Provider } from "@atrium/contracts";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Alert } from "../../components/ui/alert";
import { Badge } from "../../components/ui/badge";
import { Button } from "../../components/ui/button";
import { Card, CardHeader } from "../../components/ui/card";
import { ConfirmDialog } from "../../components/ui/dialog";
import { EmptyState } from "../../components/ui/empty-state";
import { KeyIcon, PencilIcon, PlugIcon, PlusIcon, ServerIcon, TrashIcon } from "../../components/ui/icons";
import { PageHeader } from "../../components/ui/page-header";
import { LoadingBlock } from "../../components/ui/spinner";
import { useToast } from "../../components/ui/toast";
import { describeError } from "../../i18n/errors";
import { formatNumber } from "../../lib/format";
import { type ProviderTestResult, useDeleteProvider, useProviders, useTestProvider } from "./api";
import { ProviderDialog } from "./provider-dialog";

function TestResult({ result }: { result: ProviderTestResult }) {
  const { t } = useTranslation();
  return (
    <Alert
      tone={result.ok ? "info" : "danger"}
      title={result.ok ? t("providers.test.ok") : t("providers.test.failed")}
      className="mt-3"
    >
      <p className="break-words">{result.message}</p>
      {result.models.length > 0 ? (
        <p className="mt-1 text-xs">
          {t("providers.test.models")}: <span className="font-mono">{result.models.slice(0, 20).join(", ")}</span>
          {result.models.length > 20 ? ` … (+${result.models.length - 20})` : ""}
        </p>
      ) : null}
    </Alert>
  );
}

function ProviderRow({ provider, onEdit, onDelete }: { provider: Provider; onEdit: () => void; onDelete: () => void }) {
  const { t, i18n } = useTranslation();
  const test = useTestProvider();
  return (
    <li className="px-5 py-4" data-testid="provider-row">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-start">
        <div className="flex min-w-0 flex-1 items-start gap-3">
          <span className="mt-0.5 flex size-9 shrink-0 items-center justify-center rounded-lg bg-subtle text-fg-muted [&_svg]:size-4">
            <ServerIcon />
          </span>
          <div className="min-w-0">
            <p className="flex flex-wrap items-center gap-2 text-sm font-medium text-fg">
              {provider.name}
              <Badge>{t(`providers.kinds.${provider.kind}`)}</Badge>
              {provider.fromEnv ? <Badge tone="warning">{t("providers.fromEnv")}</Badge> : null}
              <Badge tone={provider.isEnabled ? "success" : "neutral"}>
                {provider.isEnabled ? t("providers.status.enabled") : t("providers.status.disabled")}
              </Badge>
              {provider.hasApiKey ? (
                <Badge tone="accent">
                  <KeyIcon className="mr-1 size-3" />
                  {t("providers.keyStored")}
                </Badge>
              ) : null}
            </p>
            {provider.baseUrl ? (
              <p className="mt-0.5 font-mono text-xs break-all text-fg-muted">{provider.baseUrl}</p>
            ) : null}
            {provider.models.length > 0 ? (
              <ul className="mt-2 flex flex-wrap gap-1.5">
                {provider.models.map((model) => (
                  <li
                    key={model.id}
                    className="rounded-md border border-line px-2 py-0.5 text-xs text-fg-muted"
                    title={
                      model.inputPer1M !== undefined
                        ? t("providers.priceTitle", { input: model.inputPer1M, output: model.outputPer1M ?? "—" })
                        : undefined
                    }
                  >
                    <span className="font-mono text-fg">{model.id}</span>
                    {model.contextWindow
                      ? ` · ${t("providers.contextShort", { tokens: formatNumber(model.contextWindow, i18n.language) })}`
                      : ""}
                    {model.inputPer1M !== undefined ? ` · $${model.inputPer1M}/$${model.outputPer1M ?? "—"}` : ""}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="mt-1 text-xs text-fg-subtle">{t("providers.noModels")}</p>
            )}
          </div>
        </div>
        <div className="flex shrink-0 flex-wrap gap-1 sm:justify-end">
          <Button
            variant="secondary"
            size="sm"
            icon={<PlugIcon />}
            isPending={test.isPending}
            onClick={() => test.mutate(provider.id)}
            data-testid="provider-test"
          >
            {t("providers.test.action")}
          </Button>
          {provider.fromEnv ? null : (
            <>
              <Button variant="ghost" size="sm" icon={<PencilIcon />} onClick={onEdit} data-testid="provider-edit">
                {t("common.edit")}
              </Button>
              <Button variant="ghost" size="sm" icon={<TrashIcon />} onClick={onDelete} data-testid="provider-delete">
                <span className="sr-only">
                  {t("providers.delete.open")} {provider.name}
                </span>
              </Button>
            </>
          )}
        </div>
      </div>
      {provider.fromEnv ? <p className="mt-2 text-xs text-fg-subtle">{t("providers.fromEnvHint")}</p> : null}
      {test.isPending ? (
        <p className="mt-3 text-sm text-fg-muted" role="status">
          {t("providers.test.running")}
        </p>
      ) : test.data ? (
        <TestResult result={test.data} />
      ) : test.error ? (
        <Alert className="mt-3">{describeError(test.error, t)}</Alert>
      ) : null}
    </li>
  );
}

/** Admin > Model providers: where answers come from, with their models, prices and a connection test. */
export function ProvidersPage() {
  const { t } = useTranslation();
  const toast = useToast();
  const providers = useProviders();
  const deleteProvider = useDeleteProvider();
  const [isCreating, setIsCreating] = useState(false);
  const [editing, setEditing] = useState<Provider | null>(null);
  const [deleting, setDeleting] = useState<Provider | null>(null);

  const closeDelete = () => {
    deleteProvider.reset();
    setDeleting(null);
  };

  return (
    <>
      <PageHeader
        title={t("providers.title")}
        description={t("providers.description")}
        actions={
          <Button icon={<PlusIcon />} onClick={() => setIsCreating(true)} data-testid="provider-create-open">
            {t("providers.create.open")}
          </Button>
        }
      />
      <Card>
        <CardHeader title={t("providers.list.title")} description={t("providers.list.description")} />
        {providers.isPending ? (
          <LoadingBlock />
        ) : providers.isError ? (
          <div className="p-5">
            <Alert
              title={t("errors.loadFailed")}
              action={
                <Button size="sm" variant="secondary" onClick={() => void providers.refetch()}>
                  {t("common.retry")}
                </Button>
              }
            >
              {describeError(providers.error, t)}
            </Alert>
          </div>
        ) : providers.data.length === 0 ? (
          <EmptyState
            icon={<ServerIcon />}
            title={t("providers.empty.title")}
            description={t("providers.empty.description")}
            action={
              <Button icon={<PlusIcon />} onClick={() => setIsCreating(true)}>
                {t("providers.create.open")}
              </Button>
            }
          />
        ) : (
          <ul className="divide-y divide-line">
            {providers.data.map((provider) => (
              <ProviderRow
                key={provider.id}
                provider={provider}
                onEdit={() => setEditing(provider)}
                onDelete={() => setDeleting(provider)}
              />
            ))}
          </ul>
        )}
      </Card>

      <ProviderDialog
        open={isCreating || editing !== null}
        provider={editing}
        onClose={() => {
          setIsCreating(false);
          setEditing(null);
        }}
      />
      <ConfirmDialog
        open={deleting !== null}
        onClose={closeDelete}
        title={t("providers.delete.title", { name: deleting?.name ?? "" })}
        description={t("providers.delete.description")}
        confirmLabel={t("providers.delete.confirm")}
        isPending={deleteProvider.isPending}
        error={deleteProvider.error ? describeError(deleteProvider.error, t) : undefined}
        confirmTestId="provider-delete-confirm"
        onConfirm={() => {
          if (!deleting) return;
          const name = deleting.name;
          deleteProvider.mutate(deleting.id, {
            onSuccess: () => {
              toast.success(t("providers.delete.success", { name }));
              closeDelete();
            },
          });
        }}
      />
    </>
  );
}
