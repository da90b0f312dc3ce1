import {
  createContext,
  type KeyboardEvent,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useId,
  useRef,
  useState,
} from "react";
import { Link } from "react-router";
import { cn } from "../../lib/cn";
import { CheckIcon } from "./icons";

const MenuContext = createContext<{ close: () => void } | null>(null);

function useMenu() {
  const context = useContext(MenuContext);
  if (!context) throw new Error("Menu items must be inside <Menu>");
  return context;
}

const itemClasses =
  "flex w-full items-center gap-2.5 rounded-md px-2.5 py-2 text-left text-sm text-fg outline-none " +
  "hover:bg-subtle focus-visible:bg-subtle [&_svg]:size-4 [&_svg]:text-fg-muted";

export interface MenuProps {
  /** Accessible name of the trigger when its content is only an icon or avatar. */
  label: string;
  trigger: ReactNode;
  triggerClassName?: string;
  triggerTestId?: string;
  align?: "start" | "end";
  children: ReactNode;
}

/**
 * A dropdown menu: opens under its trigger, closes on Escape, outside click or choice, and moves
 * focus through its items with the arrow keys.
 */
export function Menu({ label, trigger, triggerClassName, triggerTestId, align = "end", children }: MenuProps) {
  const [isOpen, setIsOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const triggerRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const menuId = useId();

  const close = useCallback(() => {
    setIsOpen(false);
    triggerRef.current?.focus();
  }, []);

  useEffect(() => {
    if (!isOpen) return;
    const onPointerDown = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setIsOpen(false);
    };
    document.addEventListener("pointerdown", onPointerDown);
    menuRef.current?.querySelector<HTMLElement>("[role^='menuitem']")?.focus();
    return () => document.removeEventListener("pointerdown", onPointerDown);
  }, [isOpen]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === "Escape") {
      event.preventDefault();
      close();
      return;
    }
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp" && event.key !== "Home" && event.key !== "End") return;
    event.preventDefault();
    const items = Array.from(menuRef.current?.querySelectorAll<HTMLElement>("[role^='menuitem']") ?? []);
    if (items.length === 0) return;
    const current = items.indexOf(document.activeElement as HTMLElement);
    const next =
      event.key === "Home"
        ? 0
        : event.key === "End"
          ? items.length - 1
          : (current + (event.key === "ArrowDown" ? 1 : -1) + items.length) % items.length;
    items[next]?.focus();
  };

  return (
    <MenuContext.Provider value={{ close }}>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: keyboard handling for the menu it wraps */}
      <div ref={rootRef} className="relative" onKeyDown={onKeyDown}>
        <button
          ref={triggerRef}
          type="button"
          aria-haspopup="menu"
          aria-expanded={isOpen}
          aria-controls={isOpen ? menuId : undefined}
          aria-label={label}
          data-testid={triggerTestId}
          onClick={() => setIsOpen((open) => !open)}
          className={cn(
            "inline-flex items-center gap-2 rounded-lg text-sm text-fg-muted transition-colors hover:bg-subtle hover:text-fg",
            triggerClassName,
          )}
        >
          {trigger}
        </button>
        {isOpen ? (
          <div
            ref={menuRef}
            id={menuId}
            role="menu"
            aria-label={label}
            className={cn(
              "absolute top-full z-40 mt-2 min-w-52 rounded-lg border border-line bg-surface p-1 shadow-lg",
              align === "end" ? "right-0" : "left-0",
            )}
          >
            {children}
          </div>
        ) : null}
      </div>
    </MenuContext.Provider>
  );
}

/** A menu entry running an action. */
export function MenuItem({
  onSelect,
  icon,
  children,
  testId,
}: {
  onSelect: () => void;
  icon?: ReactNode;
  children: ReactNode;
  testId?: string;
}) {
  const { close } = useMenu();
  return (
    <button
      type="button"
      role="menuitem"
      tabIndex={-1}
      data-testid={testId}
      className={itemClasses}
      onClick={() => {
        close();
        onSelect();
      }}
    >
      {icon}
      {children}
    </button>
  );
}

/** A menu entry navigating to a page. */
export function MenuLink({ to, icon, children }: { to: string; icon?: ReactNode; children: ReactNode }) {
  const { close } = useMenu();
  return (
    <Link to={to} role="menuitem" tabIndex={-1} className={itemClasses} onClick={close}>
      {icon}
      {children}
    </Link>
  );
}

/** One choice among several (language, theme), checked when active. */
export function MenuRadioItem({
  checked,
  onSelect,
  icon,
  children,
}: {
  checked: boolean;
  onSelect: () => void;
  icon?: ReactNode;
  children: ReactNode;
}) {
  const { close } = useMenu();
  return (
    <button
      type="button"
      role="menuitemradio"
      aria-checked={checked}
      tabIndex={-1}
      className={itemClasses}
      onClick={() => {
        close();
        onSelect();
      }}
    >
      {icon}
      <span className="flex-1">{children}</span>
      {checked ? <CheckIcon className="text-accent!" /> : null}
    </button>
  );
}

/** A heading or separator line inside a menu. */
export function MenuLabel({ children }: { children: ReactNode }) {
  return <div className="px-2.5 pt-2 pb-1 text-xs font-medium text-fg-subtle">{children}</div>;
}

/** A thin line between groups of menu entries. */
export function MenuSeparator() {
  return <hr className="my-1 border-line" />;
}
