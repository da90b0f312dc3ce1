import { type Document, DocumentStatusSchema } from "@atrium/contracts";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Alert } from "../../components/ui/alert";
import { Button } from "../../components/ui/button";
import { Card } from "../../components/ui/card";
import { ConfirmDialog } from "../../components/ui/dialog";
import { EmptyState } from "../../components/ui/empty-state";
import { Field } from "../../components/ui/field";
import { BuildingIcon, FileTextIcon, SearchIcon } from "../../components/ui/icons";
import { Input } from "../../components/ui/input";
import { PageHeader } from "../../components/ui/page-header";
import { Pagination } from "../../components/ui/pagination";
import { Select } from "../../components/ui/select";
import { LoadingBlock, Spinner } from "../../components/ui/spinner";
import { useToast } from "../../components/ui/toast";
import { describeError } from "../../i18n/errors";
import { formatNumber } from "../../lib/format";
import { useDebounced } from "../../lib/use-debounced";
import { canManageTenant } from "../auth/permissions";
import { useCurrentUser } from "../auth/use-current-user";
import { useActiveTenant } from "../layout/active-tenant";
import { useDeleteDocument, useDocuments } from "./api";
import type { DocumentFilters } from "./document-list";
import { DocumentRow } from "./document-row";
import { DocumentSearch } from "./document-search";
import { EditDocumentDialog } from "./edit-document-dialog";
import { NewVersionDialog } from "./new-version-dialog";
import { ReindexButton } from "./reindex-button";
import { UploadZone } from "./upload-zone";
import { useLiveDocuments } from "./use-live-documents";

const PAGE_SIZE = 25;

