import { parseCsv } from "./csv.parser";
import type { DocumentType, ParsedDocument, ParseOptions } from "./document.types";
import { parseDocx } from "./docx.parser";
import { parseHtml } from "./html.parser";
import { parseMarkdown } from "./markdown.parser";
import { ParseError, unreadable } from "./parse-error";
import { parsePdf } from "./pdf.parser";
import { parseText } from "./text.parser";

/*
 * Document parsing and chunking: bytes in, structured text and retrieval passages out. Pure (no
 * database, no network); the documents service sniffs the type of an upload, parses it in the
 * worker, chunks it, and stores chunks by id. See chunker.ts for how passages are sized.
 */

export { type Chunk, type ChunkOptions, chunkDocument, DEFAULT_CHUNK_OPTIONS, embedTextFor } from "./chunker";
export type { Block, BlockKind, DocumentLanguage, DocumentType, ParsedDocument, ParseOptions } from "./document.types";
export { DOCUMENT_TYPES } from "./document.types";
export { detectLanguage } from "./language";
export { ParseError, type ParseErrorCode } from "./parse-error";
export { sniffType } from "./sniff";

/**
 * Parses a document of a known (sniffed) type into blocks. Throws ParseError, whose message tells
 * the user what to do: encrypted or wrong password (PDF), no text (scans, empty files), unreadable.
 */
export async function parseDocument(buf: Buffer, type: DocumentType, opts: ParseOptions = {}): Promise<ParsedDocument> {
  try {
    switch (type) {
      case "pdf":
        return await parsePdf(buf, opts);
      case "docx":
        return parseDocx(buf);
      case "html":
        return parseHtml(buf);
      case "markdown":
        return parseMarkdown(buf);
      case "text":
        return parseText(buf);
      case "csv":
        return parseCsv(buf);
      default:
        throw new ParseError(
          "document.unsupported_type",
          "This type of file is not supported. Upload a PDF, Word (DOCX), HTML, Markdown, text or CSV file.",
        );
    }
  } catch (error) {
    if (error instanceof ParseError) throw error;
    // A parser bug or a stack overflow on a pathological file: the user still gets a clear answer.
    throw unreadable(labelOf(type), error);
  }
}

function labelOf(type: DocumentType): string {
  return (
    { pdf: "PDF", docx: "Word (DOCX)", html: "HTML", markdown: "Markdown", text: "text", csv: "CSV" }[type] ??
    "document"
  );
}
