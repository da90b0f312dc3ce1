import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Alert } from "../../components/ui/alert";
import { Button } from "../../components/ui/button";
import { Card, CardHeader } from "../../components/ui/card";
import { EmptyState } from "../../components/ui/empty-state";
import { Field } from "../../components/ui/field";
import { ExternalLinkIcon, SearchIcon } from "../../components/ui/icons";
import { Input } from "../../components/ui/input";
import { LoadingBlock } from "../../components/ui/spinner";
import { useToast } from "../../components/ui/toast";
import { describeError } from "../../i18n/errors";
import { formatDuration, formatNumber } from "../../lib/format";
import { openDocumentFile, useDocumentSearch } from "./api";

/**
 * A question box over the department's documents showing the ranked passages the documents
 * assistant would read, each with its document and page, opening the file there.
 */
export function DocumentSearch({ tenantId }: { tenantId: string }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const toast = useToast();
  const [text, setText] = useState("");
  const [query, setQuery] = useState("");
  const search = useDocumentSearch(tenantId, query);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setQuery(text.trim());
  };

  return (
    <Card>
      <CardHeader title={t("documents.search.title")} description={t("documents.search.description")} />
      <form className="flex gap-2 border-b border-line px-5 py-3" onSubmit={onSubmit}>
        <Field label={t("documents.search.label")} isLabelHidden className="flex-1">
          <div className="relative">
            <SearchIcon className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-fg-subtle" />
            <Input
              type="search"
              className="pl-9"
              placeholder={t("documents.search.placeholder")}
              value={text}
              maxLength={1000}
              onChange={(event) => setText(event.target.value)}
              data-testid="document-search"
            />
          </div>
        </Field>
        <Button type="submit" variant="secondary" isPending={search.isFetching} data-testid="document-search-submit">
          {t("documents.search.submit")}
        </Button>
      </form>

      {!query ? null : search.isPending ? (
        <LoadingBlock />
      ) : search.isError ? (
        <div className="p-5">
          <Alert title={t("documents.search.failed")}>{describeError(search.error, t)}</Alert>
        </div>
      ) : search.data.items.length === 0 ? (
        <EmptyState
          icon={<SearchIcon />}
          title={t("documents.search.empty.title")}
          description={t("documents.search.empty.description")}
        />
      ) : (
        <>
          <p className="px-5 pt-3 text-xs text-fg-subtle" data-testid="document-search-summary">
            {t("documents.search.summary", {
              number: formatNumber(search.data.items.length, locale),
              time: formatDuration(search.data.tookMs, locale),
            })}
            {search.data.reranked ? ` · ${t("documents.search.reranked")}` : null}
          </p>
          <ol className="divide-y divide-line">
            {search.data.items.map((passage, index) => (
              <li key={passage.chunkId} className="flex gap-3 px-5 py-4" data-testid="document-search-result">
                <span className="mt-0.5 flex size-6 shrink-0 items-center justify-center rounded-full bg-accent-soft text-xs font-semibold text-accent-text tabular-nums">
                  {index + 1}
                </span>
                <div className="min-w-0 flex-1">
                  <div className="flex flex-wrap items-baseline gap-x-2 gap-y-0.5">
                    <p className="truncate text-sm font-semibold text-fg">{passage.documentTitle}</p>
                    {passage.page !== null ? (
                      <span className="text-xs text-fg-muted">
                        {t("documents.search.page", { page: passage.page })}
                      </span>
                    ) : null}
                    {passage.headingPath ? (
                      <span className="truncate text-xs text-fg-subtle">{passage.headingPath}</span>
                    ) : null}
                  </div>
                  <p className="mt-1 line-clamp-4 text-sm whitespace-pre-line text-fg-muted">{passage.text}</p>
                </div>
                <Button
                  variant="ghost"
                  size="sm"
                  icon={<ExternalLinkIcon />}
                  title={t("documents.search.open")}
                  onClick={() =>
                    void openDocumentFile(passage.documentId, { page: passage.page }).catch((error: unknown) =>
                      toast.error(describeError(error, t)),
                    )
                  }
                >
                  <span className="sr-only sm:not-sr-only">{t("documents.search.open")}</span>
                </Button>
              </li>
            ))}
          </ol>
        </>
      )}
    </Card>
  );
}