function DocumentList({ tenantId, canManage }: { tenantId: string; canManage: boolean }) {
  const { t, i18n } = useTranslation();
  const toast = useToast();
  const [search, setSearch] = useState("");
  const q = useDebounced(search.trim(), 300);
  const [status, setStatus] = useState("");
  const [offset, setOffset] = useState(0);
  const [editing, setEditing] = useState<Document | null>(null);
  const [versioning, setVersioning] = useState<Document | null>(null);
  const [deleting, setDeleting] = useState<Document | null>(null);
  const remove = useDeleteDocument();
  const parsedStatus = DocumentStatusSchema.safeParse(status);
  const filters: DocumentFilters = {
    q: q || undefined,
    status: parsedStatus.success ? parsedStatus.data : undefined,
    limit: PAGE_SIZE,
    offset,
  };
  const documents = useDocuments(tenantId, filters);
  const isFiltered = Boolean(q || status);
  useLiveDocuments(tenantId);

  // Other filters list other documents: start from their first page.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when a filter changes
  useEffect(() => setOffset(0), [q, status, tenantId]);

  const closeDelete = () => {
    setDeleting(null);
    remove.reset();
  };

  return (
    <Card>
      <div className="flex flex-col gap-3 border-b border-line px-5 py-3 sm:flex-row sm:items-end">
        <Field label={t("documents.filters.search")} isLabelHidden className="sm:max-w-sm sm:flex-1">
          <div className="relative">
            <SearchIcon className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-fg-subtle" />
            <Input
              type="search"
              className="pl-9"
              placeholder={t("documents.filters.searchPlaceholder")}
              value={search}
              onChange={(event) => setSearch(event.target.value)}
              data-testid="documents-filter"
            />
          </div>
        </Field>
        <Field label={t("documents.filters.status")} isLabelHidden className="sm:w-48">
          <Select value={status} onChange={(event) => setStatus(event.target.value)} data-testid="documents-status">
            <option value="">{t("documents.filters.allStatuses")}</option>
            {DocumentStatusSchema.options.map((value) => (
              <option key={value} value={value}>
                {t(`documents.status.${value}`)}
              </option>
            ))}
          </Select>
        </Field>
        <div className="flex items-center gap-3 sm:ml-auto sm:h-10">
          {documents.isFetching && !documents.isPending ? (
            <Spinner className="text-fg-subtle" label={t("common.loading")} />
          ) : null}
          {documents.data ? (
            <p className="text-sm text-fg-muted tabular-nums" data-testid="documents-total">
              {t("documents.list.count", { number: formatNumber(documents.data.total, i18n.language) })}
            </p>
          ) : null}
        </div>
      </div>

      {documents.isPending ? (
        <LoadingBlock />
      ) : documents.isError ? (
        <div className="p-5">
          <Alert
            title={t("errors.loadFailed")}
            action={
              <Button size="sm" variant="secondary" onClick={() => void documents.refetch()}>
                {t("common.retry")}
              </Button>
            }
          >
            {describeError(documents.error, t)}
          </Alert>
        </div>
      ) : documents.data.items.length === 0 ? (
        isFiltered ? (
          <EmptyState
            icon={<SearchIcon />}
            title={t("documents.emptyFiltered.title")}
            description={t("documents.emptyFiltered.description")}
            action={
              <Button
                variant="secondary"
                onClick={() => {
                  setSearch("");
                  setStatus("");
                }}
              >
                {t("documents.emptyFiltered.clear")}
              </Button>
            }
          />
        ) : (
          <EmptyState
            icon={<FileTextIcon />}
            title={t("documents.empty.title")}
            description={canManage ? t("documents.empty.description") : t("documents.empty.memberDescription")}
          />
        )
      ) : (
        <>
          <ul className="divide-y divide-line" data-testid="document-list">
            {documents.data.items.map((document) => (
              <DocumentRow
                key={document.id}
                document={document}
                canManage={canManage}
                onEdit={() => setEditing(document)}
                onNewVersion={() => setVersioning(document)}
                onDelete={() => setDeleting(document)}
              />
            ))}
          </ul>
          <Pagination
            offset={offset}
            limit={PAGE_SIZE}
            total={documents.data.total}
            onChange={setOffset}
            isFetching={documents.isFetching}
          />
        </>
      )}

      <EditDocumentDialog document={editing} onClose={() => setEditing(null)} />
      <NewVersionDialog document={versioning} onClose={() => setVersioning(null)} />
      <ConfirmDialog
        open={deleting !== null}
        onClose={closeDelete}
        title={t("documents.delete.title", { title: deleting?.title ?? "" })}
        description={t("documents.delete.description")}
        confirmLabel={t("documents.delete.confirm")}
        isPending={remove.isPending}
        error={remove.error ? describeError(remove.error, t) : undefined}
        confirmTestId="document-delete-confirm"
        onConfirm={() => {
          if (!deleting) return;
          const title = deleting.title;
          remove.mutate(deleting, {
            onSuccess: () => {
              toast.success(t("documents.delete.success", { title }));
              closeDelete();
            },
          });
        }}
      />
    </Card>
  );
}

/**
 * The active department's documents: upload (its admins), the list with live processing status,
 * failures with their fix, and a search showing the passages the documents assistant would use.
 */
export function DocumentsPage() {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const { active } = useActiveTenant();

  if (!active) {
    return (
      <>
        <PageHeader title={t("documents.title")} />
        <Card>
          <EmptyState
            icon={<BuildingIcon />}
            title={t("documents.noTenant.title")}
            description={t("documents.noTenant.description")}
          />
        </Card>
      </>
    );
  }

  const canManage = canManageTenant(me, active.tenantId);
  return (
    <>
      <PageHeader
        title={t("documents.title")}
        description={t("documents.description", { tenant: active.tenantName })}
        actions={
          canManage ? (
            <ReindexButton
              tenantId={active.tenantId}
              tenantName={active.tenantName}
              label={t("documents.reindex")}
              testId="documents-reindex"
            />
          ) : null
        }
      />
      <div className="flex flex-col gap-6">
        {canManage ? <UploadZone tenantId={active.tenantId} /> : null}
        <DocumentList key={active.tenantId} tenantId={active.tenantId} canManage={canManage} />
        <DocumentSearch key={`search-${active.tenantId}`} tenantId={active.tenantId} />
      </div>
    </>
  );
}
