import { createHash } from "node:crypto";
import { estimateTokens } from "../../../infra/llm/tokens";
import type { Block, ParsedDocument } from "./document.types";

/*
 * Chunking: how documents are cut into passages for retrieval.
 *
 * Sizing. Passages are embedded by the Universal Sentence Encoder lite, which reads about 128
 * tokens of its own (SentencePiece) vocabulary and ignores the rest, so a passage longer than that
 * would be retrievable only by its beginning. Token counts here are estimates (about 4 characters a
 * token for Latin script, 2.5 for Cyrillic; see infra/llm/tokens.ts) and SentencePiece with a small
 * vocabulary splits words somewhat finer than the estimate assumes, so the default budget is 100
 * estimated tokens (roughly 400 characters of English, 250 of Russian) for everything that is
 * embedded: the heading path plus the passage. The heading path ("Guide > Installation > Maven") is
 * put in front of the passage in `embedText` because a passage often makes sense only under its
 * heading; it may take at most 30% of the budget (outer headings are dropped first), and the passage
 * gets the rest. A passage is therefore never cut off by the model: it is sized to fit instead.
 * Small windows also suit extractive answers and citations: a retrieved passage is short enough to
 * quote and to check.
 *
 * Structure. Chunks never span a heading of level 1 or 2, so a passage belongs to one section, and
 * editing one section leaves the chunks (and ids) of the others unchanged. Within a section,
 * consecutive small blocks are packed together up to the budget; a sub-section (level 3 and deeper)
 * starts a new chunk when it would not fit in the current one whole, and is otherwise packed with
 * its heading kept as a line of the text. A block too long for one chunk is split at sentence ends
 * (Intl.Segmenter's rules, which cover Russian, plus common English, German and Russian
 * abbreviations), a sentence too long at word boundaries, a word too long (a URL, a hash) by
 * characters. Table rows are kept whole, a row too long is split between words; code is split
 * between lines.
 *
 * Overlap. When a section continues in a new chunk, the new chunk starts with the last whole
 * sentences of the previous one, up to 20 estimated tokens (when the last sentence alone is longer
 * and it was itself cut mid-sentence, its last words). A sentence that leans on the one before it
 * ("This limit applies...") then still has it in the same passage. A block that fit whole in the
 * previous chunk is not copied whole; no overlap crosses a heading or repeats table rows; code is
 * repeated only where one long listing was cut.
 *
 * Ids. A chunk's id is the sha256 of its normalized text (NFC, whitespace collapsed) and its heading
 * path, so re-indexing the same document gives the same ids (feedback, citations and training
 * examples keep pointing at their passage), the same text under two headings gets two ids, and a
 * passage repeated verbatim in one document is kept once.
 */

export interface ChunkOptions {
  /** Budget of everything embedded (heading path + passage), in estimated tokens. */
  maxTokens: number;
  /** Tokens of the previous chunk repeated at the start of the next one within a section. */
  overlapTokens: number;
}

export const DEFAULT_CHUNK_OPTIONS: ChunkOptions = { maxTokens: 100, overlapTokens: 20 };

export interface Chunk {
  /** sha256 hex of normalized text + "\u0000" + headingPath.join(" > "). */
  id: string;
  /** Position in the document, from 0, after duplicates are dropped. */
  ordinal: number;
  /** The passage as shown to users. */
  text: string;
  /** The heading path and the passage, what gets embedded; within maxTokens. */
  embedText: string;
  headingPath: string[];
  /** PDFs: the page the passage starts on, and the page it ends on. */
  page?: number;
  pageEnd?: number;
  /** Estimated tokens of `text`. */
  tokenCount: number;
}

/** Share of the budget the heading path may use in embedText. */
const MAX_PREFIX_SHARE = 0.3;
/** The passage always gets at least this share of the budget. */
const MIN_TEXT_SHARE = 0.5;

/** One piece of a chunk: a whole block, or a part of one (sentences, cells, lines). */
interface Piece {
  block: number;
  kind: Block["kind"];
  text: string;
  headingPath: string[];
  page?: number;
  /** The piece is a cut sentence (its block goes on): overlap may take its last words. */
  midSentence?: boolean;
}

