import type { Message } from "@atrium/contracts";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ToastProvider } from "../../components/ui/toast";
import { i18n } from "../../i18n";
import { AssistantMessage, type AssistantMessageProps, citedNumbers } from "./message-item";

function answer(overrides: Partial<Message> = {}): Message {
  return {
    id: "00000000-0000-4000-8000-0000000000a1",
    chatId: "00000000-0000-4000-8000-00000000000c",
    role: "assistant",
    content: "Use `sum()`.",
    status: "done",
    model: "gpt-4o-mini",
    providerKind: "openai",
    promptVersions: { system: 2, answer: 1 },
    usage: { inputTokens: 1200, outputTokens: 80, costUsd: 0.0004, costKnown: true },
    latencyMs: 2400,
    firstTokenMs: 350,
    errorCode: null,
    sources: null,
    myMark: null,
    createdAt: "2025-01-01T10:00:00.000Z",
    ...overrides,
  };
}

function renderAnswer(message: Message, props: Partial<AssistantMessageProps> = {}) {
  const handlers = { onRegenerate: vi.fn(), onMark: vi.fn(), onReview: vi.fn(), onOpenSource: vi.fn() };
  render(
    <ToastProvider>
      <AssistantMessage
        message={message}
        assistantKind="general"
        isLive={false}
        isLatest
        isBusy={false}
        {...handlers}
        {...props}
      />
    </ToastProvider>,
  );
  return handlers;
}

describe("AssistantMessage", () => {
  beforeEach(async () => {
    await i18n.changeLanguage("en");
  });
  afterEach(cleanup);

  it("toggles thumbs: a second press on the same thumb clears the mark", () => {
    const first = renderAnswer(answer());
    fireEvent.click(screen.getByTestId("mark-up"));
    expect(first.onMark).toHaveBeenCalledWith(expect.objectContaining({ id: answer().id }), 1);
    cleanup();

    const second = renderAnswer(answer({ myMark: 1 }));
    expect(screen.getByTestId("mark-up").getAttribute("aria-pressed")).toBe("true");
    fireEvent.click(screen.getByTestId("mark-up"));
    fireEvent.click(screen.getByTestId("mark-down"));
    expect(second.onMark.mock.calls.map((call) => call[1])).toEqual([0, -1]);
  });

  it("offers regenerate on the latest answer only, and not while another answer is written", () => {
    renderAnswer(answer(), { isLatest: false });
    expect(screen.queryByTestId("message-regenerate")).toBeNull();
    cleanup();
    renderAnswer(answer(), { isBusy: true });
    expect((screen.getByTestId("message-regenerate") as HTMLButtonElement).disabled).toBe(true);
  });

  it("shows how the answer was made: model, provider, prompt versions, tokens and timings", () => {
    renderAnswer(answer());
    const details = screen.getByTestId("message-details-panel").textContent ?? "";
    for (const part of ["gpt-4o-mini", "openai", "system v2 · answer v1", "1,200 in · 80 out", "350 ms", "2.4 s"]) {
      expect(details).toContain(part);
    }
  });

  it("explains a failed answer in the interface language and offers to try again", async () => {
    await i18n.changeLanguage("ru");
    const handlers = renderAnswer(answer({ status: "failed", content: "", errorCode: "llm.timeout" }));
    expect(screen.getByTestId("message-error").textContent).toContain("Модель слишком долго не отвечала");
    fireEvent.click(screen.getByTestId("message-retry"));
    expect(handlers.onRegenerate).toHaveBeenCalledTimes(1);
  });

  it("labels a stopped answer and hides actions while one streams", () => {
    renderAnswer(answer({ status: "stopped" }));
    expect(screen.getByTestId("message-stopped").textContent).toBe("Stopped");
    cleanup();
    renderAnswer(answer({ status: "streaming", content: "" }), { isLive: true });
    expect(screen.getByTestId("message-thinking")).toBeTruthy();
    expect(screen.queryByTestId("message-copy")).toBeNull();
  });

  it("numbers the sources and opens the one clicked", () => {
    const sources = [
      { id: "s1", title: "Travel policy.pdf", ref: "travel.pdf#p3", text: "Economy class only." },
      { id: "s2", title: "Expenses.docx", text: "Receipts within 30 days." },
    ];
    const handlers = renderAnswer(answer({ sources }));
    const chips = screen.getAllByTestId("message-source");
    expect(chips.map((chip) => chip.textContent)).toEqual(["1Travel policy.pdf", "2Expenses.docx"]);
    fireEvent.click(chips[1] as HTMLElement);
    expect(handlers.onOpenSource).toHaveBeenCalledWith(sources[1], 2);
  });

  it("shows the cited sources by their numbers and keeps the others one click away", () => {
    const sources = [
      { id: "s1", title: "Travel policy.pdf", text: "Economy class only." },
      { id: "s2", title: "Expenses.docx", text: "Receipts within 30 days." },
      { id: "s3", title: "Handbook.md", text: "Badges at the front desk." },
    ];
    const handlers = renderAnswer(answer({ content: "Fly economy [3], keep receipts [3][9].", sources }));
    const chips = () => screen.getAllByTestId("message-source").map((chip) => chip.textContent);
    expect(chips()).toEqual(["3Handbook.md"]);
    fireEvent.click(screen.getAllByTestId("message-source")[0] as HTMLElement);
    expect(handlers.onOpenSource).toHaveBeenCalledWith(sources[2], 3);
    expect(screen.getByTestId("message-sources-more").textContent).toBe("2 more");
    fireEvent.click(screen.getByTestId("message-sources-more"));
    expect(chips()).toEqual(["1Travel policy.pdf", "2Expenses.docx", "3Handbook.md"]);
    expect(screen.queryByTestId("message-sources-more")).toBeNull();
  });

  it("finds the cited numbers in an answer, ignoring numbers no source has", () => {
    expect(citedNumbers("A [2], B [1][2] and [7].", 3)).toEqual([1, 2]);
    expect(citedNumbers("no citations", 3)).toEqual([]);
  });

  it("moves between regenerated answers", () => {
    const onSelect = vi.fn();
    renderAnswer(answer(), { versions: { index: 1, count: 3, onSelect } });
    expect(screen.getByTestId("message-version").textContent).toBe("2 / 3");
    fireEvent.click(screen.getByTestId("message-version-previous"));
    fireEvent.click(screen.getByTestId("message-version-next"));
    expect(onSelect.mock.calls).toEqual([[0], [2]]);
    cleanup();
    renderAnswer(answer(), { versions: { index: 0, count: 1, onSelect } });
    expect(screen.queryByTestId("message-versions")).toBeNull();
  });
});
