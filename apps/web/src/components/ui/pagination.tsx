import { useTranslation } from "react-i18next";
import { Button } from "./button";
import { ChevronLeftIcon, ChevronRightIcon } from "./icons";

/** Previous/next controls for an offset-paginated list, with "1–20 of 45"; the buttons only when there are more pages. */
export function Pagination({
  offset,
  limit,
  total,
  onChange,
  isFetching,
}: {
  offset: number;
  limit: number;
  total: number;
  onChange: (offset: number) => void;
  isFetching?: boolean;
}) {
  const { t } = useTranslation();
  if (total === 0) return null;
  const from = offset + 1;
  const to = Math.min(offset + limit, total);
  const hasOtherPages = offset > 0 || total > limit;
  return (
    <nav
      aria-label={t("common.pagination")}
      className="flex items-center justify-between gap-3 border-t border-line px-5 py-3 text-sm text-fg-muted"
    >
      <p>{t("common.range", { from, to, total })}</p>
      {hasOtherPages ? (
        <div className="flex gap-2">
          <Button
            variant="secondary"
            size="sm"
            icon={<ChevronLeftIcon />}
            disabled={offset === 0 || isFetching}
            onClick={() => onChange(Math.max(0, offset - limit))}
          >
            {t("common.previous")}
          </Button>
          <Button
            variant="secondary"
            size="sm"
            disabled={to >= total || isFetching}
            onClick={() => onChange(offset + limit)}
          >
            {t("common.next")}
            <ChevronRightIcon />
          </Button>
        </div>
      ) : null}
    </nav>
  );
}
