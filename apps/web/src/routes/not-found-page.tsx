import { useTranslation } from "react-i18next";
import { ButtonLink } from "../components/ui/button";
import { EmptyState } from "../components/ui/empty-state";
import { SearchIcon } from "../components/ui/icons";

/** Shown for any path the app doesn't know. */
export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <EmptyState
      icon={<SearchIcon />}
      title={t("errors.pageNotFound.title")}
      description={t("errors.pageNotFound.description")}
      action={
        <ButtonLink to="/" variant="secondary">
          {t("common.backHome")}
        </ButtonLink>
      }
    />
  );
}
