import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { Alert } from "../../components/ui/alert";
import { Badge, type BadgeTone } from "../../components/ui/badge";
import { Button } from "../../components/ui/button";
import { Card, CardBody, CardHeader } from "../../components/ui/card";
import { EmptyState } from "../../components/ui/empty-state";
import { Field } from "../../components/ui/field";
import { ActivityIcon } from "../../components/ui/icons";
import { PageHeader } from "../../components/ui/page-header";
import { Pagination } from "../../components/ui/pagination";
import { Select } from "../../components/ui/select";
import { LoadingBlock } from "../../components/ui/spinner";
import { Table, TBody, TD, TH, THead, TR } from "../../components/ui/table";
import { describeError } from "../../i18n/errors";
import { formatCompactDateTime, formatCost, formatDateTime, formatDuration, formatNumber } from "../../lib/format";
import { useAdminAssistants, useTenantAssistants } from "../assistants-admin/api";
import { useTenants } from "../tenants/api";
import { type RecordFilters, type UsageSummary, useRecords, useUsageSummary } from "./api";

const PAGE_SIZE = 25;
const STATUSES = ["done", "stopped", "failed"] as const;
const STATUS_TONES: Record<string, BadgeTone> = { done: "success", stopped: "warning", failed: "danger" };

function Stat({ label, value, detail }: { label: string; value: string; detail?: string }) {
  return (
    <div className="rounded-lg border border-line px-4 py-3">
      <p className="text-xs font-medium tracking-wide text-fg-subtle uppercase">{label}</p>
      <p className="mt-1 text-2xl font-semibold text-fg tabular-nums">{value}</p>
      {detail ? <p className="mt-0.5 text-xs text-fg-muted">{detail}</p> : null}
    </div>
  );
}

