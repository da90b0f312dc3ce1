import { useTranslation } from "react-i18next";
import { LogOutIcon, UserIcon } from "../../components/ui/icons";
import { Menu, MenuItem, MenuLink, MenuSeparator } from "../../components/ui/menu";
import { initials } from "../../lib/format";
import { useCurrentUser } from "../auth/use-current-user";
import { useSignOut } from "../auth/use-sign-out";

/** Avatar button opening the person's menu: who is signed in, profile, sign out. */
export function UserMenu() {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const signOut = useSignOut();
  return (
    <Menu
      label={t("layout.userMenu", { name: me.name })}
      triggerTestId="user-menu"
      triggerClassName="p-1"
      trigger={
        <span className="flex size-8 items-center justify-center rounded-full bg-accent-soft text-xs font-semibold text-accent-text">
          {initials(me.name)}
        </span>
      }
    >
      <div className="px-2.5 py-2">
        <p className="truncate text-sm font-medium text-fg">{me.name}</p>
        <p className="truncate text-xs text-fg-muted">{me.email}</p>
      </div>
      <MenuSeparator />
      <MenuLink to="/profile" icon={<UserIcon />}>
        {t("nav.profile")}
      </MenuLink>
      <MenuItem icon={<LogOutIcon />} onSelect={signOut}>
        {t("auth.logout")}
      </MenuItem>
    </Menu>
  );
}
