/*
 * The common model every parser produces. Structure is kept as a flat list of blocks, each knowing
 * the headings it sits under, so the chunker can cut at section boundaries and show a passage's
 * place in its document without walking a tree.
 */

/** The document types Atrium reads. The type comes from the content (see sniff.ts), never the name. */
export type DocumentType = "pdf" | "docx" | "html" | "markdown" | "text" | "csv";

export const DOCUMENT_TYPES: readonly DocumentType[] = ["pdf", "docx", "html", "markdown", "text", "csv"];

/** Picks the Postgres text-search configuration: "english", "russian", or "simple" for "other". */
export type DocumentLanguage = "en" | "ru" | "other";

export type BlockKind = "heading" | "paragraph" | "list-item" | "table-row" | "code" | "quote";

export interface Block {
  kind: BlockKind;
  /** Plain text. Whitespace is collapsed except in code blocks, which keep their lines. */
  text: string;
  /** Headings only: 1 is the outermost level. */
  level?: number;
  /** PDFs only: the 1-based page the block starts on. */
  page?: number;
  /** Texts of the enclosing headings, outermost first; a heading's own path excludes itself. */
  headingPath: string[];
}

export interface ParsedDocument {
  type: DocumentType;
  title?: string;
  language: DocumentLanguage;
  /** PDFs only. */
  pageCount?: number;
  blocks: Block[];
}

export interface ParseOptions {
  /** The password of an encrypted PDF. */
  password?: string;
}
