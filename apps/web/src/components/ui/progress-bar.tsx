import { cn } from "../../lib/cn";

/**
 * How far a long operation has come (an upload, a document being processed). Without a value it
 * shows that work has started but can't say how far it is.
 */
export function ProgressBar({
  value,
  label,
  tone = "accent",
  className,
  ...props
}: {
  /** 0..100, or undefined while unknown. */
  value?: number;
  /** Accessible name: what is progressing. */
  label: string;
  tone?: "accent" | "danger";
  className?: string;
  "data-testid"?: string;
}) {
  const percent = value === undefined ? undefined : Math.max(0, Math.min(100, Math.round(value)));
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      data-value={percent}
      className={cn("h-1.5 w-full overflow-hidden rounded-full bg-subtle", className)}
      {...props}
    >
      <div
        className={cn(
          "h-full rounded-full transition-[width] duration-300",
          tone === "danger" ? "bg-danger" : "bg-accent",
          percent === undefined && "w-full animate-pulse opacity-30",
        )}
        style={percent === undefined ? undefined : { width: `${percent}%` }}
      />
    </div>
  );
}
