import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Outlet, useLocation, useMatches } from "react-router";
import { MenuIcon, XIcon } from "../../components/ui/icons";
import { cn } from "../../lib/cn";
import { useMediaQuery } from "../../lib/use-media-query";
import { LanguageMenu } from "./language-menu";
import { Sidebar } from "./sidebar";
import { TenantSwitcher } from "./tenant-switcher";
import { ThemeMenu } from "./theme-menu";
import { UserMenu } from "./user-menu";

/** What a route may declare in its `handle` about the frame around it. */
export interface RouteHandle {
  /** The page fills the space under the top bar edge to edge (no padding, no page scroll): chat. */
  isFullBleed?: boolean;
}

/**
 * Frame of the signed-in app: sidebar (a drawer below the lg breakpoint), top bar with the
 * department switcher, language, theme and user menus, and the page.
 */
export function AppLayout() {
  const { t } = useTranslation();
  const location = useLocation();
  const [isDrawerOpen, setIsDrawerOpen] = useState(false);
  // One sidebar in the page at a time (fixed on wide screens, a drawer on narrow ones), so its
  // links and test ids are unique.
  const isWide = useMediaQuery("(min-width: 1024px)");
  const isFullBleed = useMatches().some((match) => (match.handle as RouteHandle | undefined)?.isFullBleed);

  // Following a link in the drawer closes it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on every navigation by design
  useEffect(() => setIsDrawerOpen(false), [location.pathname]);

  useEffect(() => {
    if (!isDrawerOpen) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === "Escape") setIsDrawerOpen(false);
    };
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [isDrawerOpen]);

  return (
    <div className="flex min-h-full">
      <a
        href="#main"
        className="sr-only z-50 rounded-md bg-surface px-3 py-2 text-sm focus:not-sr-only focus:fixed focus:top-2 focus:left-2"
      >
        {t("layout.skipToContent")}
      </a>

      {isWide ? (
        <aside className="fixed inset-y-0 left-0 z-30 hidden w-64 lg:block">
          <Sidebar />
        </aside>
      ) : null}

      <div
        className={cn("fixed inset-0 z-40 lg:hidden", isDrawerOpen ? "visible" : "invisible")}
        aria-hidden={!isDrawerOpen}
      >
        <button
          type="button"
          tabIndex={-1}
          aria-label={t("layout.closeMenu")}
          className={cn(
            "absolute inset-0 bg-zinc-950/50 transition-opacity",
            isDrawerOpen ? "opacity-100" : "opacity-0",
          )}
          onClick={() => setIsDrawerOpen(false)}
        />
        <div
          id="mobile-navigation"
          className={cn(
            "absolute inset-y-0 left-0 w-72 max-w-[85vw] shadow-xl transition-transform",
            isDrawerOpen ? "translate-x-0" : "-translate-x-full",
          )}
        >
          {isDrawerOpen && !isWide ? <Sidebar /> : null}
          <button
            type="button"
            onClick={() => setIsDrawerOpen(false)}
            className="absolute top-4 right-3 rounded-md p-1.5 text-fg-subtle hover:bg-subtle hover:text-fg"
          >
            <XIcon className="size-5" />
            <span className="sr-only">{t("layout.closeMenu")}</span>
          </button>
        </div>
      </div>

      <div className={cn("flex min-w-0 flex-1 flex-col lg:pl-64", isFullBleed && "h-dvh")}>
        <header className="sticky top-0 z-20 flex h-16 shrink-0 items-center gap-3 border-b border-line bg-surface/85 px-4 backdrop-blur sm:px-6">
          <button
            type="button"
            className="-ml-1 rounded-md p-2 text-fg-muted hover:bg-subtle hover:text-fg lg:hidden"
            aria-expanded={isDrawerOpen}
            aria-controls="mobile-navigation"
            onClick={() => setIsDrawerOpen(true)}
          >
            <MenuIcon className="size-5" />
            <span className="sr-only">{t("layout.openMenu")}</span>
          </button>
          <TenantSwitcher />
          <div className="ml-auto flex items-center gap-1">
            <LanguageMenu />
            <ThemeMenu />
            <UserMenu />
          </div>
        </header>
        <main
          id="main"
          className={
            isFullBleed ? "flex min-h-0 w-full flex-1" : "mx-auto w-full max-w-6xl flex-1 px-4 py-8 sm:px-6 lg:px-8"
          }
        >
          <Outlet />
        </main>
      </div>
    </div>
  );
}
