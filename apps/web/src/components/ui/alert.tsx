import type { ReactNode } from "react";
import { cn } from "../../lib/cn";
import { AlertIcon } from "./icons";

/** A message about the whole form or view, e.g. an error the server answered with. */
export function Alert({
  tone = "danger",
  title,
  children,
  action,
  className,
}: {
  tone?: "danger" | "info" | "warning";
  title?: ReactNode;
  children?: ReactNode;
  action?: ReactNode;
  className?: string;
}) {
  const toneClasses = {
    danger: "border-danger/30 bg-danger-soft text-danger-text",
    info: "border-accent/30 bg-accent-soft text-accent-text",
    warning: "border-warning-text/30 bg-warning-soft text-warning-text",
  }[tone];
  return (
    <div
      role={tone === "danger" ? "alert" : "status"}
      className={cn("flex items-start gap-3 rounded-lg border px-4 py-3 text-sm", toneClasses, className)}
    >
      <AlertIcon className="mt-0.5 size-4 shrink-0" />
      <div className="min-w-0 flex-1">
        {title ? <p className="font-medium">{title}</p> : null}
        {children ? <div className={title ? "mt-0.5" : undefined}>{children}</div> : null}
      </div>
      {action ? <div className="shrink-0">{action}</div> : null}
    </div>
  );
}
