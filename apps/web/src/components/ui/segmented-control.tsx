import type { ReactNode } from "react";
import { cn } from "../../lib/cn";

/** A choice among a few views (stages, scopes, diff layouts), shown as joined buttons. */
export function SegmentedControl<T extends string>({
  label,
  value,
  options,
  onChange,
  className,
  testIdPrefix,
}: {
  label: string;
  value: T;
  options: ReadonlyArray<{ value: T; label: ReactNode }>;
  onChange: (value: T) => void;
  className?: string;
  testIdPrefix?: string;
}) {
  return (
    <div
      role="radiogroup"
      aria-label={label}
      className={cn("inline-flex max-w-full overflow-x-auto rounded-lg border border-line bg-subtle p-0.5", className)}
    >
      {options.map((option) => {
        const isActive = option.value === value;
        return (
          // biome-ignore lint/a11y/useSemanticElements: a styled radio group; native radios can't look like this
          <button
            key={option.value}
            type="button"
            role="radio"
            aria-checked={isActive}
            data-testid={testIdPrefix ? `${testIdPrefix}-${option.value}` : undefined}
            onClick={() => onChange(option.value)}
            className={cn(
              "rounded-md px-3 py-1.5 text-sm font-medium whitespace-nowrap transition-colors",
              isActive ? "bg-surface text-fg shadow-xs" : "text-fg-muted hover:text-fg",
            )}
          >
            {option.label}
          </button>
        );
      })}
    </div>
  );
}
