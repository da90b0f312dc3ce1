import { type Document, titleFromFilename } from "@atrium/contracts";
import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, type ReactNode, useState } from "react";
import { useTranslation } from "react-i18next";
import { Badge, type BadgeTone } from "../../components/ui/badge";
import { Button } from "../../components/ui/button";
import { Field } from "../../components/ui/field";
import {
  AlertIcon,
  ExternalLinkIcon,
  FileTextIcon,
  LockIcon,
  PencilIcon,
  RefreshIcon,
  TrashIcon,
  UploadIcon,
} from "../../components/ui/icons";
import { Input } from "../../components/ui/input";
import { ProgressBar } from "../../components/ui/progress-bar";
import { useToast } from "../../components/ui/toast";
import { describeError } from "../../i18n/errors";
import { formatBytes, formatCompactDateTime, formatDateTime, formatNumber } from "../../lib/format";
import { fetchDocumentFile, openDocumentFile, storeDocument, useRetryDocument } from "./api";
import { type DocumentStatus, isInProgress } from "./document-list";
import { sendUpload } from "./upload-request";

const STATUS_TONES: Record<DocumentStatus, BadgeTone> = {
  queued: "neutral",
  processing: "accent",
  ready: "success",
  failed: "danger",
};

/** How each kind of file is called in the list. */
const TYPE_LABELS: Record<Document["type"], string> = {
  pdf: "PDF",
  docx: "DOCX",
  html: "HTML",
  markdown: "Markdown",
  text: "TXT",
  csv: "CSV",
};

/** Failures a password fixes: the PDF is encrypted, or the password given was wrong. */
const PASSWORD_CODES = new Set(["document.encrypted", "document.wrong_password"]);

/** A document's status as a coloured label. */
export function DocumentStatusBadge({ status }: { status: DocumentStatus }) {
  const { t } = useTranslation();
  return <Badge tone={STATUS_TONES[status]}>{t(`documents.status.${status}`)}</Badge>;
}

function IconAction({
  label,
  onClick,
  testId,
  children,
}: {
  label: string;
  onClick: () => void;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      title={label}
      aria-label={label}
      onClick={onClick}
      data-testid={testId}
      className="rounded-md p-1.5 text-fg-subtle transition-colors hover:bg-subtle hover:text-fg [&_svg]:size-4"
    >
      {children}
    </button>
  );
}

/**
 * Asks for the password of an encrypted PDF and sends the stored file again as a new version with
 * it, so nobody has to find the file on their computer again.
 */
function PasswordForm({ document }: { document: Document }) {
  const { t } = useTranslation();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string>();
  const [isPending, setIsPending] = useState(false);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!password) return setError(t("validation.required"));
    setError(undefined);
    setIsPending(true);
    try {
      const { blob: file } = await fetchDocumentFile(document.id);
      const updated = await sendUpload({
        path: `/documents/${encodeURIComponent(document.id)}/versions`,
        fields: { password },
        file,
        filename: document.filename,
      });
      storeDocument(queryClient, updated);
      toast.success(t("documents.password.success", { title: document.title }));
    } catch (caught) {
      setError(describeError(caught, t));
    } finally {
      setIsPending(false);
    }
  };

  return (
    <form className="flex flex-col gap-2" onSubmit={(event) => void onSubmit(event)} noValidate>
      <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
        <Field label={t("documents.password.label")} isLabelHidden className="sm:w-64">
          <Input
            type="password"
            autoComplete="off"
            placeholder={t("documents.password.label")}
            value={password}
            aria-invalid={Boolean(error) || undefined}
            onChange={(event) => setPassword(event.target.value)}
            className="h-8"
            data-testid="document-password"
          />
        </Field>
        <Button
          type="submit"
          size="sm"
          variant="secondary"
          icon={<LockIcon />}
          isPending={isPending}
          className="self-start sm:self-auto"
          data-testid="document-password-submit"
        >
          {t("documents.password.submit")}
        </Button>
      </div>
      {error ? (
        <p className="text-sm font-medium" data-testid="document-password-error">
          {error}
        </p>
      ) : null}
    </form>
  );
}

/** What went wrong (translated, with the server's own words when they add something) and the way out. */
function FailedDetails({ document, canManage }: { document: Document; canManage: boolean }) {
  const { t } = useTranslation();
  const toast = useToast();
  const retry = useRetryDocument();
  const code = document.errorCode ?? "internal";
  const translated = t(`errors.${code}`, { defaultValue: document.errorMessage ?? t("errors.internal") });
  const needsPassword = PASSWORD_CODES.has(code);
  return (
    <div
      role="alert"
      className="flex flex-col gap-3 rounded-lg border border-danger/30 bg-danger-soft px-4 py-3 text-sm text-danger-text"
      data-testid="document-error"
      data-code={code}
    >
      <div className="flex flex-col gap-3 sm:flex-row sm:items-start">
        <AlertIcon className="mt-0.5 size-4 shrink-0" />
        <div className="min-w-0 flex-1">
          <p>{translated}</p>
          {document.errorMessage && document.errorMessage !== translated ? (
            <p className="mt-1 text-xs break-words opacity-80">
              {t("documents.failed.details", { message: document.errorMessage })}
            </p>
          ) : null}
        </div>
        {canManage ? (
          <Button
            size="sm"
            variant="secondary"
            icon={<RefreshIcon />}
            isPending={retry.isPending}
            data-testid="document-retry"
            onClick={() =>
              retry.mutate(document.id, {
                onSuccess: () => toast.success(t("documents.failed.retried", { title: document.title })),
                onError: (error) => toast.error(describeError(error, t)),
              })
            }
          >
            {t("documents.failed.retry")}
          </Button>
        ) : null}
      </div>
      {canManage && needsPassword ? <PasswordForm document={document} /> : null}
    </div>
  );
}

