import { useTranslation } from "react-i18next";
import { Alert } from "../../components/ui/alert";
import { Badge } from "../../components/ui/badge";
import { Button } from "../../components/ui/button";
import { Card, CardHeader } from "../../components/ui/card";
import { EmptyState } from "../../components/ui/empty-state";
import { CheckIcon, LayersIcon, RefreshIcon } from "../../components/ui/icons";
import { PageHeader } from "../../components/ui/page-header";
import { LoadingBlock } from "../../components/ui/spinner";
import { Table, TBody, TD, TH, THead, TR } from "../../components/ui/table";
import { useToast } from "../../components/ui/toast";
import { describeError } from "../../i18n/errors";
import { cn } from "../../lib/cn";
import { formatCompactDateTime, formatDateTime, formatNumber } from "../../lib/format";
import { type JobsOverview, useJobsOverview, useRetryDocument } from "./api";
import { ReindexButton } from "./reindex-button";

/** A count cell: zero fades, failures stand out. */
function Count({ value, isAlarming }: { value: number; isAlarming?: boolean }) {
  const { i18n } = useTranslation();
  return (
    <TD
      className={cn(
        "text-right tabular-nums",
        value === 0 ? "text-fg-subtle" : isAlarming ? "font-semibold text-danger-text" : "text-fg",
      )}
    >
      {formatNumber(value, i18n.language)}
    </TD>
  );
}

function QueuesCard({ queues }: { queues: JobsOverview["queues"] }) {
  const { t } = useTranslation();
  return (
    <Card>
      <CardHeader title={t("jobs.queues.title")} description={t("jobs.queues.description")} />
      {queues.length === 0 ? (
        <EmptyState icon={<LayersIcon />} title={t("jobs.queues.empty")} />
      ) : (
        <Table>
          <THead>
            <tr>
              <TH>{t("jobs.queues.columns.name")}</TH>
              <TH className="text-right">{t("jobs.queues.columns.queued")}</TH>
              <TH className="text-right">{t("jobs.queues.columns.active")}</TH>
              <TH className="text-right">{t("jobs.queues.columns.failed")}</TH>
              <TH className="text-right">{t("jobs.queues.columns.total")}</TH>
            </tr>
          </THead>
          <TBody>
            {queues.map((queue) => (
              <TR key={queue.name} data-testid="jobs-queue-row" data-queue={queue.name}>
                <TD className="font-mono text-xs">{queue.name}</TD>
                <Count value={queue.queued} />
                <Count value={queue.active} />
                <Count value={queue.failed} isAlarming />
                <Count value={queue.total} />
              </TR>
            ))}
          </TBody>
        </Table>
      )}
    </Card>
  );
}

function TenantsCard({ tenants }: { tenants: JobsOverview["byTenant"] }) {
  const { t } = useTranslation();
  return (
    <Card>
      <CardHeader title={t("jobs.tenants.title")} description={t("jobs.tenants.description")} />
      {tenants.length === 0 ? (
        <EmptyState
          icon={<LayersIcon />}
          title={t("jobs.tenants.empty.title")}
          description={t("jobs.tenants.empty.description")}
        />
      ) : (
        <Table>
          <THead>
            <tr>
              <TH>{t("jobs.tenants.columns.tenant")}</TH>
              <TH className="text-right">{t("documents.status.queued")}</TH>
              <TH className="text-right">{t("documents.status.processing")}</TH>
              <TH className="text-right">{t("documents.status.ready")}</TH>
              <TH className="text-right">{t("documents.status.failed")}</TH>
              <TH>
                <span className="sr-only">{t("jobs.reindex.tenant")}</span>
              </TH>
            </tr>
          </THead>
          <TBody>
            {tenants.map((tenant) => (
              <TR key={tenant.tenantId} data-testid="jobs-tenant-row" data-tenant-id={tenant.tenantId}>
                <TD className="max-w-64 truncate font-medium">{tenant.tenantName}</TD>
                <Count value={tenant.queued} />
                <Count value={tenant.processing} />
                <Count value={tenant.ready} />
                <Count value={tenant.failed} isAlarming />
                <TD className="text-right">
                  <ReindexButton tenantId={tenant.tenantId} tenantName={tenant.tenantName} />
                </TD>
              </TR>
            ))}
          </TBody>
        </Table>
      )}
    </Card>
  );
}

