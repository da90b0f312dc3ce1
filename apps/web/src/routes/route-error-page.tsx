import { useTranslation } from "react-i18next";
import { useRouteError } from "react-router";
import { Alert } from "../components/ui/alert";
import { Button } from "../components/ui/button";

/** Shown instead of a blank screen when a page crashes while rendering; offers a reload. */
export function RouteErrorPage() {
  const { t } = useTranslation();
  const error = useRouteError();
  const detail = error instanceof Error ? error.message : undefined;
  return (
    <div className="flex min-h-full items-center justify-center p-6">
      <Alert
        className="max-w-md"
        title={t("errors.crashed.title")}
        action={
          <Button size="sm" variant="secondary" onClick={() => window.location.reload()}>
            {t("errors.crashed.reload")}
          </Button>
        }
      >
        <p>{t("errors.crashed.description")}</p>
        {detail ? <p className="mt-2 font-mono text-xs break-all opacity-80">{detail}</p> : null}
      </Alert>
    </div>
  );
}
