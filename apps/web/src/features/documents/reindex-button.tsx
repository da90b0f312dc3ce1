import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button";
import { RefreshIcon } from "../../components/ui/icons";
import { useToast } from "../../components/ui/toast";
import { describeError } from "../../i18n/errors";
import { useReindexDocuments } from "./api";

/** Re-indexes one department's documents (tenantId) or every department's; says how many were queued. */
export function ReindexButton({
  tenantId,
  tenantName,
  label,
  testId,
}: {
  tenantId?: string;
  tenantName?: string;
  /** The button's text (default: "Re-index" for a department, "Re-index all documents" otherwise). */
  label?: string;
  testId?: string;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const reindex = useReindexDocuments();
  return (
    <Button
      variant="secondary"
      size="sm"
      icon={<RefreshIcon />}
      isPending={reindex.isPending}
      title={t("jobs.reindex.hint")}
      data-testid={testId ?? (tenantId ? "jobs-tenant-reindex" : "jobs-reindex-all")}
      onClick={() =>
        reindex.mutate(tenantId, {
          onSuccess: (result) =>
            toast.success(
              tenantName
                ? t("jobs.reindex.queuedTenant", { count: result.documents, tenant: tenantName })
                : t("jobs.reindex.queued", { count: result.documents }),
            ),
          onError: (error) => toast.error(describeError(error, t)),
        })
      }
    >
      {label ?? (tenantId ? t("jobs.reindex.tenant") : t("jobs.reindex.all"))}
    </Button>
  );
}
