import type { ReactNode } from "react";
import { Logo } from "../../components/ui/logo";
import { LanguageMenu } from "../layout/language-menu";
import { ThemeMenu } from "../layout/theme-menu";

/** Frame of the pages shown before signing in: logo, a centred card, language and theme choices. */
export function AuthShell({
  title,
  description,
  children,
}: {
  title: string;
  description?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="flex min-h-full flex-col">
      <header className="flex items-center justify-between px-4 py-4 sm:px-6">
        <Logo />
        <div className="flex items-center gap-1">
          <LanguageMenu />
          <ThemeMenu />
        </div>
      </header>
      <main className="flex flex-1 items-start justify-center px-4 pt-8 pb-16 sm:items-center sm:pt-0">
        <div className="w-full max-w-md">
          <div className="mb-6 text-center">
            <h1 className="text-2xl font-semibold tracking-tight text-fg">{title}</h1>
            {description ? <p className="mt-2 text-sm text-fg-muted">{description}</p> : null}
          </div>
          <div className="rounded-xl border border-line bg-surface p-6 shadow-sm sm:p-8">{children}</div>
        </div>
      </main>
    </div>
  );
}
