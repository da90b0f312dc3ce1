import { type InputHTMLAttributes, type ReactNode, useId } from "react";
import { cn } from "../../lib/cn";

export interface CheckboxProps extends Omit<InputHTMLAttributes<HTMLInputElement>, "type"> {
  label: ReactNode;
  description?: ReactNode;
}

/** Checkbox with its label (and an optional description) to the right. */
export function Checkbox({ label, description, className, id, ...props }: CheckboxProps) {
  const generated = useId();
  const inputId = id ?? generated;
  return (
    <div className={cn("flex items-start gap-3", className)}>
      <input
        id={inputId}
        type="checkbox"
        className="mt-0.5 size-4 shrink-0 rounded border-line-strong accent-accent"
        aria-describedby={description ? `${inputId}-description` : undefined}
        {...props}
      />
      <div className="flex flex-col gap-0.5">
        <label htmlFor={inputId} className="text-sm font-medium text-fg">
          {label}
        </label>
        {description ? (
          <p id={`${inputId}-description`} className="text-sm text-fg-subtle">
            {description}
          </p>
        ) : null}
      </div>
    </div>
  );
}
