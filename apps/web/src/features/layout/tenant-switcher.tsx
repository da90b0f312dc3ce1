import { useTranslation } from "react-i18next";
import { BuildingIcon } from "../../components/ui/icons";
import { Select } from "../../components/ui/select";
import { setActiveTenantId, useActiveTenant } from "./active-tenant";

/**
 * Chooses the department the person works in. A native select (data-testid="tenant-switcher")
 * so it works with keyboard, screen readers and on phones.
 */
export function TenantSwitcher() {
  const { t } = useTranslation();
  const { active, memberships } = useActiveTenant();

  if (memberships.length === 0) {
    return (
      <span className="inline-flex items-center gap-2 text-sm text-fg-subtle" data-testid="tenant-switcher-empty">
        <BuildingIcon className="size-4" />
        {t("layout.noTenant")}
      </span>
    );
  }

  return (
    <div className="flex min-w-0 items-center gap-2">
      <label htmlFor="tenant-switcher" className="sr-only">
        {t("layout.activeTenant")}
      </label>
      <BuildingIcon className="hidden size-4 shrink-0 text-fg-subtle sm:block" />
      <Select
        id="tenant-switcher"
        data-testid="tenant-switcher"
        value={active?.tenantId ?? ""}
        onChange={(event) => setActiveTenantId(event.target.value)}
        wrapperClassName="min-w-0 w-44 sm:w-60"
        className="h-9 truncate font-medium"
      >
        {memberships.map((membership) => (
          <option key={membership.tenantId} value={membership.tenantId}>
            {membership.tenantName}
          </option>
        ))}
      </Select>
    </div>
  );
}
