import type { Message } from "@atrium/contracts";
import { type ReactNode, useState } from "react";
import { useTranslation } from "react-i18next";
import { Badge } from "../../components/ui/badge";
import { Button } from "../../components/ui/button";
import {
  AlertIcon,
  CheckIcon,
  ChevronLeftIcon,
  ChevronRightIcon,
  CopyIcon,
  FlagIcon,
  RefreshIcon,
  ThumbsDownIcon,
  ThumbsUpIcon,
} from "../../components/ui/icons";
import { useToast } from "../../components/ui/toast";
import { useCopy } from "../../lib/clipboard";
import { cn } from "../../lib/cn";
import { AssistantKindIcon } from "./assistant-icon";
import { isLocalMessage } from "./chat-events";
import { MarkdownContent } from "./markdown-content";
import { MessageDetails } from "./message-details";
import type { Source } from "./source-panel";

function ActionButton({
  label,
  onClick,
  isActive,
  disabled,
  testId,
  children,
}: {
  label: string;
  onClick: () => void;
  isActive?: boolean;
  disabled?: boolean;
  testId: string;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      title={label}
      aria-label={label}
      aria-pressed={isActive}
      disabled={disabled}
      onClick={onClick}
      data-testid={testId}
      className={cn(
        "rounded-md p-1.5 transition-colors disabled:pointer-events-none disabled:opacity-40 [&_svg]:size-4",
        isActive ? "bg-accent-soft text-accent-text" : "text-fg-subtle hover:bg-subtle hover:text-fg",
      )}
    >
      {children}
    </button>
  );
}

/** A message the person wrote: a bubble on the right, kept as typed (no markdown). */
export function UserMessage({ message }: { message: Message }) {
  return (
    <div className="flex justify-end" data-testid="message-user">
      <div
        className={cn(
          "max-w-[85%] rounded-2xl rounded-br-md bg-accent-soft px-4 py-2.5 text-sm leading-relaxed whitespace-pre-wrap break-words text-fg",
          isLocalMessage(message) && "opacity-70",
        )}
      >
        {message.content}
      </div>
    </div>
  );
}

export interface AssistantMessageProps {
  message: Message;
  assistantKind: string;
  /** Streaming over this page's connection right now. */
  isLive: boolean;
  /** The chat's latest answer: the one that can be regenerated. */
  isLatest: boolean;
  /** Another answer is being written, so nothing new can start. */
  isBusy: boolean;
  onRegenerate: (message: Message) => void;
  onMark: (message: Message, value: 1 | -1 | 0) => void;
  onReview: (message: Message) => void;
  onOpenSource: (source: Source, number: number) => void;
  /** A regenerated answer: which of the answers to the same question this is. */
  versions?: { index: number; count: number; onSelect: (index: number) => void };
}

/**
 * An answer: markdown (streamed live), its state (thinking, stopped, failed with a way to retry),
 * numbered sources, and actions: copy, regenerate, thumbs up/down, review, and how it was made.
 */
export function AssistantMessage({
  message,
  assistantKind,
  isLive,
  isLatest,
  isBusy,
  onRegenerate,
  onMark,
  onReview,
  onOpenSource,
  versions,
}: AssistantMessageProps) {
  const { t } = useTranslation();
  const toast = useToast();
  const { isCopied, copy } = useCopy();
  const isStreaming = message.status === "streaming";
  const isFailed = message.status === "failed";
  const sources = message.sources ?? [];
  const errorText = t(`errors.${message.errorCode ?? "llm.failed"}`, { defaultValue: t("errors.llm.failed") });

  return (
    <article
      className="flex gap-3"
      data-testid="message-assistant"
      data-status={message.status}
      aria-busy={isStreaming || undefined}
    >
      <div className="mt-0.5 flex size-8 shrink-0 items-center justify-center rounded-full bg-subtle text-accent-text [&_svg]:size-4">
        <AssistantKindIcon kind={assistantKind} />
      </div>
      <div className="min-w-0 flex-1">
        {message.content ? (
          <MarkdownContent
            source={message.content}
            isStreaming={isStreaming && isLive}
            citationCount={sources.length}
            onCite={(number) => {
              const source = sources[number - 1];
              if (source) onOpenSource(source, number);
            }}
          />
        ) : isStreaming ? (
          <p className="flex items-center gap-2 py-1 text-sm text-fg-muted" data-testid="message-thinking">
            <span className="flex gap-1" aria-hidden="true">
              <span className="size-1.5 animate-bounce rounded-full bg-fg-subtle [animation-delay:-0.3s]" />
              <span className="size-1.5 animate-bounce rounded-full bg-fg-subtle [animation-delay:-0.15s]" />
              <span className="size-1.5 animate-bounce rounded-full bg-fg-subtle" />
            </span>
            {t("chat.message.thinking")}
          </p>
        ) : null}

        {isFailed ? (
          <div
            role="alert"
            className="mt-2 flex flex-col gap-3 rounded-lg border border-danger/30 bg-danger-soft px-4 py-3 text-sm text-danger-text sm:flex-row sm:items-center"
            data-testid="message-error"
          >
            <AlertIcon className="size-4 shrink-0" />
            <p className="flex-1">{errorText}</p>
            {isLatest ? (
              <Button
                size="sm"
                variant="secondary"
                icon={<RefreshIcon />}
                disabled={isBusy}
                onClick={() => onRegenerate(message)}
                data-testid="message-retry"
              >
                {t("chat.message.retry")}
              </Button>
            ) : null}
          </div>
        ) : null}

        {message.status === "stopped" ? (
          <div className="mt-2" data-testid="message-stopped">
            <Badge>{t("chat.message.stopped")}</Badge>
          </div>
        ) : null}

        {sources.length > 0 && !isStreaming ? (
          <SourceChips sources={sources} content={message.content} onOpenSource={onOpenSource} />
        ) : null}

        {!isStreaming ? (
          <div className="mt-1.5 -ml-1.5 flex items-center gap-0.5">
            {versions && versions.count > 1 ? <VersionSwitch {...versions} /> : null}
            <ActionButton
              label={isCopied ? t("common.copied") : t("chat.message.copy")}
              disabled={!message.content}
              onClick={async () => {
                if (!(await copy(message.content))) toast.error(t("chat.message.copyFailed"));
              }}
              testId="message-copy"
            >
              {isCopied ? <CheckIcon /> : <CopyIcon />}
            </ActionButton>
            {isLatest && !isFailed ? (
              <ActionButton
                label={t("chat.message.regenerate")}
                disabled={isBusy}
                onClick={() => onRegenerate(message)}
                testId="message-regenerate"
              >
                <RefreshIcon />
              </ActionButton>
            ) : null}
            <ActionButton
              label={t("chat.message.good")}
              isActive={message.myMark === 1}
              onClick={() => onMark(message, message.myMark === 1 ? 0 : 1)}
              testId="mark-up"
            >
              <ThumbsUpIcon />
            </ActionButton>
            <ActionButton
              label={t("chat.message.bad")}
              isActive={message.myMark === -1}
              onClick={() => onMark(message, message.myMark === -1 ? 0 : -1)}
              testId="mark-down"
            >
              <ThumbsDownIcon />
            </ActionButton>
            <ActionButton label={t("chat.message.review")} onClick={() => onReview(message)} testId="review-open">
              <FlagIcon />
            </ActionButton>
            <MessageDetails message={message} />
          </div>
        ) : null}
      </div>
    </article>
  );
}

