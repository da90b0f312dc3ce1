import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { NavLink } from "react-router";
import {
  ActivityIcon,
  BuildingIcon,
  FileTextIcon,
  HeartIcon,
  HomeIcon,
  LayersIcon,
  LogOutIcon,
  MessageIcon,
  ServerIcon,
  ShieldIcon,
  SparklesIcon,
  UserIcon,
  UsersIcon,
} from "../../components/ui/icons";
import { Logo } from "../../components/ui/logo";
import { cn } from "../../lib/cn";
import { initials } from "../../lib/format";
import { canManageTenant, isInstanceAdmin } from "../auth/permissions";
import { useCurrentUser } from "../auth/use-current-user";
import { useSignOut } from "../auth/use-sign-out";
import { useActiveTenant } from "./active-tenant";

function NavItem({
  to,
  icon,
  children,
  testId,
  end,
}: {
  to: string;
  icon: ReactNode;
  children: ReactNode;
  testId: string;
  end?: boolean;
}) {
  return (
    <NavLink
      to={to}
      end={end}
      data-testid={testId}
      className={({ isActive }) =>
        cn(
          "flex items-center gap-3 rounded-lg px-3 py-2 text-sm font-medium transition-colors [&_svg]:size-4 [&_svg]:shrink-0",
          isActive ? "bg-accent-soft text-accent-text" : "text-fg-muted hover:bg-subtle hover:text-fg",
        )
      }
    >
      {icon}
      <span className="truncate">{children}</span>
    </NavLink>
  );
}

function NavSection({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="flex flex-col gap-0.5">
      <p className="px-3 pt-4 pb-1 text-xs font-medium tracking-wide text-fg-subtle uppercase">{title}</p>
      {children}
    </div>
  );
}

/**
 * Main navigation, Chat first. The active department's section lists its documents for everyone
 * in it; admin entries appear only for people who can use them: instance admins see the
 * Administration section; department admins see their department's members, assistants, feedback
 * and request records.
 */
export function Sidebar({ className }: { className?: string }) {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const { active } = useActiveTenant();
  const signOut = useSignOut();
  const isAdmin = isInstanceAdmin(me);
  const canManageActive = active ? canManageTenant(me, active.tenantId) : false;

  return (
    <div className={cn("flex h-full flex-col border-r border-line bg-surface", className)}>
      <div className="flex h-16 shrink-0 items-center px-5">
        <Logo />
      </div>
      <nav aria-label={t("nav.label")} className="flex-1 overflow-y-auto px-3 pb-4">
        <div className="flex flex-col gap-0.5">
          <NavItem to="/chat" icon={<MessageIcon />} testId="nav-chat">
            {t("nav.chat")}
          </NavItem>
          <NavItem to="/" end icon={<HomeIcon />} testId="nav-home">
            {t("nav.home")}
          </NavItem>
        </div>

        {active ? (
          <NavSection title={active.tenantName}>
            <NavItem to="/documents" icon={<FileTextIcon />} testId="nav-documents">
              {t("nav.documents")}
            </NavItem>
            {canManageActive ? (
              <>
                <NavItem to={`/tenants/${active.tenantId}`} end icon={<ShieldIcon />} testId="nav-members">
                  {t("nav.members")}
                </NavItem>
                <NavItem
                  to={`/tenants/${active.tenantId}/assistants`}
                  icon={<SparklesIcon />}
                  testId="nav-tenant-assistants"
                >
                  {t("nav.assistants")}
                </NavItem>
                <NavItem to={`/tenants/${active.tenantId}/feedback`} icon={<HeartIcon />} testId="nav-feedback">
                  {t("nav.feedback")}
                </NavItem>
                <NavItem to={`/tenants/${active.tenantId}/records`} icon={<ActivityIcon />} testId="nav-tenant-records">
                  {t("nav.records")}
                </NavItem>
              </>
            ) : null}
          </NavSection>
        ) : null}

        {isAdmin ? (
          <NavSection title={t("nav.admin")}>
            <NavItem to="/admin/users" icon={<UsersIcon />} testId="nav-users">
              {t("nav.users")}
            </NavItem>
            <NavItem to="/admin/tenants" icon={<BuildingIcon />} testId="nav-tenants">
              {t("nav.tenants")}
            </NavItem>
            <NavItem to="/admin/assistants" icon={<SparklesIcon />} testId="nav-assistants">
              {t("nav.allAssistants")}
            </NavItem>
            <NavItem to="/admin/providers" icon={<ServerIcon />} testId="nav-providers">
              {t("nav.providers")}
            </NavItem>
            <NavItem to="/admin/records" icon={<ActivityIcon />} testId="nav-records">
              {t("nav.allRecords")}
            </NavItem>
            <NavItem to="/admin/jobs" icon={<LayersIcon />} testId="nav-jobs">
              {t("nav.jobs")}
            </NavItem>
          </NavSection>
        ) : null}

        <NavSection title={t("nav.account")}>
          <NavItem to="/profile" icon={<UserIcon />} testId="nav-profile">
            {t("nav.profile")}
          </NavItem>
        </NavSection>
      </nav>
      <div className="flex items-center gap-3 border-t border-line px-4 py-3">
        <span className="flex size-8 shrink-0 items-center justify-center rounded-full bg-accent-soft text-xs font-semibold text-accent-text">
          {initials(me.name)}
        </span>
        <div className="min-w-0 flex-1">
          <p className="truncate text-sm font-medium text-fg" title={me.name}>
            {me.name}
          </p>
          <p className="truncate text-xs text-fg-muted" title={me.email}>
            {me.email}
          </p>
        </div>
        <button
          type="button"
          onClick={signOut}
          data-testid="logout"
          title={t("auth.logout")}
          className="rounded-md p-2 text-fg-subtle transition-colors hover:bg-subtle hover:text-fg"
        >
          <LogOutIcon className="size-4" />
          <span className="sr-only">{t("auth.logout")}</span>
        </button>
      </div>
    </div>
  );
}