function FailuresCard({ overview }: { overview: JobsOverview }) {
  const { t, i18n } = useTranslation();
  const toast = useToast();
  const retry = useRetryDocument();
  const tenantNames = new Map(overview.byTenant.map((tenant) => [tenant.tenantId, tenant.tenantName]));
  return (
    <Card>
      <CardHeader title={t("jobs.failures.title")} description={t("jobs.failures.description")} />
      {overview.recentFailures.length === 0 ? (
        <EmptyState
          icon={<CheckIcon />}
          title={t("jobs.failures.empty.title")}
          description={t("jobs.failures.empty.description")}
        />
      ) : (
        <ul className="divide-y divide-line">
          {overview.recentFailures.map((document) => {
            const code = document.errorCode ?? "internal";
            const isRetrying = retry.isPending && retry.variables === document.id;
            return (
              <li
                key={document.id}
                className="flex flex-col gap-3 px-5 py-4 sm:flex-row sm:items-start"
                data-testid="jobs-failure-row"
                data-document-id={document.id}
              >
                <div className="min-w-0 flex-1">
                  <div className="flex flex-wrap items-center gap-2">
                    <p className="truncate text-sm font-semibold text-fg">{document.title}</p>
                    <Badge tone="neutral">{tenantNames.get(document.tenantId) ?? "—"}</Badge>
                  </div>
                  <p className="mt-1 text-sm text-danger-text">
                    {t(`errors.${code}`, { defaultValue: document.errorMessage ?? t("errors.internal") })}
                  </p>
                  {document.errorMessage ? (
                    <p className="mt-0.5 text-xs break-words text-fg-muted">{document.errorMessage}</p>
                  ) : null}
                  <p className="mt-1 text-xs text-fg-subtle">
                    <span className="font-mono">{code}</span>
                    {" · "}
                    <time dateTime={document.updatedAt} title={formatDateTime(document.updatedAt, i18n.language)}>
                      {formatCompactDateTime(document.updatedAt, i18n.language)}
                    </time>
                  </p>
                </div>
                <Button
                  variant="secondary"
                  size="sm"
                  icon={<RefreshIcon />}
                  isPending={isRetrying}
                  data-testid="jobs-failure-retry"
                  onClick={() =>
                    retry.mutate(document.id, {
                      onSuccess: () => toast.success(t("documents.failed.retried", { title: document.title })),
                      onError: (error) => toast.error(describeError(error, t)),
                    })
                  }
                >
                  {t("documents.failed.retry")}
                </Button>
              </li>
            );
          })}
        </ul>
      )}
    </Card>
  );
}

/**
 * Admin > Jobs: the document processing queues (queued, running, failed), documents per department
 * and status, and the latest failures with a retry each. Refreshes every few seconds.
 */
export function JobsPage() {
  const { t } = useTranslation();
  const overview = useJobsOverview();
  return (
    <>
      <PageHeader title={t("jobs.title")} description={t("jobs.description")} actions={<ReindexButton />} />
      {overview.isPending ? (
        <Card>
          <LoadingBlock />
        </Card>
      ) : overview.isError ? (
        <Alert
          title={t("errors.loadFailed")}
          action={
            <Button size="sm" variant="secondary" onClick={() => void overview.refetch()}>
              {t("common.retry")}
            </Button>
          }
        >
          {describeError(overview.error, t)}
        </Alert>
      ) : (
        <div className="flex flex-col gap-6">
          <QueuesCard queues={overview.data.queues} />
          <TenantsCard tenants={overview.data.byTenant} />
          <FailuresCard overview={overview.data} />
        </div>
      )}
    </>
  );
}
