import type { Block, BlockKind } from "./document.types";

/** Blocks with the same meaning of whitespace everywhere: collapsed, trimmed, NFC, no soft hyphens. */
export function cleanText(text: string): string {
  return text
    .normalize("NFC")
    .replace(/\u00ad|\u200b|\u200c|\u200d|\u2060|\ufeff/g, "") // soft hyphens and zero-width characters
    .replace(/\s+/g, " ")
    .trim();
}

/** Code keeps its lines and indentation; only trailing spaces and blank edges go. */
export function cleanCode(text: string): string {
  return text
    .normalize("NFC")
    .replace(/\r\n?/g, "\n")
    .replace(/\t/g, "    ")
    .replace(/[ \u00a0]+$/gm, "")
    .replace(/^\n+|\n+$/g, "");
}

/**
 * Collects the blocks of one document in reading order and keeps the stack of open headings, so
 * each block gets its headingPath. A heading closes every open heading of the same or a deeper level.
 */
export class BlockBuilder {
  readonly blocks: Block[] = [];
  private readonly open: { level: number; text: string }[] = [];

  /** Adds a heading (empty ones are dropped); levels outside 1..6 are clamped. */
  heading(rawText: string, rawLevel: number, page?: number): void {
    const text = cleanText(rawText);
    if (!text) return;
    const level = Math.min(6, Math.max(1, Math.round(rawLevel)));
    while (this.open.length > 0 && (this.open.at(-1) as { level: number }).level >= level) this.open.pop();
    this.blocks.push({ kind: "heading", text, level, headingPath: this.path(), ...(page ? { page } : {}) });
    this.open.push({ level, text });
  }

  /** Adds a content block; blank ones are dropped. */
  add(kind: Exclude<BlockKind, "heading">, rawText: string, page?: number): void {
    const text = kind === "code" ? cleanCode(rawText) : cleanText(rawText);
    if (!text.trim()) return;
    this.blocks.push({ kind, text, headingPath: this.path(), ...(page ? { page } : {}) });
  }

  /** Closes every open heading: what follows (notes appended at the end) sits under none. */
  closeHeadings(): void {
    this.open.length = 0;
  }

  /** The first heading's text, a fallback title for formats without one. */
  firstHeading(): string | undefined {
    return this.blocks.find((b) => b.kind === "heading")?.text;
  }

  private path(): string[] {
    return this.open.map((h) => h.text);
  }
}

/** "Header: value | Header: value" for one table row; cells without a header or value stay bare. */
export function tableRowText(cells: readonly string[], header?: readonly string[]): string {
  const parts: string[] = [];
  cells.forEach((raw, i) => {
    const cell = cleanText(raw);
    const name = header ? cleanText(header[i] ?? "") : "";
    if (!cell) return;
    parts.push(name && name !== cell ? `${name}: ${cell}` : cell);
  });
  return parts.join(" | ");
}