/** Cuts a parsed document into passages sized for the embedding model (see the note at the top). */
export function chunkDocument(doc: Pick<ParsedDocument, "blocks">, options: Partial<ChunkOptions> = {}): Chunk[] {
  const maxTokens = Math.max(16, Math.floor(options.maxTokens ?? DEFAULT_CHUNK_OPTIONS.maxTokens));
  const overlapTokens = Math.max(
    0,
    Math.min(Math.floor(options.overlapTokens ?? DEFAULT_CHUNK_OPTIONS.overlapTokens), Math.floor(maxTokens / 2)),
  );
  const packer = new Packer(maxTokens, overlapTokens);
  const blocks = doc.blocks;

  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i] as Block;
    if (block.kind !== "heading") {
      packer.addBlock(block, i);
      continue;
    }
    const level = block.level ?? 1;
    const next = blocks[i + 1];
    const isEmptySection = !next || (next.kind === "heading" && (next.level ?? 1) <= level);
    if (level <= 2) {
      packer.close(false);
      // A heading with nothing under it is still text someone may look for.
      if (isEmptySection) packer.addBlock({ ...block, kind: "paragraph" }, i);
      continue;
    }
    // A sub-section starts a new chunk unless it fits whole into the current one.
    const sectionTokens = estimateTokens(sectionText(blocks, i));
    if (!packer.isEmpty() && !packer.fits(sectionTokens)) packer.close(false);
    if (packer.isEmpty() && !isEmptySection) continue; // the heading goes into the chunk's path
    packer.addHeading(block, i);
  }
  packer.close(false);
  return packer.result();
}

/** Text of a heading and the blocks under it, up to the next heading of the same or a higher level. */
function sectionText(blocks: readonly Block[], start: number): string {
  const level = (blocks[start] as Block).level ?? 1;
  const parts = [(blocks[start] as Block).text];
  for (let j = start + 1; j < blocks.length; j++) {
    const b = blocks[j] as Block;
    if (b.kind === "heading" && (b.level ?? 1) <= level) break;
    parts.push(b.text);
  }
  return parts.join("\n");
}

class Packer {
  private pieces: Piece[] = [];
  /** Pieces carried over from the previous chunk as overlap; the chunk needs new text besides. */
  private carried = 0;
  private readonly chunks: Chunk[] = [];
  private readonly ids = new Set<string>();

  constructor(
    private readonly maxTokens: number,
    private readonly overlapTokens: number,
  ) {}

  isEmpty(): boolean {
    return this.pieces.length === this.carried;
  }

  /** Whether that many more tokens fit into the current chunk. */
  fits(tokens: number): boolean {
    return estimateTokens(render(this.pieces)) + tokens <= this.budget(this.pieces[0]?.headingPath ?? []);
  }

  addHeading(block: Block, index: number): void {
    this.pieces.push({
      block: index,
      kind: "heading",
      text: block.text,
      headingPath: block.headingPath,
      ...pageOf(block),
    });
  }

  addBlock(block: Block, index: number): void {
    const whole: Piece = {
      block: index,
      kind: block.kind,
      text: block.text,
      headingPath: block.headingPath,
      ...pageOf(block),
    };
    if (this.tryAdd(whole)) return;
    // It does not fit here; in a chunk of its own it might.
    this.close(true);
    if (this.tryAdd(whole)) return;
    for (const part of this.split(whole)) {
      if (this.tryAdd(part)) continue;
      this.close(true);
      if (!this.tryAdd(part)) {
        // Even after the overlap was dropped it did not fit: split() promises it fits alone.
        this.dropCarried();
        this.pieces.push(part);
      }
    }
  }

  /** Ends the current chunk; with `overlap`, its last sentences start the next one. */
  close(overlap: boolean): void {
    if (this.isEmpty()) {
      this.pieces = [];
      this.carried = 0;
      return;
    }
    this.emit(this.pieces);
    const carry = overlap ? this.overlapOf(this.pieces) : [];
    this.pieces = carry;
    this.carried = carry.length;
  }

  result(): Chunk[] {
    return this.chunks;
  }

  private tryAdd(piece: Piece): boolean {
    const candidate = [...this.pieces, piece];
    if (estimateTokens(render(candidate)) > this.budget((candidate[0] as Piece).headingPath)) {
      if (this.carried > 0 && this.pieces.length === this.carried) {
        // Overlap must not keep new text out: try without it.
        const alone = [piece];
        if (estimateTokens(render(alone)) <= this.budget(piece.headingPath)) {
          this.pieces = alone;
          this.carried = 0;
          return true;
        }
      }
      return false;
    }
    this.pieces = candidate;
    return true;
  }

  private dropCarried(): void {
    this.pieces = this.pieces.slice(this.carried);
    this.carried = 0;
  }

  /** Tokens left for the passage once the heading path is in front of it. */
  private budget(headingPath: readonly string[]): number {
    const prefix = headingPrefix(headingPath, Math.floor(this.maxTokens * MAX_PREFIX_SHARE));
    const prefixTokens = prefix ? estimateTokens(`${prefix}\n`) : 0;
    return Math.max(Math.floor(this.maxTokens * MIN_TEXT_SHARE), this.maxTokens - prefixTokens);
  }

