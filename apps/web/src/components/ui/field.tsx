import { createContext, type ReactNode, useContext, useId } from "react";
import { cn } from "../../lib/cn";
import { AlertIcon } from "./icons";

interface FieldContextValue {
  id: string;
  describedBy: string | undefined;
  isInvalid: boolean;
}

const FieldContext = createContext<FieldContextValue | null>(null);

/** Wiring for the control inside a Field: id, aria-describedby, aria-invalid. */
export function useFieldControl(): Partial<FieldContextValue> {
  return useContext(FieldContext) ?? {};
}

export interface FieldProps {
  label: ReactNode;
  /** Message shown under the control when its value was rejected. */
  error?: string;
  hint?: ReactNode;
  /** Hides the label visually, keeping it for screen readers. */
  isLabelHidden?: boolean;
  className?: string;
  children: ReactNode;
}

/**
 * A labelled form control with its hint and error text. The control inside (Input, Select)
 * picks up the id and aria attributes from context, so every input has a real <label>.
 */
export function Field({ label, error, hint, isLabelHidden, className, children }: FieldProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(" ") || undefined;
  return (
    <FieldContext.Provider value={{ id, describedBy, isInvalid: Boolean(error) }}>
      <div className={cn("flex flex-col gap-1.5", className)}>
        <label htmlFor={id} className={cn("text-sm font-medium text-fg", isLabelHidden && "sr-only")}>
          {label}
        </label>
        {children}
        {error ? (
          <p id={errorId} className="flex items-start gap-1.5 text-sm text-danger-text">
            <AlertIcon className="mt-0.5 size-4 shrink-0" />
            <span>{error}</span>
          </p>
        ) : null}
        {hint ? (
          <p id={hintId} className="text-sm text-fg-subtle">
            {hint}
          </p>
        ) : null}
      </div>
    </FieldContext.Provider>
  );
}

/** Shared look of text inputs and selects. */
export const controlClasses =
  "block w-full rounded-lg border border-line-strong bg-surface px-3 text-sm text-fg shadow-xs " +
  "placeholder:text-fg-subtle transition-[color,border-color,box-shadow] focus:border-accent focus:outline-hidden focus:ring-3 focus:ring-accent/20 " +
  "disabled:cursor-not-allowed disabled:bg-subtle disabled:text-fg-muted " +
  "aria-invalid:border-danger aria-invalid:focus:ring-danger/20";
