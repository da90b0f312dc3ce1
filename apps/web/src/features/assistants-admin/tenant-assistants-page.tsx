import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { Alert } from "../../components/ui/alert";
import { Badge } from "../../components/ui/badge";
import { Button } from "../../components/ui/button";
import { Card, CardHeader } from "../../components/ui/card";
import { EmptyState } from "../../components/ui/empty-state";
import { FileTextIcon, SparklesIcon } from "../../components/ui/icons";
import { PageHeader } from "../../components/ui/page-header";
import { LoadingBlock } from "../../components/ui/spinner";
import { Switch } from "../../components/ui/switch";
import { useToast } from "../../components/ui/toast";
import { describeError } from "../../i18n/errors";
import { AssistantKindIcon } from "../chat/assistant-icon";
import { useTenant } from "../tenants/api";
import { type TenantAssistant, useSetTenantAssistant, useTenantAssistants } from "./api";

/**
 * A department's assistants: which ones its members can chat with (a switch each), and the way to
 * the department's own prompt versions of each assistant.
 */
export function TenantAssistantsPage() {
  const { t } = useTranslation();
  const toast = useToast();
  const { tenantId = "" } = useParams();
  const tenant = useTenant(tenantId);
  const assistants = useTenantAssistants(tenantId);
  const setAssistant = useSetTenantAssistant(tenantId);
  const tenantName = tenant.data?.name ?? "";

  const toggle = (assistant: TenantAssistant, isEnabled: boolean) =>
    setAssistant.mutate(
      { assistantId: assistant.id, isEnabled },
      {
        onSuccess: () =>
          toast.success(
            isEnabled
              ? t("assistantsAdmin.tenant.enabled", { name: assistant.name, tenant: tenantName })
              : t("assistantsAdmin.tenant.disabled", { name: assistant.name, tenant: tenantName }),
          ),
        onError: (error) => toast.error(describeError(error, t)),
      },
    );

  return (
    <>
      <PageHeader
        eyebrow={
          <Link to={`/tenants/${tenantId}`} className="hover:text-fg hover:underline">
            {tenantName || t("tenants.eyebrow")}
          </Link>
        }
        title={t("assistantsAdmin.tenant.title")}
        description={t("assistantsAdmin.tenant.description")}
      />
      <Card>
        <CardHeader
          title={t("assistantsAdmin.tenant.listTitle")}
          description={
            assistants.data
              ? t("assistantsAdmin.tenant.count", {
                  enabled: assistants.data.filter((assistant) => assistant.isEnabled).length,
                  total: assistants.data.length,
                })
              : undefined
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
            title={t("assistantsAdmin.tenant.empty.title")}
            description={t("assistantsAdmin.tenant.empty.description")}
          />
        ) : (
          <ul className="divide-y divide-line">
            {assistants.data.map((assistant) => {
              const isChanging = setAssistant.isPending && setAssistant.variables?.assistantId === assistant.id;
              const isEnabled =
                isChanging && setAssistant.variables?.isEnabled !== undefined
                  ? setAssistant.variables.isEnabled
                  : assistant.isEnabled;
              return (
                <li
                  key={assistant.id}
                  className="flex flex-col gap-3 px-5 py-4 sm:flex-row sm:items-center"
                  data-testid="tenant-assistant-row"
                >
                  <div className="flex min-w-0 flex-1 items-start gap-3">
                    <span className="mt-0.5 flex size-9 shrink-0 items-center justify-center rounded-lg bg-accent-soft text-accent-text [&_svg]:size-4">
                      <AssistantKindIcon kind={assistant.kind} />
                    </span>
                    <div className="min-w-0">
                      <p className="flex flex-wrap items-center gap-2 text-sm font-medium text-fg">
                        {assistant.name}
                        <Badge tone={isEnabled ? "success" : "neutral"}>
                          {isEnabled ? t("assistantsAdmin.tenant.on") : t("assistantsAdmin.tenant.off")}
                        </Badge>
                      </p>
                      {assistant.description ? (
                        <p className="mt-0.5 text-sm text-fg-muted">{assistant.description}</p>
                      ) : null}
                    </div>
                  </div>
                  <div className="flex items-center gap-3 sm:justify-end">
                    <Link
                      to={`/tenants/${tenantId}/assistants/${assistant.id}/prompts`}
                      className="inline-flex h-8 items-center gap-2 rounded-lg px-3 text-sm font-medium text-fg-muted hover:bg-subtle hover:text-fg [&_svg]:size-4"
                    >
                      <FileTextIcon />
                      {t("assistantsAdmin.tenant.prompts")}
                    </Link>
                    <Switch
                      checked={isEnabled}
                      disabled={isChanging}
                      label={t("assistantsAdmin.tenant.toggle", { name: assistant.name })}
                      onChange={(checked) => toggle(assistant, checked)}
                      data-testid={`tenant-assistant-toggle-${assistant.slug}`}
                    />
                  </div>
                </li>
              );
            })}
          </ul>
        )}
      </Card>
    </>
  );
}
