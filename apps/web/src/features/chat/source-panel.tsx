import type { SourceSchema } from "@atrium/contracts";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { z } from "zod";
import { Button } from "../../components/ui/button";
import { ExternalLinkIcon } from "../../components/ui/icons";
import { Sheet } from "../../components/ui/sheet";
import { useToast } from "../../components/ui/toast";
import { describeError } from "../../i18n/errors";
import { formatNumber } from "../../lib/format";
import { openDocumentFile } from "../documents/api";

export type Source = z.infer<typeof SourceSchema>;

/**
 * What the reference adds to the title and page: for document passages the server writes
 * "Title · p. 3 · Heading", of which only the heading is new here.
 */
export function referenceDetail(source: Source): string | undefined {
  if (!source.ref) return undefined;
  if (!source.documentId) return source.ref;
  const rest = source.ref
    .split(" · ")
    .filter((part) => part !== source.title && !/^p\. \d+$/.test(part))
    .join(" · ");
  return rest || undefined;
}

/** Opens the cited document's original file (at the cited page for PDFs) in a new tab. */
function OpenDocumentButton({ documentId, page }: { documentId: string; page: number | null | undefined }) {
  const { t } = useTranslation();
  const toast = useToast();
  const [isOpening, setIsOpening] = useState(false);
  return (
    <Button
      variant="secondary"
      size="sm"
      icon={<ExternalLinkIcon />}
      isPending={isOpening}
      className="self-start"
      data-testid="source-open-document"
      onClick={() => {
        setIsOpening(true);
        openDocumentFile(documentId, { page })
          .catch((error: unknown) => toast.error(describeError(error, t)))
          .finally(() => setIsOpening(false));
      }}
    >
      {typeof page === "number" ? t("chat.sources.openPage", { page }) : t("chat.sources.openDocument")}
    </Button>
  );
}

/**
 * The passage an answer cited, in a panel beside the chat: its document and page, its text, and
 * a button opening the original document there.
 */
export function SourcePanel({
  source,
  number,
  onClose,
}: {
  source: Source | null;
  number: number;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const detail = source ? referenceDetail(source) : undefined;
  return (
    <Sheet open={source !== null} onClose={onClose} title={t("chat.sources.title", { number })}>
      {source ? (
        <div className="flex h-full flex-col gap-4 overflow-y-auto px-5 py-4" data-testid="source-panel">
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
            {source.title ? (
              <>
                <dt className="text-fg-subtle">{t("chat.sources.document")}</dt>
                <dd className="font-semibold break-words text-fg" data-testid="source-document-title">
                  {source.title}
                </dd>
              </>
            ) : null}
            {detail ? (
              <>
                <dt className="text-fg-subtle">
                  {source?.documentId ? t("chat.sources.section") : t("chat.sources.ref")}
                </dt>
                <dd className={source?.documentId ? "break-words text-fg" : "font-mono text-xs break-all text-fg"}>
                  {detail}
                </dd>
              </>
            ) : null}
            {typeof source.page === "number" ? (
              <>
                <dt className="text-fg-subtle">{t("chat.sources.page")}</dt>
                <dd className="text-fg tabular-nums" data-testid="source-page">
                  {source.page}
                </dd>
              </>
            ) : null}
            {source.score !== undefined ? (
              <>
                <dt className="text-fg-subtle">{t("chat.sources.score")}</dt>
                <dd className="text-fg tabular-nums">
                  {formatNumber(Math.round(source.score * 1000) / 1000, i18n.language)}
                </dd>
              </>
            ) : null}
          </dl>
          {source.documentId ? <OpenDocumentButton documentId={source.documentId} page={source.page} /> : null}
          {source.text ? (
            <blockquote className="rounded-lg border-l-4 border-accent/50 bg-subtle/60 px-4 py-3 text-sm leading-relaxed whitespace-pre-wrap text-fg">
              {source.text}
            </blockquote>
          ) : (
            <p className="text-sm text-fg-muted">{t("chat.sources.noText")}</p>
          )}
        </div>
      ) : null}
    </Sheet>
  );
}