/**
 * One document: title, file facts, tags and status; a live progress bar while it is processed,
 * the error with a retry while it is failed, and the admins' actions.
 */
export function DocumentRow({
  document,
  canManage,
  onEdit,
  onNewVersion,
  onDelete,
}: {
  document: Document;
  canManage: boolean;
  onEdit: () => void;
  onNewVersion: () => void;
  onDelete: () => void;
}) {
  const { t, i18n } = useTranslation();
  const toast = useToast();
  const locale = i18n.language;
  const isWorking = isInProgress(document);
  const open = () =>
    void openDocumentFile(document.id, { type: document.type }).catch((error: unknown) =>
      toast.error(describeError(error, t)),
    );

  // The file's own title replaces the file name once it is read; the file name stays in view.
  const namedByFile = document.title === titleFromFilename(document.filename);
  const facts = [
    namedByFile ? null : document.filename,
    TYPE_LABELS[document.type],
    formatBytes(document.size, locale),
    document.pageCount ? t("documents.meta.pages", { number: formatNumber(document.pageCount, locale) }) : null,
    document.status === "ready"
      ? t("documents.meta.passages", { number: formatNumber(document.chunkCount, locale) })
      : null,
    document.version > 1 ? t("documents.meta.version", { number: document.version }) : null,
  ].filter(Boolean);

  return (
    <li
      className="flex flex-col gap-3 px-5 py-4"
      data-testid="document-row"
      data-status={document.status}
      data-document-id={document.id}
    >
      {/* On phones the actions wrap under the text instead of squeezing it. */}
      <div className="flex flex-wrap items-start gap-x-3 gap-y-1 sm:flex-nowrap">
        <span className="mt-0.5 flex size-9 shrink-0 items-center justify-center rounded-lg bg-subtle text-fg-muted">
          <FileTextIcon className="size-4" />
        </span>
        <div className="min-w-0 flex-1 basis-[calc(100%-3rem)] sm:basis-0">
          <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
            <button
              type="button"
              onClick={open}
              className="max-w-full truncate text-left text-sm font-semibold text-fg hover:text-accent-text hover:underline"
              title={document.filename}
              data-testid="document-title"
            >
              {document.title}
            </button>
            <DocumentStatusBadge status={document.status} />
          </div>
          <p className="mt-0.5 text-xs text-fg-muted">
            {facts.join(" · ")}
            <span className="text-fg-subtle">
              {" · "}
              <time dateTime={document.updatedAt} title={formatDateTime(document.updatedAt, locale)}>
                {formatCompactDateTime(document.updatedAt, locale)}
              </time>
            </span>
          </p>
          {document.tags.length > 0 ? (
            <div className="mt-1.5 flex flex-wrap gap-1">
              {document.tags.map((tag) => (
                <Badge key={tag} tone="accent">
                  {tag}
                </Badge>
              ))}
            </div>
          ) : null}
        </div>
        <div className="-mr-1.5 flex shrink-0 items-center pl-[2.625rem] sm:pl-0">
          <IconAction label={t("documents.actions.open")} onClick={open} testId="document-open">
            <ExternalLinkIcon />
          </IconAction>
          {canManage ? (
            <>
              <IconAction label={t("documents.actions.edit")} onClick={onEdit} testId="document-edit-open">
                <PencilIcon />
              </IconAction>
              {isWorking ? null : (
                <IconAction
                  label={t("documents.actions.version")}
                  onClick={onNewVersion}
                  testId="document-version-open"
                >
                  <UploadIcon />
                </IconAction>
              )}
              <IconAction label={t("documents.actions.delete")} onClick={onDelete} testId="document-delete-open">
                <TrashIcon />
              </IconAction>
            </>
          ) : null}
        </div>
      </div>

      {isWorking ? (
        <div className="flex flex-col gap-1.5 sm:pl-12">
          <div className="flex items-center justify-between gap-3 text-xs text-fg-muted">
            <span>
              {document.status === "queued"
                ? t("documents.progress.queued")
                : t("documents.progress.processing", { percent: document.progress })}
            </span>
            {document.hasActiveVersion ? (
              <span className="text-right text-fg-subtle">{t("documents.progress.olderVersion")}</span>
            ) : null}
          </div>
          <ProgressBar
            value={document.status === "queued" ? undefined : document.progress}
            label={t("documents.progress.label", { title: document.title })}
            data-testid="document-progress"
          />
        </div>
      ) : null}

      {document.status === "failed" ? (
        <div className="sm:pl-12">
          <FailedDetails document={document} canManage={canManage} />
        </div>
      ) : null}
    </li>
  );
}
