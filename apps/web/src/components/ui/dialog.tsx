import { type HTMLAttributes, type ReactNode, useEffect, useId, useLayoutEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { cn } from "../../lib/cn";
import { Alert } from "./alert";
import { Button } from "./button";
import { XIcon } from "./icons";

export interface DialogProps {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
  size?: "sm" | "md" | "lg";
  children: ReactNode;
}

/** Form controls that take the first focus when no control of the dialog asked for it (autoFocus). */
const FIRST_FIELD = "input:not([type=hidden]):not(:disabled), textarea:not(:disabled), select:not(:disabled)";

/**
 * Modal built on the native <dialog> (focus trap, Escape, top layer for free). Its content mounts
 * only while open, so forms inside start fresh each time.
 *
 * The content mounts only after showModal(): React focuses `autoFocus` controls as they mount,
 * which does nothing inside a closed dialog, and showModal() then focuses its first button (the
 * close button). Mounted into the open dialog, the autoFocus control keeps the focus; without one,
 * the first form field gets it.
 */
export function Dialog({ open, onClose, title, description, size = "md", children }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  const { t } = useTranslation();
  const [isShown, setIsShown] = useState(false);

  // Layout effect: the content mounts in the same frame the dialog opens, without a flash.
  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      if (typeof dialog.showModal === "function") dialog.showModal();
      else dialog.setAttribute("open", "");
    } else if (!open && dialog.open) {
      if (typeof dialog.close === "function") dialog.close();
      else dialog.removeAttribute("open");
    }
    setIsShown(open);
  }, [open]);

  useEffect(() => {
    if (!isShown) return;
    const dialog = ref.current;
    const focused = document.activeElement;
    if (!dialog || (focused !== dialog && dialog.contains(focused))) return;
    dialog.querySelector<HTMLElement>(FIRST_FIELD)?.focus();
  }, [isShown]);

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onClose={onClose}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onMouseDown={(event) => {
        // A press on the backdrop lands on the <dialog> itself, not on its content.
        if (event.target === event.currentTarget) onClose();
      }}
      className={cn(
        "m-auto w-[calc(100%-2rem)] rounded-xl border border-line bg-surface p-0 text-fg shadow-2xl",
        { sm: "max-w-sm", md: "max-w-lg", lg: "max-w-2xl" }[size],
      )}
    >
      {open && isShown ? (
        <div className="flex max-h-[85vh] flex-col">
          <div className="flex items-start justify-between gap-4 px-5 pt-5">
            <div>
              <h2 id={titleId} className="text-base font-semibold">
                {title}
              </h2>
              {description ? (
                <p id={descriptionId} className="mt-1 text-sm text-fg-muted">
                  {description}
                </p>
              ) : null}
            </div>
            <button
              type="button"
              onClick={onClose}
              className="-mt-1 -mr-1 rounded-md p-1.5 text-fg-subtle hover:bg-subtle hover:text-fg"
            >
              <XIcon className="size-4" />
              <span className="sr-only">{t("common.close")}</span>
            </button>
          </div>
          {children}
        </div>
      ) : null}
    </dialog>
  );
}

/** Scrollable middle part of a dialog. */
export function DialogBody({ className, ...props }: HTMLAttributes<HTMLDivElement>) {
  return <div className={cn("flex flex-col gap-4 overflow-y-auto px-5 py-5", className)} {...props} />;
}

/** Button row of a dialog. */
export function DialogFooter({ className, ...props }: HTMLAttributes<HTMLDivElement>) {
  return (
    <div
      className={cn(
        "flex flex-col-reverse gap-2 rounded-b-xl border-t border-line bg-subtle/40 px-5 py-3 sm:flex-row sm:justify-end",
        className,
      )}
      {...props}
    />
  );
}

/** Asks before a destructive action; stays open and shows the error if the action fails. */
export function ConfirmDialog({
  open,
  onClose,
  onConfirm,
  title,
  description,
  confirmLabel,
  isPending,
  error,
  confirmTestId,
}: {
  open: boolean;
  onClose: () => void;
  onConfirm: () => void;
  title: ReactNode;
  description: ReactNode;
  confirmLabel: ReactNode;
  isPending?: boolean;
  error?: string;
  confirmTestId?: string;
}) {
  const { t } = useTranslation();
  return (
    <Dialog open={open} onClose={onClose} title={title} size="sm">
      <DialogBody>
        <p className="text-sm text-fg-muted">{description}</p>
        {error ? <Alert>{error}</Alert> : null}
      </DialogBody>
      <DialogFooter>
        <Button variant="secondary" onClick={onClose} disabled={isPending}>
          {t("common.cancel")}
        </Button>
        <Button variant="danger" onClick={onConfirm} isPending={isPending} data-testid={confirmTestId}>
          {confirmLabel}
        </Button>
      </DialogFooter>
    </Dialog>
  );
}
