import { type ReactNode, useEffect, useLayoutEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button";
import { ChevronDownIcon } from "../../components/ui/icons";
import { Spinner } from "../../components/ui/spinner";

/** Closer than this to the bottom (px) counts as reading the latest message. */
const BOTTOM_SLACK = 80;
/** Closer than this to the top (px) loads older messages. */
const TOP_TRIGGER = 160;

function scrollToEnd(element: HTMLElement | null, behavior: ScrollBehavior = "auto") {
  element?.scrollTo({ top: element.scrollHeight, behavior });
}

/**
 * The scrolling column of a chat. It follows new text while the reader is at the bottom (and stops
 * following when they scroll up to read), loads older messages when they scroll near the top
 * while keeping what they were reading in place, and offers a jump back to the latest message.
 */
export function MessageList({
  firstMessageId,
  hasOlder,
  isLoadingOlder,
  onLoadOlder,
  children,
}: {
  /** Changes when older messages are put in front. */
  firstMessageId: string | undefined;
  hasOlder: boolean;
  isLoadingOlder: boolean;
  onLoadOlder: () => void;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const scrollRef = useRef<HTMLDivElement>(null);
  const contentRef = useRef<HTMLDivElement>(null);
  const isAtBottom = useRef(true);
  const anchor = useRef<{ height: number; top: number } | null>(null);
  const [isAwayFromBottom, setIsAwayFromBottom] = useState(false);

  const loadOlder = () => {
    const element = scrollRef.current;
    if (!element || !hasOlder || isLoadingOlder) return;
    anchor.current = { height: element.scrollHeight, top: element.scrollTop };
    onLoadOlder();
  };

  // Older messages went in front: keep the message the reader was looking at where it was.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the first message changes
  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (!element || !anchor.current) return;
    element.scrollTop = element.scrollHeight - anchor.current.height + anchor.current.top;
    anchor.current = null;
  }, [firstMessageId]);

  // Anything that makes the content taller (a new message, streamed text, a rendered code block)
  // keeps the latest text in view, unless the reader scrolled up.
  useEffect(() => {
    const content = contentRef.current;
    if (!content || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(() => {
      if (isAtBottom.current) scrollToEnd(scrollRef.current);
    });
    observer.observe(content);
    scrollToEnd(scrollRef.current);
    return () => observer.disconnect();
  }, []);

  // A short chat doesn't scroll, so scrolling can't ask for older messages: ask right away.
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-checked whenever the list changes
  useEffect(() => {
    const element = scrollRef.current;
    if (element && hasOlder && !isLoadingOlder && element.scrollHeight <= element.clientHeight) loadOlder();
  }, [hasOlder, isLoadingOlder, firstMessageId]);

  const onScroll = () => {
    const element = scrollRef.current;
    if (!element) return;
    isAtBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < BOTTOM_SLACK;
    setIsAwayFromBottom(!isAtBottom.current);
    if (element.scrollTop < TOP_TRIGGER) loadOlder();
  };

  return (
    <div className="relative min-h-0 flex-1">
      <div ref={scrollRef} onScroll={onScroll} className="h-full overflow-y-auto" data-testid="message-list">
        <div ref={contentRef} className="mx-auto flex w-full max-w-3xl flex-col gap-6 px-4 py-6 sm:px-6">
          {hasOlder ? (
            <div className="flex justify-center">
              <Button variant="ghost" size="sm" onClick={loadOlder} isPending={isLoadingOlder}>
                {isLoadingOlder ? t("chat.message.loadingOlder") : t("chat.message.loadOlder")}
              </Button>
            </div>
          ) : null}
          {isLoadingOlder && !hasOlder ? <Spinner className="self-center text-fg-subtle" /> : null}
          {children}
        </div>
      </div>
      {isAwayFromBottom ? (
        <button
          type="button"
          onClick={() => {
            isAtBottom.current = true;
            scrollToEnd(scrollRef.current, "smooth");
          }}
          className="absolute bottom-3 left-1/2 flex size-9 -translate-x-1/2 items-center justify-center rounded-full border border-line bg-surface text-fg-muted shadow-md hover:text-fg [&_svg]:size-4"
        >
          <ChevronDownIcon />
          <span className="sr-only">{t("chat.message.jumpToLatest")}</span>
        </button>
      ) : null}
    </div>
  );
}
