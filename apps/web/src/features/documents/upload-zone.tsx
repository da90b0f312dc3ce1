import { type DragEvent, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button";
import { AlertIcon, FileTextIcon, RefreshIcon, UploadIcon, XIcon } from "../../components/ui/icons";
import { ProgressBar } from "../../components/ui/progress-bar";
import { describeError } from "../../i18n/errors";
import { cn } from "../../lib/cn";
import { formatBytes } from "../../lib/format";
import { filePercent, isRetryable, PARALLEL_UPLOADS, type Upload, uploadProgress } from "./upload-queue";
import { useUploads } from "./use-uploads";

/** What the file picker offers; the server decides by the content, so this only guides the choice. */
const ACCEPT =
  ".pdf,.docx,.html,.htm,.md,.markdown,.txt,.csv,application/pdf,text/plain,text/markdown,text/csv,text/html";

function UploadRow({ upload, onRetry, onRemove }: { upload: Upload<File>; onRetry: () => void; onRemove: () => void }) {
  const { t, i18n } = useTranslation();
  const percent = filePercent(upload);
  const isFailed = upload.status === "failed";
  return (
    <li className="flex flex-col gap-2 px-4 py-3" data-testid="upload-row" data-status={upload.status}>
      <div className="flex items-center gap-3">
        <FileTextIcon className={cn("size-4 shrink-0", isFailed ? "text-danger-text" : "text-fg-subtle")} />
        <div className="min-w-0 flex-1">
          <p className="truncate text-sm font-medium text-fg" title={upload.file.name}>
            {upload.file.name}
          </p>
          <p className="text-xs text-fg-muted tabular-nums">
            {formatBytes(upload.file.size, i18n.language)}
            {" · "}
            {isFailed
              ? t("documents.upload.failed")
              : upload.status === "waiting"
                ? t("documents.upload.waiting")
                : t("documents.upload.uploading", { percent })}
          </p>
        </div>
        {isFailed && isRetryable(upload.error) ? (
          <Button variant="secondary" size="sm" icon={<RefreshIcon />} onClick={onRetry} data-testid="upload-retry">
            {t("documents.upload.retry")}
          </Button>
        ) : null}
        <button
          type="button"
          onClick={onRemove}
          title={isFailed ? t("documents.upload.dismiss") : t("documents.upload.cancel")}
          className="rounded-md p-1.5 text-fg-subtle hover:bg-subtle hover:text-fg"
        >
          <XIcon className="size-4" />
          <span className="sr-only">
            {isFailed ? t("documents.upload.dismiss") : t("documents.upload.cancel")} {upload.file.name}
          </span>
        </button>
      </div>
      {isFailed ? (
        <p className="flex items-start gap-1.5 text-sm text-danger-text" data-testid="upload-error">
          <AlertIcon className="mt-0.5 size-4 shrink-0" />
          <span>{describeError(upload.error, t)}</span>
        </p>
      ) : (
        <ProgressBar
          value={upload.status === "waiting" ? 0 : percent}
          label={t("documents.upload.progressLabel", { name: upload.file.name })}
        />
      )}
    </li>
  );
}

/**
 * Where files are dropped or picked (several at once). Each file gets a row with its own progress
 * bar; once the server has it, the row gives way to the document's row in the list.
 */
export function UploadZone({ tenantId }: { tenantId: string }) {
  const { t } = useTranslation();
  const { uploads, add, retry, remove } = useUploads(tenantId);
  const inputRef = useRef<HTMLInputElement>(null);
  const [isDragging, setIsDragging] = useState(false);
  const sending = uploads.filter((upload) => upload.status !== "failed");
  const total = uploadProgress(uploads);

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setIsDragging(false);
    const files = Array.from(event.dataTransfer.files);
    if (files.length > 0) add(files);
  };

  return (
    <div className="flex flex-col gap-3">
      {/* biome-ignore lint/a11y/noStaticElementInteractions: a drop target; the button inside is the keyboard way */}
      <div
        data-testid="documents-dropzone"
        data-dragging={isDragging || undefined}
        onDragEnter={(event) => {
          event.preventDefault();
          setIsDragging(true);
        }}
        onDragOver={(event) => {
          event.preventDefault();
          event.dataTransfer.dropEffect = "copy";
        }}
        onDragLeave={(event) => {
          if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setIsDragging(false);
        }}
        onDrop={onDrop}
        className={cn(
          "flex flex-col items-center gap-2 rounded-xl border-2 border-dashed px-6 py-8 text-center transition-colors",
          isDragging ? "border-accent bg-accent-soft" : "border-line-strong bg-surface",
        )}
      >
        <span className="flex size-11 items-center justify-center rounded-full bg-accent-soft text-accent-text">
          <UploadIcon className="size-5" />
        </span>
        <p className="text-sm font-medium text-fg">
          {isDragging ? (
            t("documents.upload.dropActive")
          ) : (
            <>
              {t("documents.upload.drop")}{" "}
              <button
                type="button"
                onClick={() => inputRef.current?.click()}
                className="font-semibold text-accent-text underline underline-offset-2 hover:no-underline"
              >
                {t("documents.upload.choose")}
              </button>
            </>
          )}
        </p>
        <p className="max-w-lg text-sm text-fg-subtle">{t("documents.upload.hint", { number: PARALLEL_UPLOADS })}</p>
        <input
          ref={inputRef}
          type="file"
          multiple
          accept={ACCEPT}
          className="sr-only"
          tabIndex={-1}
          aria-label={t("documents.upload.choose")}
          data-testid="documents-file-input"
          onChange={(event) => {
            const files = Array.from(event.target.files ?? []);
            // Cleared so choosing the same file again (after fixing it) triggers a new upload.
            event.target.value = "";
            if (files.length > 0) add(files);
          }}
        />
      </div>

      {uploads.length > 0 ? (
        <div className="overflow-hidden rounded-xl border border-line bg-surface">
          {sending.length > 1 ? (
            <div className="flex flex-col gap-2 border-b border-line bg-subtle/40 px-4 py-3" data-testid="upload-total">
              <p className="text-sm text-fg-muted tabular-nums">
                {t("documents.upload.total", { number: sending.length, percent: total.percent })}
              </p>
              <ProgressBar value={total.percent} label={t("documents.upload.totalLabel")} />
            </div>
          ) : null}
          <ul className="divide-y divide-line">
            {uploads.map((upload) => (
              <UploadRow
                key={upload.id}
                upload={upload}
                onRetry={() => retry(upload.id)}
                onRemove={() => remove(upload.id)}
              />
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
