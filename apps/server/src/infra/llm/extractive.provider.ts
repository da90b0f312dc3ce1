import type { ChatMessage, ContextPassage, GenerateRequest, LlmEvent, LlmProvider } from "./llm.types";
import { estimatePromptTokens, estimateTokens } from "./tokens";

/*
 * The built-in answerer used when no language model is configured. It never writes text of its
 * own about the documents: it quotes the sentences of the retrieved passages that best match the
 * question, each with the number of its passage, or says it found nothing. Scoring is lexical and
 * deterministic: words are lower-cased, common words dropped, the rest cut to a 5-letter stem
 * (enough to match "policy"/"policies" and "отпуск"/"отпуска" without a dictionary), and weighted
 * by how rare they are among the given sentences. A sentence's score is the share of the
 * question's weight it covers, slightly discounted for lower-ranked passages.
 */

export type AnswerLanguage = "en" | "ru";

export const EXTRACTIVE_TEXTS: Record<AnswerLanguage, { leadIn: string; notFound: string; noModel: string }> = {
  en: {
    leadIn: "From your documents:",
    notFound: "I could not find this in the documents.",
    noModel:
      "No language model is configured, so I can only answer from your documents, by quoting them. " +
      "An administrator can add a model in Admin → Providers, or set LLM_BASE_URL, LLM_API_KEY and LLM_MODEL " +
      "for an OpenAI-compatible endpoint (OpenAI, OpenRouter, Ollama, vLLM, LM Studio), or LLM_MODEL_PATH for a local GGUF model file.",
  },
  ru: {
    leadIn: "Из ваших документов:",
    notFound: "Я не нашёл этого в документах.",
    noModel:
      "Языковая модель не настроена, поэтому я могу отвечать только по вашим документам, цитируя их. " +
      "Администратор может добавить модель в разделе «Администрирование → Провайдеры» или задать LLM_BASE_URL, LLM_API_KEY и LLM_MODEL " +
      "для OpenAI-совместимого сервиса (OpenAI, OpenRouter, Ollama, vLLM, LM Studio), либо LLM_MODEL_PATH для локального файла модели GGUF.",
  },
};

/** Share of the question's (rarity-weighted) words a sentence must contain to be quoted. */
const MIN_COVERAGE = 0.5;
/** Sentences within this fraction of the best score are quoted too. */
const RELATIVE_CUT = 0.7;
const MAX_SENTENCES = 4;
const MAX_QUOTE_CHARS = 1500;
/** Score discount per rank step, so equal matches prefer the better-ranked passage. */
const RANK_DISCOUNT = 0.05;
const STEM_LENGTH = 5;
/** Characters per streamed chunk (whole words), small enough to look like typing. */
const CHUNK_CHARS = 12;

const STOPWORDS = new Set(
  (
    "a an and are as at be but by can could did do does for from had has have how i if in into is it its " +
    "me my no not of on or our so than that the their them then there these they this to was we were " +
    "what when where which who whom why will with would you your about any all also please tell " +
    "many much get got whose " +
    "а без бы был была были было в во вот все всё вы где да для до его ее её если есть же за и из или " +
    "им их к как какой какая какие когда кто ли мне мы на над не нет но о об однако он она они оно от " +
    "по под при про с со так также то тот у уже что чтобы эта эти это этот я ещё скажи подскажи пожалуйста " +
    "сколько каков какова каково каковы почему зачем можно нужно надо ли"
  ).split(" "),
);

/** "ru" when the text contains Cyrillic letters, else "en". */
export function detectLanguage(text: string): AnswerLanguage {
  return /[\u0400-\u04FF]/.test(text) ? "ru" : "en";
}

function stems(text: string): string[] {
  const words =
    text
      .toLowerCase()
      .replaceAll("ё", "е")
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.filter((w) => !STOPWORDS.has(w) && (w.length > 1 || /\d/.test(w))).map((w) => w.slice(0, STEM_LENGTH));
}

function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?…])\s+|\n+/u)
    .map((s) => s.replace(/\s+/g, " ").trim())
    .filter((s) => /[\p{L}\p{N}]/u.test(s));
}

interface Candidate {
  passage: number;
  order: number;
  text: string;
  /** Share of the question's weight found in the sentence (0..1). */
  coverage: number;
  /** Coverage discounted by passage rank. */
  score: number;
}

export interface ExtractiveAnswer {
  text: string;
  /** 1-based numbers of the cited passages, in the order the answer cites them. */
  citations: number[];
}

