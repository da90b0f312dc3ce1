import { useTranslation } from "react-i18next";
import { Card, CardHeader } from "../../components/ui/card";
import { EmptyState } from "../../components/ui/empty-state";
import { BuildingIcon } from "../../components/ui/icons";
import { PageHeader } from "../../components/ui/page-header";
import { useCurrentUser } from "../auth/use-current-user";
import { RoleBadge } from "../users/role-badge";
import { ApiKeysCard } from "./api-keys-card";
import { PasswordForm } from "./password-form";
import { ProfileForm } from "./profile-form";

/** The departments the person belongs to and their role in each. */
function MembershipsCard() {
  const { t } = useTranslation();
  const me = useCurrentUser();
  return (
    <Card>
      <CardHeader title={t("profile.memberships.title")} description={t("profile.memberships.description")} />
      {me.memberships.length === 0 ? (
        <EmptyState
          icon={<BuildingIcon />}
          title={t("profile.memberships.empty.title")}
          description={t("profile.memberships.empty.description")}
        />
      ) : (
        <ul className="divide-y divide-line">
          {me.memberships.map((membership) => (
            <li key={membership.tenantId} className="flex items-center justify-between gap-3 px-5 py-3">
              <div className="min-w-0">
                <p className="truncate text-sm font-medium text-fg">{membership.tenantName}</p>
                <p className="truncate font-mono text-xs text-fg-muted">{membership.tenantSlug}</p>
              </div>
              <RoleBadge role={membership.role} />
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

/** The signed-in person's own settings: details, language, password, departments, API keys. */
export function ProfilePage() {
  const { t } = useTranslation();
  const me = useCurrentUser();
  return (
    <>
      <PageHeader title={t("profile.title")} description={t("profile.description")} />
      <div className="flex flex-col gap-6">
        {/* Starts over when the saved values change elsewhere (e.g. the language menu in the top bar). */}
        <ProfileForm key={`${me.name}\u0000${me.locale}`} />
        <PasswordForm />
        <MembershipsCard />
        <ApiKeysCard />
      </div>
    </>
  );
}
