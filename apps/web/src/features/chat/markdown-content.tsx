import { type MouseEvent, useDeferredValue, useMemo } from "react";
import { useTranslation } from "react-i18next";
import { copyText } from "../../lib/clipboard";
import { cn } from "../../lib/cn";
import { COPY_CODE_ATTRIBUTE, renderMarkdown } from "../../lib/markdown";

/**
 * An answer rendered as sanitized markdown. While it streams, rendering follows the text at the
 * pace the browser can paint (useDeferredValue) and a caret marks where it is being written. Code
 * blocks' copy buttons are handled here by delegation, since they live in generated HTML.
 */
export function MarkdownContent({ source, isStreaming }: { source: string; isStreaming?: boolean }) {
  const { t } = useTranslation();
  const deferred = useDeferredValue(source);
  const copyLabel = t("chat.message.copyCode");
  const html = useMemo(() => renderMarkdown(deferred, { copyLabel }), [deferred, copyLabel]);

  const onClick = async (event: MouseEvent<HTMLDivElement>) => {
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
    // biome-ignore lint/a11y/useKeyWithClickEvents lint/a11y/noStaticElementInteractions: only the code blocks' real buttons react, and they have keyboard support
    <div
      className={cn("markdown", isStreaming && "markdown-streaming")}
      onClick={(event) => void onClick(event)}
      // biome-ignore lint/security/noDangerouslySetInnerHtml: sanitized by DOMPurify in renderMarkdown
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}
