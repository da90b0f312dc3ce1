import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { SegmentedControl } from "../../components/ui/segmented-control";
import { cn } from "../../lib/cn";
import { type DiffLine, diffLines, diffStats, toSplitRows } from "../../lib/diff";

type Layout = "unified" | "split";

const lineClasses: Record<DiffLine["kind"], string> = {
  same: "text-fg-muted",
  added: "bg-success-soft text-success-text",
  removed: "bg-danger-soft text-danger-text",
};
const marks: Record<DiffLine["kind"], string> = { same: " ", added: "+", removed: "−" };

function LineNumber({ value }: { value: number | undefined }) {
  return (
    <td className="w-10 border-r border-line px-2 text-right align-top text-fg-subtle select-none">{value ?? ""}</td>
  );
}

function Code({ line }: { line: DiffLine | undefined }) {
  if (!line) return <td className="bg-subtle/50" colSpan={2} />;
  return (
    <>
      <td className={cn("w-5 pl-2 align-top select-none", lineClasses[line.kind])}>{marks[line.kind]}</td>
      <td className={cn("pr-3 align-top whitespace-pre-wrap wrap-anywhere", lineClasses[line.kind])}>
        {line.text || "\u00a0"}
      </td>
    </>
  );
}

/** A line diff between two prompt texts, unified or side by side, with the count of changed lines. */
export function PromptDiff({ before, after }: { before: string; after: string }) {
  const { t } = useTranslation();
  const [layout, setLayout] = useState<Layout>("unified");
  const lines = useMemo(() => diffLines(before, after), [before, after]);
  const stats = diffStats(lines);
  const isSame = stats.added === 0 && stats.removed === 0;

  return (
    <div className="flex flex-col gap-3" data-testid="prompt-diff">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="text-sm text-fg-muted" data-testid="prompt-diff-stats">
          {isSame ? (
            t("prompts.diff.noChanges")
          ) : (
            <>
              <span className="font-medium text-success-text">+{stats.added}</span>{" "}
              <span className="font-medium text-danger-text">−{stats.removed}</span> {t("prompts.diff.lines")}
            </>
          )}
        </p>
        <SegmentedControl<Layout>
          label={t("prompts.diff.layout")}
          value={layout}
          onChange={setLayout}
          testIdPrefix="prompt-diff-layout"
          options={[
            { value: "unified", label: t("prompts.diff.unified") },
            { value: "split", label: t("prompts.diff.split") },
          ]}
        />
      </div>
      {isSame ? null : (
        <div className="max-h-[32rem] overflow-auto rounded-lg border border-line font-mono text-xs leading-5">
          <table className="w-full border-collapse">
            <tbody>
              {layout === "unified"
                ? lines.map((line, index) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: lines have no identity besides their position
                    <tr key={index}>
                      <LineNumber value={line.oldNumber} />
                      <LineNumber value={line.newNumber} />
                      <Code line={line} />
                    </tr>
                  ))
                : toSplitRows(lines).map((row, index) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity besides their position
                    <tr key={index}>
                      <LineNumber value={row.left?.oldNumber} />
                      <Code line={row.left} />
                      <LineNumber value={row.right?.newNumber} />
                      <Code line={row.right} />
                    </tr>
                  ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
