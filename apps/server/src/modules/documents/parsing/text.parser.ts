import { BlockBuilder } from "./block-builder";
import type { ParsedDocument } from "./document.types";
import { detectLanguage } from "./language";
import { ParseError, unreadable } from "./parse-error";
import { decodeText } from "./text-decode";

/** Plain text: paragraphs are separated by blank lines; lines inside a paragraph are joined. */
export function parseText(buf: Buffer): ParsedDocument {
  const text = decodeText(buf);
  if (text === undefined) throw unreadable("text");
  const builder = new BlockBuilder();
  for (const paragraph of text.split(/\n[ \t\u00a0]*\n/)) builder.add("paragraph", paragraph);
  if (builder.blocks.length === 0)
    throw new ParseError("document.no_text", "This text file is empty. Check the file and upload it again.");
  return { type: "text", language: detectLanguage(text), blocks: builder.blocks };
}
