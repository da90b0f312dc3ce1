import { type ReactNode, useEffect } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, useLocation, useParams } from "react-router";
import { Alert } from "../components/ui/alert";
import { Button, ButtonLink } from "../components/ui/button";
import { EmptyState } from "../components/ui/empty-state";
import { ShieldIcon } from "../components/ui/icons";
import { FullPageSpinner } from "../components/ui/spinner";
import { useMe } from "../features/auth/api";
import { canManageTenant, isInstanceAdmin } from "../features/auth/permissions";
import { useCurrentUser } from "../features/auth/use-current-user";
import { setLocale } from "../i18n";
import { describeError } from "../i18n/errors";
import { authStore, SIGNED_OUT, useHasSession } from "../lib/auth-store";

/**
 * Lets signed-in people through once their profile has loaded (so pages can rely on it) and
 * applies their saved language; sends everyone else to the login page, remembering where they were.
 */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const hasSession = useHasSession();
  const location = useLocation();
  const me = useMe();
  const locale = me.data?.locale;

  useEffect(() => {
    if (locale) setLocale(locale);
  }, [locale]);

  if (!hasSession) {
    // After a deliberate sign-out the next person starts at home, not on the previous person's page.
    const from = authStore.sessionEndReason() === SIGNED_OUT ? undefined : `${location.pathname}${location.search}`;
    return <Navigate to="/login" replace state={from ? { from } : undefined} />;
  }
  if (me.isPending) return <FullPageSpinner />;
  if (me.isError) {
    return (
      <div className="flex min-h-full items-center justify-center p-6">
        <Alert
          className="max-w-md"
          title={t("errors.loadFailed")}
          action={
            <Button size="sm" variant="secondary" onClick={() => void me.refetch()} isPending={me.isFetching}>
              {t("common.retry")}
            </Button>
          }
        >
          {describeError(me.error, t)}
        </Alert>
      </div>
    );
  }
  return children;
}

/** What people see on a page they may not use (a link shared with them, an old bookmark). */
function NotAllowed() {
  const { t } = useTranslation();
  return (
    <EmptyState
      icon={<ShieldIcon />}
      title={t("errors.notAllowed.title")}
      description={t("errors.notAllowed.description")}
      action={
        <ButtonLink to="/" variant="secondary">
          {t("common.backHome")}
        </ButtonLink>
      }
    />
  );
}

/** Pages for instance owners and admins only. */
export function RequireInstanceAdmin({ children }: { children: ReactNode }) {
  const me = useCurrentUser();
  return isInstanceAdmin(me) ? children : <NotAllowed />;
}

/** A department's page: for instance admins, and for that department's admins. */
export function RequireTenantManager({ children }: { children: ReactNode }) {
  const me = useCurrentUser();
  const { tenantId = "" } = useParams();
  return canManageTenant(me, tenantId) ? children : <NotAllowed />;
}
