import { describe, expect, it } from "vitest";
import { buildExtractiveAnswer, createExtractiveProvider, EXTRACTIVE_TEXTS } from "./extractive.provider";
import type { ContextPassage, GenerateRequest, LlmEvent } from "./llm.types";

const passages: ContextPassage[] = [
  {
    id: "vacation",
    title: "Vacation policy",
    text:
      "Employees receive 28 calendar days of paid vacation per year. Vacation requests must be submitted " +
      "through the HR portal at least two weeks in advance.\nUnused days carry over to the next year.",
  },
  {
    id: "expenses",
    title: "Expense reports",
    text: "Expense reports are due by the fifth business day of each month. Receipts over 50 EUR must be attached.",
  },
  {
    id: "office",
    title: "Office",
    text: "The office is open from 8:00 to 20:00 on weekdays. Visitors must register at the reception desk.",
  },
];

const passagesRu: ContextPassage[] = [
  { id: "p1", text: "Офис открыт с 9 до 18 часов. Парковка для гостей находится во дворе." },
  {
    id: "p2",
    text: "Сотрудникам предоставляется 28 календарных дней оплачиваемого отпуска в год. Заявление на отпуск подаётся через портал HR.",
  },
];

/** Every quoted line must be verbatim text of the passage it cites. */
function expectVerbatimQuotes(answer: string, source: ContextPassage[]) {
  const quoteLines = answer.split("\n").filter((l) => l.startsWith("> ") && l.length > 2);
  expect(quoteLines.length).toBeGreaterThan(0);
  for (const line of quoteLines) {
    const match = /^> (.*) \[(\d+)\]$/.exec(line);
    expect(match, line).not.toBeNull();
    const [, quote, n] = match as RegExpExecArray;
    const passage = source[Number(n) - 1];
    expect(passage).toBeDefined();
    expect(passage?.text.replace(/\s+/g, " ")).toContain(quote);
  }
}

async function collect(events: AsyncIterable<LlmEvent>) {
  const tokens: string[] = [];
  let done: Extract<LlmEvent, { type: "done" }> | undefined;
  for await (const e of events) {
    if (e.type === "token") tokens.push(e.text);
    else done = e;
  }
  return { tokens, text: tokens.join(""), done };
}

describe("buildExtractiveAnswer", () => {
  it("quotes the matching sentence and cites its passage", () => {
    const answer = buildExtractiveAnswer("How many days of paid vacation do employees get?", passages);
    expect(answer.citations).toEqual([1]);
    expect(answer.text.startsWith("From your documents:")).toBe(true);
    expect(answer.text).toContain("Employees receive 28 calendar days of paid vacation per year. [1]");
    expect(answer.text).not.toContain("[2]");
    expect(answer.text).not.toContain("[3]");
    expectVerbatimQuotes(answer.text, passages);
  });

  it("cites the passage by its position in the context", () => {
    const answer = buildExtractiveAnswer("When are expense reports due?", passages);
    expect(answer.citations).toEqual([2]);
    expect(answer.text).toContain("Expense reports are due by the fifth business day of each month. [2]");
    expectVerbatimQuotes(answer.text, passages);
  });

  it("quotes from several passages in passage order when the question spans them", () => {
    const answer = buildExtractiveAnswer("Must visitors register, and must receipts be attached?", passages);
    expect(answer.citations).toEqual([2, 3]);
    expect(answer.text.indexOf("[2]")).toBeLessThan(answer.text.indexOf("[3]"));
    expectVerbatimQuotes(answer.text, passages);
  });

  it("says it could not find an answer to an unrelated question, and cites nothing", () => {
    for (const q of ["What is the parking policy for electric cars?", "Who won the football world cup in 2018?"]) {
      const answer = buildExtractiveAnswer(q, passages);
      expect(answer).toEqual({ text: "I could not find this in the documents.", citations: [] });
    }
  });

  it("does not answer from common words alone", () => {
    // "days" and "year" match, the subject (sick leave certificates) does not.
    const answer = buildExtractiveAnswer("Which certificates are required for sick leave days per year?", passages);
    expect(answer.citations).toEqual([]);
  });

  it("answers in Russian for a Russian question, matching inflected words", () => {
    const answer = buildExtractiveAnswer("Сколько дней отпуска положено сотрудникам?", passagesRu);
    expect(answer.text.startsWith("Из ваших документов:")).toBe(true);
    expect(answer.citations).toEqual([2]);
    expect(answer.text).toContain("Сотрудникам предоставляется 28 календарных дней оплачиваемого отпуска в год.");
    expectVerbatimQuotes(answer.text, passagesRu);
    expect(buildExtractiveAnswer("Какая погода на Марсе?", passagesRu).text).toBe(EXTRACTIVE_TEXTS.ru.notFound);
  });

  it("says not found when there are no passages", () => {
    expect(buildExtractiveAnswer("How many vacation days?", []).text).toBe(EXTRACTIVE_TEXTS.en.notFound);
  });
});

describe("extractive provider", () => {
  const provider = createExtractiveProvider();
  const req = (content: string, context?: ContextPassage[], signal?: AbortSignal): GenerateRequest => ({
    model: "extractive",
    messages: [
      { role: "system", content: "Answer from the documents." },
      { role: "user", content: "Hello" },
      { role: "assistant", content: "Hi" },
      { role: "user", content },
    ],
    context,
    signal,
  });

  it("streams the answer in small chunks and counts tokens", async () => {
    const question = "How many days of paid vacation do employees get?";
    const { tokens, text, done } = await collect(provider.stream(req(question, passages)));
    expect(tokens.length).toBeGreaterThan(5);
    expect(Math.max(...tokens.map((t) => t.length))).toBeLessThan(40);
    expect(text).toBe(buildExtractiveAnswer(question, passages).text);
    expect(done?.finishReason).toBe("stop");
    expect(done?.usage.outputTokens).toBeGreaterThan(5);
    // The passages are part of what was read.
    expect(done?.usage.inputTokens).toBeGreaterThan(60);
  });

  it("answers only the last user message", async () => {
    const { text } = await collect(provider.stream(req("When are expense reports due?", passages)));
    expect(text).toContain("[2]");
    expect(text).not.toContain("[1]");
  });

  it("in general chat says plainly that no model is configured and how to add one", async () => {
    const { text } = await collect(provider.stream(req("Write me a poem about spring")));
    expect(text).toBe(EXTRACTIVE_TEXTS.en.noModel);
    expect(text).toContain("No language model is configured");
    expect(text).toContain("Admin → Providers");
    for (const v of ["LLM_BASE_URL", "LLM_API_KEY", "LLM_MODEL", "LLM_MODEL_PATH"]) expect(text).toContain(v);
    const ru = await collect(provider.stream(req("Напиши стихотворение о весне")));
    expect(ru.text).toBe(EXTRACTIVE_TEXTS.ru.noModel);
    expect(ru.text).toContain("LLM_MODEL_PATH");
  });

  it("with retrieval that found nothing (empty context) says it could not find it", async () => {
    const { text } = await collect(provider.stream(req("How many vacation days?", [])));
    expect(text).toBe("I could not find this in the documents.");
  });

  it("stops when the signal aborts", async () => {
    const ctl = new AbortController();
    const events: LlmEvent[] = [];
    for await (const e of provider.stream(
      req("How many days of paid vacation do employees get?", passages, ctl.signal),
    )) {
      events.push(e);
      if (events.length === 2) ctl.abort();
    }
    expect(events.filter((e) => e.type === "token")).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({ type: "done", finishReason: "cancelled" });
  });
});
