import type { Ref, SelectHTMLAttributes } from "react";
import { cn } from "../../lib/cn";
import { controlClasses, useFieldControl } from "./field";
import { ChevronDownIcon } from "./icons";

export interface SelectProps extends SelectHTMLAttributes<HTMLSelectElement> {
  ref?: Ref<HTMLSelectElement>;
  wrapperClassName?: string;
}

/** Native select (keyboard and screen-reader friendly everywhere), styled like Input. */
export function Select({ className, wrapperClassName, id, children, ...props }: SelectProps) {
  const field = useFieldControl();
  return (
    <div className={cn("relative", wrapperClassName)}>
      <select
        id={id ?? field.id}
        aria-describedby={field.describedBy}
        aria-invalid={field.isInvalid || undefined}
        className={cn(controlClasses, "h-10 appearance-none pr-9", className)}
        {...props}
      >
        {children}
      </select>
      <ChevronDownIcon className="pointer-events-none absolute top-1/2 right-3 size-4 -translate-y-1/2 text-fg-subtle" />
    </div>
  );
}