/** Picks the quotes that answer a question from ranked passages; the answer text is all quotes. */
export function buildExtractiveAnswer(question: string, passages: readonly ContextPassage[]): ExtractiveAnswer {
  const lang = detectLanguage(question);
  const texts = EXTRACTIVE_TEXTS[lang];
  const questionTerms = [...new Set(stems(question))];

  const candidates: Candidate[] = [];
  passages.forEach((p, passage) => {
    splitSentences(p.text).forEach((text, order) => {
      candidates.push({ passage, order, text, coverage: 0, score: 0 });
    });
  });
  if (questionTerms.length === 0 || candidates.length === 0) return { text: texts.notFound, citations: [] };

  const sentenceTerms = candidates.map((c) => new Set(stems(c.text)));
  const df = new Map<string, number>();
  for (const terms of sentenceTerms) for (const t of terms) df.set(t, (df.get(t) ?? 0) + 1);
  // Words absent from every sentence weigh as much as the rarest present ones: a question about
  // something the passages never mention must not be answered from its common words alone.
  const weight = (t: string) => Math.log(1 + candidates.length / (df.get(t) ?? 1));
  const totalWeight = questionTerms.reduce((sum, t) => sum + weight(t), 0);

  candidates.forEach((c, i) => {
    const terms = sentenceTerms[i] as Set<string>;
    c.coverage = questionTerms.reduce((sum, t) => sum + (terms.has(t) ? weight(t) : 0), 0) / totalWeight;
    c.score = c.coverage * (1 - RANK_DISCOUNT * Math.min(c.passage, 10));
  });

  const qualified = candidates.filter((c) => c.coverage >= MIN_COVERAGE);
  if (qualified.length === 0) return { text: texts.notFound, citations: [] };

  const best = Math.max(...qualified.map((c) => c.score));
  const chosen: Candidate[] = [];
  let chars = 0;
  for (const c of qualified.sort((a, b) => b.score - a.score || a.passage - b.passage || a.order - b.order)) {
    if (c.score < best * RELATIVE_CUT || chosen.length >= MAX_SENTENCES) break;
    if (chosen.length > 0 && chars + c.text.length > MAX_QUOTE_CHARS) continue;
    chosen.push(c);
    chars += c.text.length;
  }

  // Quotes read in document order: grouped by passage (in rank order), sentences as written.
  chosen.sort((a, b) => a.passage - b.passage || a.order - b.order);
  const groups = new Map<number, string[]>();
  for (const c of chosen) groups.set(c.passage, [...(groups.get(c.passage) ?? []), c.text]);
  const quotes = [...groups].map(([passage, sentences]) => `> ${sentences.join(" ")} [${passage + 1}]`);
  return { text: `${texts.leadIn}\n\n${quotes.join("\n>\n")}`, citations: [...groups.keys()].map((p) => p + 1) };
}

/** The notice given in general chat (no passages) when no model is configured. */
export function noModelNotice(question: string): string {
  return EXTRACTIVE_TEXTS[detectLanguage(question)].noModel;
}

function lastUserMessage(messages: readonly ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m?.role === "user") return m.content;
  }
  return "";
}

/** Cuts text into chunks of whole words (whitespace kept), so streaming looks like typing. */
function chunks(text: string): string[] {
  const out: string[] = [];
  let current = "";
  for (const piece of text.split(/(?<=\s)/u)) {
    current += piece;
    if (current.length >= CHUNK_CHARS) {
      out.push(current);
      current = "";
    }
  }
  if (current) out.push(current);
  return out;
}

/**
 * The built-in extractive answerer. With req.context (even empty: retrieval found nothing) it
 * quotes the passages or says it could not find the answer; without it (general chat) it says
 * that no model is configured and how to add one.
 */
export function createExtractiveProvider(opts: { id?: string } = {}): LlmProvider {
  const id = opts.id ?? "extractive";

  async function* run(req: GenerateRequest): AsyncGenerator<LlmEvent> {
    const question = lastUserMessage(req.messages);
    const answer =
      req.context === undefined ? noModelNotice(question) : buildExtractiveAnswer(question, req.context).text;
    const inputTokens =
      estimatePromptTokens(req.messages) + (req.context ?? []).reduce((sum, p) => sum + estimateTokens(p.text), 0);
    let sent = "";
    for (const chunk of chunks(answer)) {
      if (req.signal?.aborted) break;
      sent += chunk;
      yield { type: "token", text: chunk };
    }
    yield {
      type: "done",
      usage: { inputTokens, outputTokens: estimateTokens(sent) },
      finishReason: req.signal?.aborted ? "cancelled" : "stop",
    };
  }

  return {
    id,
    kind: "extractive",
    stream: (req) => run(req),
    listModels: async () => ["extractive"],
    contextWindow: () => 128_000,
  };
}