/** The numbers an answer cites ("[2]", "[1][3]"), in the order they first appear. */
export function citedNumbers(content: string, count: number): number[] {
  const seen = new Set<number>();
  for (const match of content.matchAll(/\[(\d{1,3})\]/g)) {
    const number = Number(match[1]);
    if (number >= 1 && number <= count) seen.add(number);
  }
  return [...seen].sort((a, b) => a - b);
}

/**
 * The sources under an answer: the cited ones, by their numbers; the passages that were retrieved
 * but not cited stay one click away. An answer that cites nothing shows every passage it was given.
 */
function SourceChips({
  sources,
  content,
  onOpenSource,
}: {
  sources: Source[];
  content: string;
  onOpenSource: (source: Source, number: number) => void;
}) {
  const { t } = useTranslation();
  const [showAll, setShowAll] = useState(false);
  const cited = citedNumbers(content, sources.length);
  const numbers = showAll || cited.length === 0 ? sources.map((_, index) => index + 1) : cited;
  const hidden = sources.length - numbers.length;
  return (
    <div className="mt-3 flex flex-wrap items-center gap-1.5" data-testid="message-sources">
      <span className="mr-1 text-xs font-medium text-fg-subtle">{t("chat.sources.label")}</span>
      {numbers.map((number) => {
        const source = sources[number - 1] as Source;
        return (
          <button
            key={source.id}
            type="button"
            onClick={() => onOpenSource(source, number)}
            data-testid="message-source"
            data-cited={cited.includes(number) || undefined}
            title={source.title ?? source.ref}
            className="inline-flex max-w-56 items-center gap-1.5 rounded-full border border-line bg-surface px-2.5 py-1 text-xs text-fg-muted transition-colors hover:border-accent/50 hover:text-fg"
          >
            <span className="font-semibold text-accent-text tabular-nums">{number}</span>
            <span className="truncate">{source.title ?? source.ref ?? t("chat.sources.untitled")}</span>
            {typeof source.page === "number" ? (
              <span className="shrink-0 text-fg-subtle">{t("chat.sources.pageShort", { page: source.page })}</span>
            ) : null}
          </button>
        );
      })}
      {hidden > 0 ? (
        <button
          type="button"
          onClick={() => setShowAll(true)}
          data-testid="message-sources-more"
          className="rounded-full px-2 py-1 text-xs text-fg-subtle hover:bg-subtle hover:text-fg"
        >
          {t("chat.sources.more", { count: hidden })}
        </button>
      ) : null}
    </div>
  );
}

/** "‹ 2 / 3 ›": moves between the answers given to the same question. */
function VersionSwitch({ index, count, onSelect }: NonNullable<AssistantMessageProps["versions"]>) {
  const { t } = useTranslation();
  return (
    <div className="mr-1 flex items-center text-xs text-fg-muted tabular-nums" data-testid="message-versions">
      <ActionButton
        label={t("chat.message.previousVersion")}
        disabled={index === 0}
        onClick={() => onSelect(index - 1)}
        testId="message-version-previous"
      >
        <ChevronLeftIcon />
      </ActionButton>
      <span data-testid="message-version">{t("chat.message.version", { number: index + 1, count })}</span>
      <ActionButton
        label={t("chat.message.nextVersion")}
        disabled={index === count - 1}
        onClick={() => onSelect(index + 1)}
        testId="message-version-next"
      >
        <ChevronRightIcon />
      </ActionButton>
    </div>
  );
}
