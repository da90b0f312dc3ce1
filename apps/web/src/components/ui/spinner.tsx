import { useTranslation } from "react-i18next";
import { cn } from "../../lib/cn";

/** A spinning ring; give it a label when it is the only sign that something is loading. */
export function Spinner({ className, label }: { className?: string; label?: string }) {
  return (
    <span role={label ? "status" : undefined} className={cn("inline-flex items-center", className)}>
      <svg className="size-4 animate-spin" viewBox="0 0 24 24" fill="none" aria-hidden="true">
        <circle cx="12" cy="12" r="9" stroke="currentColor" strokeOpacity="0.25" strokeWidth="3" />
        <path d="M21 12a9 9 0 0 0-9-9" stroke="currentColor" strokeWidth="3" strokeLinecap="round" />
      </svg>
      {label ? <span className="sr-only">{label}</span> : null}
    </span>
  );
}

/** Loading placeholder for a block of content (a card body, a table). */
export function LoadingBlock({ className }: { className?: string }) {
  const { t } = useTranslation();
  return (
    <div className={cn("flex items-center justify-center gap-2 py-12 text-sm text-fg-muted", className)}>
      <Spinner />
      <span role="status">{t("common.loading")}</span>
    </div>
  );
}

/** Loading screen used while the session or the router boots. */
export function FullPageSpinner() {
  const { t } = useTranslation();
  return (
    <div className="flex h-full min-h-screen items-center justify-center text-fg-muted">
      <Spinner className="scale-150" label={t("common.loading")} />
    </div>
  );
}
