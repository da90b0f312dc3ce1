import { Lexer, type Token, type Tokens } from "marked";
import { BlockBuilder, tableRowText } from "./block-builder";
import type { ParsedDocument } from "./document.types";
import { detectLanguage } from "./language";
import { ParseError, unreadable } from "./parse-error";
import { decodeText } from "./text-decode";

/*
 * Markdown through marked's lexer (CommonMark + GFM tables), walked into blocks. Inline syntax is
 * reduced to its text (links keep their words, images their alt text), HTML comments and YAML
 * front matter are dropped, and a front-matter `title:` becomes the title.
 */

/** Parses Markdown bytes into headings, paragraphs, list items, code, quotes and table rows. */
export function parseMarkdown(buf: Buffer): ParsedDocument {
  const source = decodeText(buf);
  if (source === undefined) throw unreadable("Markdown");
  const { body, title } = splitFrontMatter(source);
  let tokens: Token[];
  try {
    tokens = new Lexer({ gfm: true }).lex(body);
  } catch (error) {
    throw unreadable("Markdown", error);
  }
  const builder = new BlockBuilder();
  walk(tokens, builder);
  if (builder.blocks.length === 0)
    throw new ParseError("document.no_text", "This Markdown file has no text. Check the file and upload it again.");
  return {
    type: "markdown",
    title: title ?? builder.firstHeading(),
    language: detectLanguage(builder.blocks.map((b) => b.text).join("\n")),
    blocks: builder.blocks,
  };
}

function splitFrontMatter(source: string): { body: string; title?: string } {
  const match = source.match(/^---\n([\s\S]*?)\n(---|\.\.\.)\n/);
  if (!match) return { body: source };
  const title = match[1]?.match(/^title:\s*["']?(.+?)["']?\s*$/m)?.[1];
  return { body: source.slice(match[0].length), ...(title ? { title } : {}) };
}

function walk(tokens: readonly Token[], builder: BlockBuilder, listDepth = 0): void {
  for (const token of tokens) {
    switch (token.type) {
      case "heading":
        builder.heading(inlineText((token as Tokens.Heading).tokens), (token as Tokens.Heading).depth);
        break;
      case "paragraph":
      case "text":
        builder.add("paragraph", "tokens" in token && token.tokens ? inlineText(token.tokens) : token.raw);
        break;
      case "code":
        builder.add("code", (token as Tokens.Code).text);
        break;
      case "blockquote":
        quote(token as Tokens.Blockquote, builder);
        break;
      case "list":
        for (const item of (token as Tokens.List).items) listItem(item, builder, listDepth);
        break;
      case "table":
        table(token as Tokens.Table, builder);
        break;
      case "html":
        builder.add("paragraph", htmlToText(token.raw));
        break;
      default:
        // space, hr, def (link reference definitions) carry no text
        break;
    }
  }
}

/** An item's own text is one list-item block; nested lists and code inside it follow as their own blocks. */
function listItem(item: Tokens.ListItem, builder: BlockBuilder, depth: number): void {
  const own: string[] = [];
  const rest: Token[] = [];
  for (const child of item.tokens) {
    if ((child.type === "text" || child.type === "paragraph") && rest.length === 0) {
      own.push("tokens" in child && child.tokens ? inlineText(child.tokens) : child.raw);
    } else if (child.type !== "space") {
      rest.push(child);
    }
  }
  const marker = item.task ? (item.checked ? "[x] " : "[ ] ") : "";
  builder.add("list-item", marker + own.join(" "));
  walk(rest, builder, depth + 1);
}

function quote(token: Tokens.Blockquote, builder: BlockBuilder): void {
  for (const child of token.tokens) {
    if (child.type === "paragraph" || child.type === "text") {
      builder.add("quote", "tokens" in child && child.tokens ? inlineText(child.tokens) : child.raw);
    } else {
      walk([child], builder);
    }
  }
}

function table(token: Tokens.Table, builder: BlockBuilder): void {
  const header = token.header.map((cell) => inlineText(cell.tokens));
  for (const row of token.rows)
    builder.add(
      "table-row",
      tableRowText(
        row.map((cell) => inlineText(cell.tokens)),
        header,
      ),
    );
}

/** The visible words of inline tokens: markup, URLs and HTML tags go. */
function inlineText(tokens: readonly Token[] | undefined): string {
  if (!tokens) return "";
  let out = "";
  for (const t of tokens) {
    switch (t.type) {
      case "br":
        out += " ";
        break;
      case "image":
        out += (t as Tokens.Image).text;
        break;
      case "html":
        out += htmlToText(t.raw);
        break;
      case "codespan":
        out += (t as Tokens.Codespan).text
          .replace(/&amp;/g, "&")
          .replace(/&lt;/g, "<")
          .replace(/&gt;/g, ">")
          .replace(/&quot;/g, '"')
          .replace(/&#39;/g, "'");
        break;
      case "escape":
        out += (t as Tokens.Escape).text;
        break;
      default:
        out += "tokens" in t && t.tokens ? inlineText(t.tokens) : decodeEntities("text" in t ? String(t.text) : t.raw);
    }
  }
  return out;
}

function htmlToText(html: string): string {
  return decodeEntities(html.replace(/<!--[\s\S]*?-->/g, " ").replace(/<[^>]+>/g, " "));
}

function decodeEntities(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(Number.parseInt(n, 16)))
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&amp;/g, "&");
}
