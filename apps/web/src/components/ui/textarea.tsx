import type { Ref, TextareaHTMLAttributes } from "react";
import { cn } from "../../lib/cn";
import { controlClasses, useFieldControl } from "./field";

export interface TextareaProps extends TextareaHTMLAttributes<HTMLTextAreaElement> {
  ref?: Ref<HTMLTextAreaElement>;
}

/** Multi-line text input; inside a Field it is labelled and described automatically. */
export function Textarea({ className, id, ...props }: TextareaProps) {
  const field = useFieldControl();
  return (
    <textarea
      id={id ?? field.id}
      aria-describedby={field.describedBy}
      aria-invalid={field.isInvalid || undefined}
      className={cn(controlClasses, "min-h-24 py-2 leading-relaxed", className)}
      {...props}
    />
  );
}
