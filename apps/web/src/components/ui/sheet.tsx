import { type ReactNode, useEffect, useId, useRef } from "react";
import { useTranslation } from "react-i18next";
import { cn } from "../../lib/cn";
import { XIcon } from "./icons";

/**
 * A panel sliding in from a side of the screen (a drawer on phones, a detail panel beside content),
 * built on the native <dialog> like Dialog: focus trap, Escape and backdrop click close it.
 */
export function Sheet({
  open,
  onClose,
  title,
  id,
  side = "right",
  isTitleHidden,
  className,
  children,
}: {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  id?: string;
  side?: "left" | "right";
  /** Keeps the title for screen readers only (the content has its own heading). */
  isTitleHidden?: boolean;
  className?: string;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const { t } = useTranslation();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      if (typeof dialog.showModal === "function") dialog.showModal();
      else dialog.setAttribute("open", "");
    } else if (!open && dialog.open) {
      if (typeof dialog.close === "function") dialog.close();
      else dialog.removeAttribute("open");
    }
  }, [open]);

  return (
    <dialog
      ref={ref}
      id={id}
      aria-labelledby={titleId}
      onClose={onClose}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onMouseDown={(event) => {
        if (event.target === event.currentTarget) onClose();
      }}
      className={cn(
        "fixed inset-y-0 m-0 h-dvh max-h-none w-[24rem] max-w-[88vw] border-line bg-surface p-0 text-fg shadow-2xl",
        side === "left" ? "right-auto left-0 border-r" : "right-0 left-auto border-l",
        className,
      )}
    >
      {open ? (
        <div className="flex h-full flex-col">
          <div className={cn("flex items-center gap-3 px-5 pt-4", isTitleHidden ? "justify-end" : "justify-between")}>
            <h2 id={titleId} className={cn("text-base font-semibold", isTitleHidden && "sr-only")}>
              {title}
            </h2>
            <button
              type="button"
              onClick={onClose}
              className="rounded-md p-1.5 text-fg-subtle hover:bg-subtle hover:text-fg"
            >
              <XIcon className="size-4" />
              <span className="sr-only">{t("common.close")}</span>
            </button>
          </div>
          <div className="min-h-0 flex-1">{children}</div>
        </div>
      ) : null}
    </dialog>
  );
}
