import { Trans, useTranslation } from "react-i18next";
import { Link } from "react-router";
import { ButtonLink } from "../../components/ui/button";
import { Card, CardBody, CardHeader } from "../../components/ui/card";
import { EmptyState } from "../../components/ui/empty-state";
import { BuildingIcon, FileTextIcon, KeyIcon, MessageIcon, UsersIcon } from "../../components/ui/icons";
import { PageHeader } from "../../components/ui/page-header";
import { canManageTenant, isInstanceAdmin } from "../auth/permissions";
import { useCurrentUser } from "../auth/use-current-user";
import { modifierKeyName } from "../chat/shortcuts-help";
import { useActiveTenant } from "../layout/active-tenant";

/** The main thing to do here: open the chat. */
function ChatCallToAction() {
  const { t } = useTranslation();
  return (
    <Card className="mb-6 overflow-hidden">
      <div className="flex flex-col gap-5 bg-accent-soft/60 px-5 py-6 sm:flex-row sm:items-center sm:px-6">
        <div className="flex size-12 shrink-0 items-center justify-center rounded-xl bg-accent text-accent-fg">
          <MessageIcon className="size-6" />
        </div>
        <div className="min-w-0 flex-1">
          <h2 className="text-base font-semibold text-fg">{t("home.chat.title")}</h2>
          <p className="mt-1 text-sm text-fg-muted">
            {t("home.chat.description")}
            {/* Phones have no keyboard shortcuts to offer. */}
            <span className="hidden sm:inline" data-testid="home-chat-shortcut">
              {" "}
              {t("home.chat.shortcut", { key: `${modifierKeyName()}+Shift+O` })}
            </span>
          </p>
        </div>
        <ButtonLink to="/chat" variant="primary" data-testid="home-chat">
          <MessageIcon />
          {t("home.chat.action")}
        </ButtonLink>
      </div>
    </Card>
  );
}

/**
 * Start page: the way into the chat, which department the person is working in, and what they can
 * do here. No invented numbers: only what the server told us.
 */
export function HomePage() {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const { active, memberships } = useActiveTenant();
  const isAdmin = isInstanceAdmin(me);

  return (
    <>
      <PageHeader title={t("home.greeting", { name: me.name })} description={t("home.subtitle")} />
      {active ? <ChatCallToAction /> : null}

      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardHeader title={t("home.workspace.title")} />
          {active ? (
            <CardBody className="flex flex-col gap-4">
              <div className="flex items-center gap-4">
                <div className="flex size-12 shrink-0 items-center justify-center rounded-xl bg-accent-soft text-accent-text">
                  <BuildingIcon className="size-6" />
                </div>
                <div className="min-w-0">
                  <p className="truncate text-lg font-semibold text-fg" data-testid="active-tenant-name">
                    {active.tenantName}
                  </p>
                  <p className="text-sm text-fg-muted">
                    <Trans
                      i18nKey="home.workspace.role"
                      values={{ role: t(`roles.${active.role}`) }}
                      components={{ strong: <strong className="font-medium text-fg" /> }}
                    />
                  </p>
                </div>
              </div>
              <p className="text-sm text-fg-muted">
                {memberships.length > 1
                  ? t("home.workspace.switchHint", { number: memberships.length })
                  : t("home.workspace.singleHint")}
              </p>
              {canManageTenant(me, active.tenantId) ? (
                <div>
                  <ButtonLink to={`/tenants/${active.tenantId}`} variant="secondary" size="sm">
                    <UsersIcon />
                    {t("home.workspace.manageMembers")}
                  </ButtonLink>
                </div>
              ) : null}
            </CardBody>
          ) : (
            <EmptyState
              icon={<BuildingIcon />}
              title={t("home.noTenant.title")}
              description={isAdmin ? t("home.noTenant.adminDescription") : t("home.noTenant.description")}
              action={
                isAdmin ? (
                  <ButtonLink to="/admin/tenants" variant="primary">
                    {t("home.noTenant.adminAction")}
                  </ButtonLink>
                ) : undefined
              }
            />
          )}
        </Card>

        <Card>
          <CardHeader title={t("home.today.title")} />
          <CardBody className="flex flex-col gap-3 text-sm text-fg-muted">
            <p>{t("home.today.description")}</p>
            <ul className="flex flex-col gap-2">
              <li className="flex items-center gap-2">
                <MessageIcon className="size-4 shrink-0 text-fg-subtle" />
                {t("home.today.chat")}
              </li>
              {active ? (
                <li className="flex items-center gap-2">
                  <FileTextIcon className="size-4 shrink-0 text-fg-subtle" />
                  <Link to="/documents" className="hover:text-fg hover:underline" data-testid="home-documents">
                    {canManageTenant(me, active.tenantId) ? t("home.today.documents") : t("home.today.documentsMember")}
                  </Link>
                </li>
              ) : null}
              <li className="flex items-center gap-2">
                <KeyIcon className="size-4 shrink-0 text-fg-subtle" />
                {t("home.today.apiKeys")}
              </li>
              {isAdmin ? (
                <li className="flex items-center gap-2">
                  <UsersIcon className="size-4 shrink-0 text-fg-subtle" />
                  {t("home.today.admin")}
                </li>
              ) : null}
            </ul>
            <div>
              <ButtonLink to="/profile" variant="secondary" size="sm">
                {t("home.today.openProfile")}
              </ButtonLink>
            </div>
          </CardBody>
        </Card>
      </div>
    </>
  );
}