function SummaryCard({ summary, showTenants }: { summary: UsageSummary; showTenants: boolean }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const topUsers = summary.byUser.slice(0, 5);
  const topTenants = summary.byTenant.slice(0, 5);
  return (
    <Card>
      <CardHeader title={t("records.summary.title")} description={t("records.summary.description")} />
      <CardBody className="flex flex-col gap-6">
        <div className="grid gap-3 sm:grid-cols-3" data-testid="usage-summary">
          <Stat label={t("records.summary.requests")} value={formatNumber(summary.requests, locale)} />
          <Stat
            label={t("records.summary.tokens")}
            value={formatNumber(summary.inputTokens + summary.outputTokens, locale)}
            detail={t("records.tokensInOut", {
              input: formatNumber(summary.inputTokens, locale),
              output: formatNumber(summary.outputTokens, locale),
            })}
          />
          <Stat label={t("records.summary.cost")} value={formatCost(summary.costUsd, locale)} />
        </div>
        <div className={showTenants ? "grid gap-6 lg:grid-cols-2" : "grid gap-6"}>
          <div>
            <h3 className="mb-2 text-sm font-semibold text-fg">{t("records.summary.topUsers")}</h3>
            {topUsers.length === 0 ? (
              <p className="text-sm text-fg-muted">{t("records.summary.none")}</p>
            ) : (
              <ul className="divide-y divide-line rounded-lg border border-line text-sm">
                {topUsers.map((user) => (
                  <li key={user.userId ?? "unknown"} className="flex items-center gap-3 px-3 py-2">
                    <span className="min-w-0 flex-1 truncate text-fg">{user.email ?? t("records.unknownUser")}</span>
                    <span className="text-fg-muted tabular-nums">
                      {t("records.summary.requestCount", { number: formatNumber(user.requests, locale) })}
                    </span>
                    <span className="w-20 text-right font-medium text-fg tabular-nums">
                      {formatCost(user.costUsd, locale)}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </div>
          {showTenants ? (
            <div>
              <h3 className="mb-2 text-sm font-semibold text-fg">{t("records.summary.topTenants")}</h3>
              {topTenants.length === 0 ? (
                <p className="text-sm text-fg-muted">{t("records.summary.none")}</p>
              ) : (
                <ul className="divide-y divide-line rounded-lg border border-line text-sm">
                  {topTenants.map((tenant) => (
                    <li key={tenant.tenantId} className="flex items-center gap-3 px-3 py-2">
                      <span className="min-w-0 flex-1 truncate text-fg">{tenant.tenantName}</span>
                      <span className="text-fg-muted tabular-nums">
                        {t("records.summary.requestCount", { number: formatNumber(tenant.requests, locale) })}
                      </span>
                      <span className="w-20 text-right font-medium text-fg tabular-nums">
                        {formatCost(tenant.costUsd, locale)}
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </div>
          ) : null}
        </div>
      </CardBody>
    </Card>
  );
}

/**
 * Request records: one row per answer with its model, status, timings, tokens and cost, filtered
 * by status and assistant, with usage totals above. Under /admin/records instance admins see every
 * department (or pick one); under /tenants/:tenantId a department's admins see theirs.
 */
export function RecordsPage() {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const { tenantId: routeTenantId } = useParams();
  const isAllTenants = !routeTenantId;
  const [tenantFilter, setTenantFilter] = useState("");
  const [status, setStatus] = useState("");
  const [assistantId, setAssistantId] = useState("");
  const [offset, setOffset] = useState(0);
  const tenantId = routeTenantId ?? (tenantFilter || undefined);
  const filters: RecordFilters = { tenantId, status: status || undefined, assistantId: assistantId || undefined };

  const records = useRecords(filters, { limit: PAGE_SIZE, offset });
  const summary = useUsageSummary(filters);
  const tenants = useTenants();
  const adminAssistants = useAdminAssistants();
  const tenantAssistants = useTenantAssistants(routeTenantId ?? "", { enabled: !isAllTenants });
  // Instance admins may read every definition; department admins see their department's list.
  const assistants = isAllTenants ? adminAssistants.data : (tenantAssistants.data ?? adminAssistants.data);

  // Other filters show other records: start from their first page.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when a filter changes
  useEffect(() => setOffset(0), [tenantFilter, status, assistantId]);

  const emails = new Map(summary.data?.byUser.map((user) => [user.userId, user.email]) ?? []);
  const assistantNames = new Map(assistants?.map((assistant) => [assistant.id, assistant.name]) ?? []);
  const tenantNames = new Map(tenants.data?.map((tenant) => [tenant.id, tenant.name]) ?? []);
  const tenantName = routeTenantId ? tenantNames.get(routeTenantId) : undefined;
  const isFiltered = Boolean(status || assistantId || tenantFilter);

  return (
    <>
      <PageHeader
        eyebrow={
          routeTenantId ? (
            <Link to={`/tenants/${routeTenantId}`} className="hover:text-fg hover:underline">
              {tenantName ?? t("tenants.eyebrow")}
            </Link>
          ) : undefined
        }
        title={t("records.title")}
        description={isAllTenants ? t("records.descriptionAll") : t("records.descriptionTenant")}
      />
      <div className="flex flex-col gap-6">
        {summary.isError ? (
          <Alert title={t("errors.loadFailed")}>{describeError(summary.error, t)}</Alert>
        ) : summary.data ? (
          <SummaryCard summary={summary.data} showTenants={isAllTenants && !tenantFilter} />
        ) : (
          <Card>
            <LoadingBlock />
          </Card>
        )}

        <Card>
          <div className="flex flex-col gap-3 border-b border-line px-5 py-3 sm:flex-row sm:flex-wrap sm:items-end">
            {isAllTenants ? (
              <Field label={t("records.filters.tenant")} className="sm:w-52">
                <Select
                  value={tenantFilter}
                  onChange={(event) => setTenantFilter(event.target.value)}
                  className="h-9"
                  data-testid="records-tenant"
                >
                  <option value="">{t("records.filters.allTenants")}</option>
                  {tenants.data?.map((tenant) => (
                    <option key={tenant.id} value={tenant.id}>
                      {tenant.name}
                    </option>
                  ))}
                </Select>
              </Field>
            ) : null}
            <Field label={t("records.filters.status")} className="sm:w-44">
              <Select
                value={status}
                onChange={(event) => setStatus(event.target.value)}
                className="h-9"
                data-testid="records-status"
              >
                <option value="">{t("records.filters.allStatuses")}</option>
                {STATUSES.map((value) => (
                  <option key={value} value={value}>
                    {t(`records.status.${value}`)}
                  </option>
                ))}
              </Select>
            </Field>
            <Field label={t("records.filters.assistant")} className="sm:w-56">
              <Select
                value={assistantId}
                onChange={(event) => setAssistantId(event.target.value)}
                className="h-9"
                data-testid="records-assistant"
              >
                <option value="">{t("records.filters.allAssistants")}</option>
                {assistants?.map((assistant) => (
                  <option key={assistant.id} value={assistant.id}>
                    {assistant.name}
                  </option>
                ))}
              </Select>
            </Field>
            {isFiltered ? (
              <Button
                variant="ghost"
                size="sm"
                className="sm:mb-0.5"
                onClick={() => {
                  setStatus("");
                  setAssistantId("");
                  setTenantFilter("");
                }}
              >
                {t("records.filters.clear")}
              </Button>
            ) : null}
          </div>

          {records.isPending ? (
            <LoadingBlock />
          ) : records.isError ? (
            <div className="p-5">
              <Alert
                title={t("errors.loadFailed")}
                action={
                  <Button size="sm" variant="secondary" onClick={() => void records.refetch()}>
                    {t("common.retry")}
                  </Button>
                }
              >
                {describeError(records.error, t)}
              </Alert>
            </div>
          ) : records.data.items.length === 0 ? (
            <EmptyState
              icon={<ActivityIcon />}
              title={isFiltered ? t("records.emptyFiltered.title") : t("records.empty.title")}
              description={isFiltered ? t("records.emptyFiltered.description") : t("records.empty.description")}
            />
          ) : (
            <>
              <Table>
                <THead>
                  <tr>
                    <TH className="px-3!">{t("records.columns.time")}</TH>
                    <TH className="px-3!">{t("records.columns.user")}</TH>
                    <TH className="px-3!">{t("records.columns.assistant")}</TH>
                    <TH className="px-3!">{t("records.columns.model")}</TH>
                    <TH className="px-3!">{t("records.columns.status")}</TH>
                    <TH className="px-3! text-right">{t("records.columns.firstToken")}</TH>
                    <TH className="px-3! text-right">{t("records.columns.total")}</TH>
                    <TH className="px-3! text-right">{t("records.columns.tokens")}</TH>
                    <TH className="px-3! text-right">{t("records.columns.cost")}</TH>
                  </tr>
                </THead>
                <TBody>
                  {records.data.items.map((record) => (
                    <TR key={record.id} data-testid="record-row">
                      <TD
                        className="px-3! whitespace-nowrap text-fg-muted"
                        title={formatDateTime(record.createdAt, locale)}
                      >
                        {formatCompactDateTime(record.createdAt, locale)}
                      </TD>
                      <TD className="px-3! max-w-48">
                        <p className="truncate">
                          {(record.userId && emails.get(record.userId)) ??
                            (summary.isPending ? "…" : t("records.unknownUser"))}
                        </p>
                        {isAllTenants && !tenantFilter ? (
                          <p className="truncate text-xs text-fg-subtle">{tenantNames.get(record.tenantId) ?? ""}</p>
                        ) : null}
                      </TD>
                      <TD className="px-3! max-w-44 truncate">
                        {(record.assistantId && assistantNames.get(record.assistantId)) ?? (assistants ? "—" : "…")}
                      </TD>
                      <TD className="px-3! max-w-48">
                        <p className="truncate font-mono text-xs">{record.model ?? "—"}</p>
                        <p className="text-xs text-fg-subtle">
                          {[
                            record.providerKind,
                            t(`records.channels.${record.channel}`, { defaultValue: record.channel }),
                          ]
                            .filter(Boolean)
                            .join(" · ")}
                        </p>
                      </TD>
                      <TD className="px-3!">
                        <span
                          title={
                            record.errorCode
                              ? t(`errors.${record.errorCode}`, { defaultValue: record.errorCode })
                              : undefined
                          }
                        >
                          <Badge tone={STATUS_TONES[record.status] ?? "neutral"}>
                            {t(`records.status.${record.status}`, { defaultValue: record.status })}
                          </Badge>
                        </span>
                      </TD>
                      <TD className="px-3! text-right whitespace-nowrap tabular-nums">
                        {formatDuration(record.firstTokenMs, locale)}
                      </TD>
                      <TD className="px-3! text-right whitespace-nowrap tabular-nums">
                        {formatDuration(record.totalMs, locale)}
                      </TD>
                      <TD className="px-3! text-right whitespace-nowrap tabular-nums">
                        {t("records.tokensInOut", {
                          input: formatNumber(record.inputTokens, locale),
                          output: formatNumber(record.outputTokens, locale),
                        })}
                      </TD>
                      <TD className="px-3! text-right whitespace-nowrap tabular-nums">
                        {formatCost(record.costUsd, locale)}
                      </TD>
                    </TR>
                  ))}
                </TBody>
              </Table>
              <Pagination
                offset={offset}
                limit={PAGE_SIZE}
                total={records.data.total}
                onChange={setOffset}
                isFetching={records.isFetching}
              />
            </>
          )}
        </Card>
      </div>
    </>
  );
}
