import { cn } from "../../lib/cn";

/** Atrium's mark and name. */
export function Logo({ className, isNameHidden }: { className?: string; isNameHidden?: boolean }) {
  return (
    <span className={cn("inline-flex items-center gap-2.5 font-semibold tracking-tight text-fg", className)}>
      <svg viewBox="0 0 32 32" className="size-7 shrink-0" aria-hidden="true">
        <rect width="32" height="32" rx="8" className="fill-accent" />
        <path
          d="M9 23 16 8l7 15M11.8 17.5h8.4"
          fill="none"
          stroke="white"
          strokeWidth="2.6"
          strokeLinecap="round"
          strokeLinejoin="round"
        />
      </svg>
      <span className={cn(isNameHidden && "sr-only")}>Atrium</span>
    </span>
  );
}