  /** Parts of a piece that each fit a chunk alone: sentences, then words, then characters. */
  private split(piece: Piece): Piece[] {
    const budget = this.budget(piece.headingPath);
    const fits = (text: string) => estimateTokens(text) <= budget;
    let units: { text: string; midSentence?: boolean }[];
    if (piece.kind === "code") {
      units = piece.text.split("\n").flatMap((line) => (fits(line) ? [{ text: line }] : splitWords(line, budget)));
      units = packUnits(units, "\n", budget);
    } else if (piece.kind === "table-row") {
      // Cells of a long row run on across the cut, so no part is a lone short cell.
      units = splitWords(piece.text, budget);
    } else {
      units = splitSentences(piece.text).flatMap((s) => (fits(s) ? [{ text: s }] : splitWords(s, budget)));
    }
    return units.map((u) => ({ ...piece, text: u.text, ...(u.midSentence ? { midSentence: true } : {}) }));
  }

  /** The last whole sentences of a chunk within the overlap budget (never headings or table rows). */
  private overlapOf(pieces: readonly Piece[]): Piece[] {
    const last = pieces.at(-1);
    if (!last || this.overlapTokens === 0 || last.kind === "heading" || last.kind === "table-row") return [];
    // Code is repeated only where a long listing was cut, never into the prose after it.
    if (last.kind === "code" && !isPartOfSplit(pieces, last)) return [];
    const sentences =
      last.kind === "code" ? last.text.split("\n").filter((l) => l.trim() !== "") : splitSentences(last.text);
    const taken: string[] = [];
    let tokens = 0;
    for (let i = sentences.length - 1; i >= 0; i--) {
      const cost = estimateTokens(sentences[i] as string);
      if (tokens + cost > this.overlapTokens) break;
      taken.unshift(sentences[i] as string);
      tokens += cost;
    }
    if (taken.length === 0 && last.midSentence) {
      const words = last.text.split(/\s+/);
      for (let i = words.length - 1; i >= 0; i--) {
        const cost = estimateTokens(`${words[i]} `);
        if (tokens + cost > this.overlapTokens) break;
        taken.unshift(words[i] as string);
        tokens += cost;
      }
      return taken.length > 0 ? [{ ...last, text: taken.join(" "), midSentence: true }] : [];
    }
    if (taken.length === 0 || taken.length === sentences.length) {
      // Repeating a whole block is no overlap but a copy; keep it only if it is a part of a split block.
      if (taken.length === 0 || !isPartOfSplit(pieces, last)) return [];
    }
    return [{ ...last, text: taken.join(last.kind === "code" ? "\n" : " ") }];
  }

  private emit(pieces: readonly Piece[]): void {
    const path = commonPrefix(pieces.map((p) => p.headingPath));
    const first = pieces[0] as Piece;
    // Headings of the first piece that did not make it into the common path lead the text.
    const lead = first.headingPath
      .slice(path.length)
      .map((text) => ({ ...first, kind: "heading" as const, text, block: -1 }));
    const text = render([...lead, ...pieces]);
    const normalized = normalizeForId(text);
    if (!normalized) return;
    const id = createHash("sha256")
      .update(`${normalized}\u0000${path.join(" > ")}`)
      .digest("hex");
    if (this.ids.has(id)) return;
    this.ids.add(id);
    const pages = pieces.map((p) => p.page).filter((p): p is number => p !== undefined);
    this.chunks.push({
      id,
      ordinal: this.chunks.length,
      text,
      embedText: embedTextFor(text, path, this.maxTokens),
      headingPath: path,
      ...(pages.length > 0 ? { page: Math.min(...pages), pageEnd: Math.max(...pages) } : {}),
      tokenCount: estimateTokens(text),
    });
  }
}

function pageOf(block: Block): { page?: number } {
  return block.page !== undefined ? { page: block.page } : {};
}

function isPartOfSplit(pieces: readonly Piece[], last: Piece): boolean {
  return pieces.filter((p) => p.block === last.block).length > 1 || last.midSentence === true;
}

/** Pieces as text: parts of one block joined by spaces (lines for code), blocks on their own lines. */
function render(pieces: readonly Piece[]): string {
  const lines: string[] = [];
  let prev: Piece | undefined;
  for (const piece of pieces) {
    if (prev && prev.block === piece.block && prev.block >= 0) {
      const joiner = piece.kind === "code" ? "\n" : piece.kind === "table-row" ? " | " : " ";
      lines[lines.length - 1] += joiner + piece.text;
    } else {
      lines.push(piece.kind === "list-item" ? `- ${piece.text}` : piece.text);
    }
    prev = piece;
  }
  return lines.join("\n");
}

