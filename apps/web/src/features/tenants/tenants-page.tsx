import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { Alert } from "../../components/ui/alert";
import { Button } from "../../components/ui/button";
import { Card, CardHeader } from "../../components/ui/card";
import { EmptyState } from "../../components/ui/empty-state";
import { BuildingIcon, ChevronRightIcon } from "../../components/ui/icons";
import { PageHeader } from "../../components/ui/page-header";
import { LoadingBlock } from "../../components/ui/spinner";
import { Table, TBody, TD, TH, THead, TR } from "../../components/ui/table";
import { describeError } from "../../i18n/errors";
import { formatDate } from "../../lib/format";
import { useTenants } from "./api";
import { CreateTenantForm } from "./create-tenant-form";

/** Admin > Departments: create departments and open one to manage its members. */
export function TenantsPage() {
  const { t, i18n } = useTranslation();
  const tenants = useTenants();

  return (
    <>
      <PageHeader title={t("tenants.title")} description={t("tenants.description")} />
      <div className="flex flex-col gap-6">
        <CreateTenantForm />

        <Card>
          <CardHeader
            title={t("tenants.list.title")}
            description={tenants.data ? t("tenants.list.count", { number: tenants.data.length }) : undefined}
          />
          {tenants.isPending ? (
            <LoadingBlock />
          ) : tenants.isError ? (
            <div className="p-5">
              <Alert
                title={t("errors.loadFailed")}
                action={
                  <Button size="sm" variant="secondary" onClick={() => void tenants.refetch()}>
                    {t("common.retry")}
                  </Button>
                }
              >
                {describeError(tenants.error, t)}
              </Alert>
            </div>
          ) : tenants.data.length === 0 ? (
            <EmptyState
              icon={<BuildingIcon />}
              title={t("tenants.empty.title")}
              description={t("tenants.empty.description")}
            />
          ) : (
            <Table>
              <THead>
                <tr>
                  <TH>{t("tenants.fields.name")}</TH>
                  <TH className="hidden sm:table-cell">{t("tenants.fields.slug")}</TH>
                  <TH>{t("tenants.fields.members")}</TH>
                  <TH className="hidden md:table-cell">{t("tenants.fields.created")}</TH>
                  <TH>
                    <span className="sr-only">{t("common.actions")}</span>
                  </TH>
                </tr>
              </THead>
              <TBody>
                {tenants.data.map((tenant) => (
                  <TR key={tenant.id} data-testid="tenant-row">
                    <TD>
                      <Link
                        to={`/tenants/${tenant.id}`}
                        className="font-medium text-fg hover:text-accent-text hover:underline"
                      >
                        {tenant.name}
                      </Link>
                    </TD>
                    <TD className="hidden font-mono text-xs text-fg-muted sm:table-cell">{tenant.slug}</TD>
                    <TD className="tabular-nums">{tenant.memberCount}</TD>
                    <TD className="hidden whitespace-nowrap text-fg-muted md:table-cell">
                      {formatDate(tenant.createdAt, i18n.language)}
                    </TD>
                    <TD className="text-right">
                      <Link
                        to={`/tenants/${tenant.id}`}
                        className="inline-flex items-center gap-1 text-sm text-fg-muted hover:text-fg"
                        aria-hidden="true"
                        tabIndex={-1}
                      >
                        {t("tenants.list.manage")}
                        <ChevronRightIcon className="size-4" />
                      </Link>
                    </TD>
                  </TR>
                ))}
              </TBody>
            </Table>
          )}
        </Card>
      </div>
    </>
  );
}
