import { MAX_MESSAGE_CHARS } from "@atrium/contracts";
import { type FormEvent, type KeyboardEvent, type Ref, useLayoutEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { SendIcon, StopIcon } from "../../components/ui/icons";
import { cn } from "../../lib/cn";
import { formatNumber } from "../../lib/format";

/** Tallest the input grows before it scrolls, in pixels. */
const MAX_HEIGHT = 240;

/**
 * Where the person writes: Enter sends, Shift+Enter starts a new line. While an answer is being
 * written the input waits and Stop replaces Send. A message the server refused comes back into the
 * input (the caller rejects `onSend`), so nothing typed is lost.
 */
export function ChatComposer({
  assistantName,
  isAnswering,
  notice,
  onSend,
  onStop,
  inputRef,
}: {
  assistantName: string;
  isAnswering: boolean;
  /** Said under the input instead of the usual hint (e.g. "Reconnecting…"). */
  notice?: string;
  onSend: (content: string) => Promise<unknown>;
  onStop: () => void;
  inputRef?: Ref<HTMLTextAreaElement>;
}) {
  const { t, i18n } = useTranslation();
  const [text, setText] = useState("");
  const [isSending, setIsSending] = useState(false);
  const ownRef = useRef<HTMLTextAreaElement | null>(null);
  const content = text.trim();
  const isTooLong = content.length > MAX_MESSAGE_CHARS;
  const canSend = content.length > 0 && !isTooLong && !isAnswering && !isSending;

  // Grow with the text, up to MAX_HEIGHT.
  // biome-ignore lint/correctness/useExhaustiveDependencies: measures after each change of the text
  useLayoutEffect(() => {
    const input = ownRef.current;
    if (!input) return;
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight, MAX_HEIGHT)}px`;
  }, [text]);

  // Back to typing as soon as the answer is finished.
  const wasBusy = useRef(false);
  useLayoutEffect(() => {
    const isBusy = isAnswering || isSending;
    if (wasBusy.current && !isBusy) ownRef.current?.focus();
    wasBusy.current = isBusy;
  }, [isAnswering, isSending]);

  const send = async () => {
    if (!canSend) return;
    setIsSending(true);
    setText("");
    try {
      await onSend(content);
    } catch {
      setText((current) => current || content);
    } finally {
      setIsSending(false);
    }
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void send();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // isComposing: Enter confirms a word in IME input (Japanese, Chinese…) and must not send.
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    }
  };

  return (
    <form onSubmit={onSubmit} className="mx-auto w-full max-w-3xl px-4 pb-4 sm:px-6">
      <div
        className={cn(
          "flex items-end gap-2 rounded-2xl border border-line-strong bg-surface p-2 shadow-sm transition-[border-color,box-shadow]",
          "focus-within:border-accent focus-within:ring-3 focus-within:ring-accent/20",
          isTooLong && "border-danger focus-within:border-danger focus-within:ring-danger/20",
        )}
      >
        <label htmlFor="chat-input" className="sr-only">
          {t("chat.composer.label")}
        </label>
        <textarea
          id="chat-input"
          ref={(node) => {
            ownRef.current = node;
            if (typeof inputRef === "function") inputRef(node);
            else if (inputRef) inputRef.current = node;
          }}
          rows={1}
          value={text}
          disabled={isAnswering || isSending}
          placeholder={
            isAnswering ? t("chat.composer.waiting") : t("chat.composer.placeholder", { assistant: assistantName })
          }
          onChange={(event) => setText(event.target.value)}
          onKeyDown={onKeyDown}
          aria-describedby="chat-input-hint"
          data-testid="chat-input"
          className="max-h-60 min-h-10 flex-1 resize-none bg-transparent px-2 py-2 text-sm leading-relaxed text-fg placeholder:text-fg-subtle focus:outline-hidden disabled:cursor-not-allowed"
        />
        {isAnswering ? (
          <button
            type="button"
            onClick={onStop}
            title={t("chat.composer.stop")}
            data-testid="chat-stop"
            className="flex size-10 shrink-0 items-center justify-center rounded-xl bg-fg text-canvas transition-opacity hover:opacity-85 [&_svg]:size-4"
          >
            <StopIcon />
            <span className="sr-only">{t("chat.composer.stop")}</span>
          </button>
        ) : (
          <button
            type="submit"
            disabled={!canSend}
            title={t("chat.composer.send")}
            data-testid="chat-send"
            className="flex size-10 shrink-0 items-center justify-center rounded-xl bg-accent text-accent-fg transition-colors hover:bg-accent-hover disabled:opacity-40 [&_svg]:size-5"
          >
            <SendIcon />
            <span className="sr-only">{t("chat.composer.send")}</span>
          </button>
        )}
      </div>
      <p id="chat-input-hint" className="mt-1.5 px-2 text-center text-xs text-fg-subtle">
        {isTooLong
          ? t("chat.composer.tooLong", { max: formatNumber(MAX_MESSAGE_CHARS, i18n.language) })
          : (notice ?? t("chat.composer.hint"))}
      </p>
    </form>
  );
}
