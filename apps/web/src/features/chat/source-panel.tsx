import type { SourceSchema } from "@atrium/contracts";
import { useTranslation } from "react-i18next";
import type { z } from "zod";
import { Sheet } from "../../components/ui/sheet";
import { formatNumber } from "../../lib/format";

export type Source = z.infer<typeof SourceSchema>;

/** The passage an answer cited, with where it comes from, in a panel beside the chat. */
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
  return (
    <Sheet open={source !== null} onClose={onClose} title={t("chat.sources.title", { number })}>
      {source ? (
        <div className="flex h-full flex-col gap-4 overflow-y-auto px-5 py-4" data-testid="source-panel">
          {source.title ? <p className="text-sm font-semibold text-fg">{source.title}</p> : null}
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
            {source.ref ? (
              <>
                <dt className="text-fg-subtle">{t("chat.sources.ref")}</dt>
                <dd className="font-mono text-xs break-all text-fg">{source.ref}</dd>
              </>
            ) : null}
            {typeof source.page === "number" ? (
              <>
                <dt className="text-fg-subtle">{t("chat.sources.page")}</dt>
                <dd className="text-fg tabular-nums">{source.page}</dd>
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