/**
 * What the model embeds for a passage: its heading path (cut to a share of the chunk budget) in
 * front of its text. Re-embedding stored chunks computes it again from their text and path.
 */
export function embedTextFor(text: string, headingPath: readonly string[], maxTokens: number): string {
  const prefix = headingPrefix(headingPath, Math.floor(maxTokens * MAX_PREFIX_SHARE));
  return prefix ? `${prefix}\n${text}` : text;
}

/** "Outer > Inner" within maxTokens: outer headings go first, then the innermost is cut by words. */
export function headingPrefix(path: readonly string[], maxTokens: number): string {
  let parts = [...path];
  while (parts.length > 0 && estimateTokens(parts.join(" > ")) > maxTokens) {
    if (parts.length > 1) parts = parts.slice(1);
    else {
      const words = (parts[0] as string).split(/\s+/);
      while (words.length > 1 && estimateTokens(`${words.join(" ")} …`) > maxTokens) words.pop();
      const cut = `${words.join(" ")} …`;
      return estimateTokens(cut) <= maxTokens ? cut : "";
    }
  }
  return parts.join(" > ");
}

function commonPrefix(paths: readonly string[][]): string[] {
  const first = paths[0] ?? [];
  let n = first.length;
  for (const p of paths) {
    let i = 0;
    while (i < n && p[i] === first[i]) i++;
    n = i;
  }
  return first.slice(0, n);
}

function normalizeForId(text: string): string {
  return text.normalize("NFC").replace(/\s+/g, " ").trim();
}

/** Greedily joins consecutive units while they fit the budget. */
function packUnits(
  units: readonly { text: string; midSentence?: boolean }[],
  joiner: string,
  budget: number,
): { text: string }[] {
  const out: { text: string }[] = [];
  let current: string | undefined;
  for (const u of units) {
    if (current !== undefined && estimateTokens(current + joiner + u.text) <= budget) current += joiner + u.text;
    else {
      if (current !== undefined) out.push({ text: current });
      current = u.text;
    }
  }
  if (current !== undefined) out.push({ text: current });
  return out;
}

/** A sentence too long for a chunk, cut into runs of whole words (a word too long, by characters). */
function splitWords(sentence: string, budget: number): { text: string; midSentence: true }[] {
  const out: { text: string; midSentence: true }[] = [];
  let current = "";
  for (const word of sentence.split(/\s+/).filter(Boolean)) {
    const candidate = current ? `${current} ${word}` : word;
    if (estimateTokens(candidate) <= budget) {
      current = candidate;
      continue;
    }
    if (current) out.push({ text: current, midSentence: true });
    current = "";
    if (estimateTokens(word) <= budget) {
      current = word;
      continue;
    }
    // 2.5 characters per token is the densest script the estimate knows (Cyrillic) besides CJK.
    const step = Math.max(1, Math.floor(budget * (/[\u3040-\u9fff\uac00-\ud7af]/.test(word) ? 1 : 2.5)));
    const chars = [...word];
    for (let i = 0; i < chars.length; i += step) {
      const slice = chars.slice(i, i + step).join("");
      if (i + step >= chars.length) current = slice;
      else out.push({ text: slice, midSentence: true });
    }
  }
  if (current) out.push({ text: current, midSentence: true });
  return out;
}

const segmenter = new Intl.Segmenter(undefined, { granularity: "sentence" });
/** Words ending in a period that do not end a sentence (English, German, Russian). */
const ABBREVIATION =
  /(?:^|[\s(])(?:e\.g|i\.e|etc|vs|cf|al|approx|Mr|Mrs|Ms|Dr|Prof|St|Jr|Sr|No|Nos|Fig|Figs|Eq|Ref|Vol|pp|Inc|Ltd|Co|z\.\s?B|bzw|d\.\s?h|u\.\s?a|vgl|ca|Nr|Abb|S|т\.\s?е|т\.\s?д|т\.\s?п|т\.\s?к|и\s?др|др|см|рис|стр|гл|г|гг|им|ул|д|с|тыс|млн|млрд|руб|коп|проф|акад|\p{Lu})\.$/u;

/** Sentences of a text, in order; the parts joined with spaces give the text back (whitespace aside). */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  let pending = "";
  for (const { segment, index } of segmenter.segment(text)) {
    pending += segment;
    const trimmed = pending.trimEnd();
    // A break with no space after it is inside a word (".NET", "v1.Final"), and an abbreviation is no end.
    const end = index + segment.length;
    if ((end < text.length && trimmed.length === pending.length) || ABBREVIATION.test(trimmed)) continue;
    if (trimmed) out.push(trimmed.trim());
    pending = "";
  }
  if (pending.trim()) out.push(pending.trim());
  return out;
}
