import { type MouseEvent, useDeferredValue, useMemo } from "react";
import { useTranslation } from "react-i18next";
import { copyText } from "../../lib/clipboard";
import { cn } from "../../lib/cn";
import { CITE_ATTRIBUTE, COPY_CODE_ATTRIBUTE, renderMarkdown } from "../../lib/markdown";

/**
 * An answer rendered as sanitized markdown. While it streams, rendering follows the text at the
 * pace the browser can paint (useDeferredValue) and a caret marks where it is being written. Code
 * blocks' copy buttons and inline citations ("[2]", when the answer has that many sources) are
 * handled here by delegation, since they live in generated HTML.
 */
export function MarkdownContent({
  source,
  isStreaming,
  citationCount = 0,
  onCite,
}: {
  source: string;
  isStreaming?: boolean;
  /** How many sources the answer has: "[n]" up to this number opens source n. */
  citationCount?: number;
  onCite?: (number: number) => void;
}) {
  const { t } = useTranslation();
  const deferred = useDeferredValue(source);
  const copyLabel = t("chat.message.copyCode");
  const canCite = Boolean(onCite) && citationCount > 0;
  const html = useMemo(
    () =>
      renderMarkdown(deferred, {
        copyLabel,
        citations: canCite
          ? { count: citationCount, label: (number) => t("chat.sources.title", { number }) }
          : undefined,
      }),
    [deferred, copyLabel, canCite, citationCount, t],
  );

  const onClick = async (event: MouseEvent<HTMLDivElement>) => {
    const cite = (event.target as HTMLElement).closest<HTMLButtonElement>(`[${CITE_ATTRIBUTE}]`);
    if (cite) {
      onCite?.(Number(cite.getAttribute(CITE_ATTRIBUTE)));
      return;
    }
    const button = (event.target as HTMLElement).closest<HTMLButtonElement>(`[${COPY_CODE_ATTRIBUTE}]`);
    if (!button) return;
    const code = button.closest(".code-block")?.querySelector("code")?.textContent ?? "";
    if (!(await copyText(code))) return;
    button.textContent = t("common.copied");
    window.setTimeout(() => {
      button.textContent = copyLabel;
    }, 2000);
  };

  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents lint/a11y/noStaticElementInteractions: only the real buttons inside (code copy, citations) react, and they have keyboard support
    <div
      className={cn("markdown", isStreaming && "markdown-streaming")}
      onClick={(event) => void onClick(event)}
      // biome-ignore lint/security/noDangerouslySetInnerHtml: sanitized by DOMPurify in renderMarkdown
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}
