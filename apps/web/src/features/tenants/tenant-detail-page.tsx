import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import { Alert } from "../../components/ui/alert";
import { Button, ButtonLink } from "../../components/ui/button";
import { ConfirmDialog } from "../../components/ui/dialog";
import { EmptyState } from "../../components/ui/empty-state";
import { BuildingIcon, PencilIcon, TrashIcon } from "../../components/ui/icons";
import { PageHeader } from "../../components/ui/page-header";
import { LoadingBlock } from "../../components/ui/spinner";
import { useToast } from "../../components/ui/toast";
import { describeError } from "../../i18n/errors";
import { ApiError } from "../../lib/api-client";
import { formatDate } from "../../lib/format";
import { isInstanceAdmin } from "../auth/permissions";
import { useCurrentUser } from "../auth/use-current-user";
import { AddMemberForm } from "./add-member-form";
import { useDeleteTenant, useTenant } from "./api";
import { MembersTable } from "./members-table";
import { RenameTenantDialog } from "./rename-tenant-dialog";

/**
 * One department: rename it, manage its members, and (instance admins only) delete it. Department
 * admins reach it from the sidebar for their own department.
 */
export function TenantDetailPage() {
  const { t, i18n } = useTranslation();
  const { tenantId = "" } = useParams();
  const navigate = useNavigate();
  const toast = useToast();
  const me = useCurrentUser();
  const isAdmin = isInstanceAdmin(me);
  const tenant = useTenant(tenantId);
  const deleteTenant = useDeleteTenant(tenantId);
  const [isRenaming, setIsRenaming] = useState(false);
  const [isDeleting, setIsDeleting] = useState(false);

  if (tenant.isPending) return <LoadingBlock />;
  if (tenant.isError) {
    const isMissing = tenant.error instanceof ApiError && tenant.error.status === 404;
    return isMissing ? (
      <EmptyState
        icon={<BuildingIcon />}
        title={t("tenants.notFound.title")}
        description={t("tenants.notFound.description")}
        action={
          <ButtonLink to={isAdmin ? "/admin/tenants" : "/"} variant="secondary">
            {isAdmin ? t("tenants.backToList") : t("common.backHome")}
          </ButtonLink>
        }
      />
    ) : (
      <Alert
        title={t("errors.loadFailed")}
        action={
          <Button size="sm" variant="secondary" onClick={() => void tenant.refetch()}>
            {t("common.retry")}
          </Button>
        }
      >
        {describeError(tenant.error, t)}
      </Alert>
    );
  }

  const data = tenant.data;
  return (
    <>
      <PageHeader
        eyebrow={
          isAdmin ? (
            <Link to="/admin/tenants" className="hover:text-fg hover:underline">
              {t("nav.tenants")}
            </Link>
          ) : (
            t("tenants.eyebrow")
          )
        }
        title={data.name}
        description={
          <>
            <span className="font-mono text-xs">{data.slug}</span>
            <span aria-hidden="true"> · </span>
            {t("tenants.createdOn", { date: formatDate(data.createdAt, i18n.language) })}
          </>
        }
        actions={
          <>
            <Button
              variant="secondary"
              icon={<PencilIcon />}
              onClick={() => setIsRenaming(true)}
              data-testid="tenant-rename-open"
            >
              {t("tenants.rename.open")}
            </Button>
            {isAdmin ? (
              <Button
                variant="secondary"
                className="text-danger-text"
                icon={<TrashIcon />}
                onClick={() => setIsDeleting(true)}
                data-testid="tenant-delete-open"
              >
                {t("tenants.delete.open")}
              </Button>
            ) : null}
          </>
        }
      />

      <div className="flex flex-col gap-6">
        <AddMemberForm tenantId={data.id} />
        <MembersTable tenantId={data.id} />
      </div>

      <RenameTenantDialog tenant={data} open={isRenaming} onClose={() => setIsRenaming(false)} />
      <ConfirmDialog
        open={isDeleting}
        onClose={() => {
          deleteTenant.reset();
          setIsDeleting(false);
        }}
        title={t("tenants.delete.title", { name: data.name })}
        description={t("tenants.delete.description")}
        confirmLabel={t("tenants.delete.confirm")}
        isPending={deleteTenant.isPending}
        error={deleteTenant.error ? describeError(deleteTenant.error, t) : undefined}
        confirmTestId="tenant-delete-confirm"
        onConfirm={() =>
          deleteTenant.mutate(undefined, {
            onSuccess: () => {
              toast.success(t("tenants.delete.success", { name: data.name }));
              navigate("/admin/tenants", { replace: true });
            },
          })
        }
      />
    </>
  );
}
