import type { Document } from "@atrium/contracts";
import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Alert } from "../../components/ui/alert";
import { Button } from "../../components/ui/button";
import { Dialog, DialogBody, DialogFooter } from "../../components/ui/dialog";
import { Field } from "../../components/ui/field";
import { Input } from "../../components/ui/input";
import { ProgressBar } from "../../components/ui/progress-bar";
import { useToast } from "../../components/ui/toast";
import { describeError } from "../../i18n/errors";
import { formatBytes } from "../../lib/format";
import { documentKeys, storeDocument } from "./api";
import { filePercent } from "./upload-queue";
import { sendUpload } from "./upload-request";

function VersionForm({ document, onDone }: { document: Document; onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [password, setPassword] = useState("");
  const [loaded, setLoaded] = useState<number | null>(null);
  const [error, setError] = useState<string>();
  const [fileError, setFileError] = useState<string>();
  const abort = useRef<AbortController | null>(null);

  // Closing the dialog cancels an upload still running.
  useEffect(() => () => abort.current?.abort(), []);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!file) return setFileError(t("documents.version.chooseFile"));
    setError(undefined);
    setFileError(undefined);
    setLoaded(0);
    abort.current = new AbortController();
    try {
      const updated = await sendUpload({
        path: `/documents/${encodeURIComponent(document.id)}/versions`,
        fields: { password: password || undefined },
        file,
        filename: file.name,
        onProgress: setLoaded,
        signal: abort.current.signal,
      });
      storeDocument(queryClient, updated);
      void queryClient.invalidateQueries({ queryKey: documentKeys.lists(document.tenantId) });
      toast.success(t("documents.version.success", { title: document.title }));
      onDone();
    } catch (caught) {
      if (caught instanceof DOMException && caught.name === "AbortError") return;
      setError(describeError(caught, t));
      setLoaded(null);
    }
  };

  const isUploading = loaded !== null;
  return (
    <form onSubmit={(event) => void onSubmit(event)} noValidate>
      <DialogBody>
        <Field
          label={t("documents.version.file")}
          error={fileError}
          hint={file ? `${file.name} · ${formatBytes(file.size, i18n.language)}` : undefined}
        >
          <Input
            type="file"
            autoFocus
            accept=".pdf,.docx,.html,.htm,.md,.markdown,.txt,.csv"
            disabled={isUploading}
            onChange={(event) => setFile(event.target.files?.[0] ?? null)}
            className="py-2 file:mr-3 file:rounded-md file:border-0 file:bg-subtle file:px-2 file:py-0.5 file:text-sm file:text-fg"
            data-testid="document-version-file"
          />
        </Field>
        <Field label={t("documents.version.password")} hint={t("documents.version.passwordHint")}>
          <Input
            type="password"
            autoComplete="off"
            value={password}
            disabled={isUploading}
            onChange={(event) => setPassword(event.target.value)}
            data-testid="document-version-password"
          />
        </Field>
        {isUploading && file ? (
          <div className="flex flex-col gap-1.5">
            <p className="text-sm text-fg-muted tabular-nums">
              {t("documents.upload.uploading", { percent: filePercent({ loaded, file }) })}
            </p>
            <ProgressBar
              value={filePercent({ loaded, file })}
              label={t("documents.upload.progressLabel", { name: file.name })}
            />
          </div>
        ) : null}
        {error ? <Alert>{error}</Alert> : null}
      </DialogBody>
      <DialogFooter>
        <Button variant="secondary" onClick={onDone}>
          {t("common.cancel")}
        </Button>
        <Button type="submit" isPending={isUploading} data-testid="document-version-submit">
          {t("documents.version.submit")}
        </Button>
      </DialogFooter>
    </form>
  );
}

/**
 * Uploads a changed file as the document's next version; the current version keeps answering
 * until the new one is ready. The password is for protected PDFs.
 */
export function NewVersionDialog({ document, onClose }: { document: Document | null; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Dialog
      open={document !== null}
      onClose={onClose}
      title={t("documents.version.title", { title: document?.title ?? "" })}
      description={t("documents.version.description")}
    >
      {document ? <VersionForm document={document} onDone={onClose} /> : null}
    </Dialog>
  );
}
