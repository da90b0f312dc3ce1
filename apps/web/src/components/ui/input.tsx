import type { InputHTMLAttributes, Ref } from "react";
import { cn } from "../../lib/cn";
import { controlClasses, useFieldControl } from "./field";

export interface InputProps extends InputHTMLAttributes<HTMLInputElement> {
  ref?: Ref<HTMLInputElement>;
}

/** Text input; inside a Field it is labelled and described automatically. */
export function Input({ className, id, ...props }: InputProps) {
  const field = useFieldControl();
  return (
    <input
      id={id ?? field.id}
      aria-describedby={field.describedBy}
      aria-invalid={field.isInvalid || undefined}
      className={cn(controlClasses, "h-10", className)}
      {...props}
    />
  );
}
