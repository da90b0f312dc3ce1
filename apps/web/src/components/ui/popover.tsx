import { type ReactNode, useEffect, useId, useRef, useState } from "react";
import { cn } from "../../lib/cn";

/**
 * A small panel of information (help, details) that opens under its trigger and closes on Escape,
 * an outside click or a second press of the trigger.
 */
export function Popover({
  label,
  trigger,
  triggerClassName,
  triggerTestId,
  align = "end",
  side = "bottom",
  className,
  children,
}: {
  /** Accessible name of the trigger. */
  label: string;
  trigger: ReactNode;
  triggerClassName?: string;
  triggerTestId?: string;
  align?: "start" | "end";
  side?: "top" | "bottom";
  className?: string;
  children: ReactNode;
}) {
  const [isOpen, setIsOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const triggerRef = useRef<HTMLButtonElement>(null);
  const panelId = useId();

  useEffect(() => {
    if (!isOpen) return;
    const onPointerDown = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setIsOpen(false);
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      // Escape here closes the panel only, not whatever else listens for it (e.g. stopping an answer).
      event.stopPropagation();
      setIsOpen(false);
      triggerRef.current?.focus();
    };
    document.addEventListener("pointerdown", onPointerDown);
    document.addEventListener("keydown", onKeyDown, true);
    return () => {
      document.removeEventListener("pointerdown", onPointerDown);
      document.removeEventListener("keydown", onKeyDown, true);
    };
  }, [isOpen]);

  return (
    <div ref={rootRef} className="relative">
      <button
        ref={triggerRef}
        type="button"
        aria-expanded={isOpen}
        aria-controls={isOpen ? panelId : undefined}
        aria-label={label}
        title={label}
        data-testid={triggerTestId}
        onClick={() => setIsOpen((open) => !open)}
        className={cn(
          "inline-flex items-center justify-center rounded-lg text-fg-muted transition-colors hover:bg-subtle hover:text-fg",
          triggerClassName,
        )}
      >
        {trigger}
      </button>
      {isOpen ? (
        <div
          id={panelId}
          role="dialog"
          aria-label={label}
          className={cn(
            "absolute z-40 w-72 rounded-lg border border-line bg-surface p-4 text-sm shadow-lg",
            side === "bottom" ? "top-full mt-2" : "bottom-full mb-2",
            align === "end" ? "right-0" : "left-0",
            className,
          )}
        >
          {children}
        </div>
      ) : null}
    </div>
  );
}
