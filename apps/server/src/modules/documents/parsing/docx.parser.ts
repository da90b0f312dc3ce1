import type { ChildNode, Element } from "domhandler";
import { unzipSync } from "fflate";
import { parseDocument as parseXmlDom } from "htmlparser2";
import { BlockBuilder, cleanText, tableRowText } from "./block-builder";
import type { ParsedDocument } from "./document.types";
import { detectLanguage } from "./language";
import { ParseError, unreadable } from "./parse-error";

/*
 * DOCX read straight from its XML parts (fflate to unzip, htmlparser2 in XML mode to parse), which
 * keeps more structure than a detour through HTML and needs no extra dependency:
 * - headings: a paragraph style (or its basedOn ancestors) with an outline level, or named
 *   "heading N"/"Title" (also localized names); table-of-contents entries are skipped;
 * - list items: paragraphs with numbering (directly or through their style) or a list style;
 * - code: consecutive paragraphs in a code-like style become one code block;
 * - tables: a first row of short labels (or one marked as header) names the columns, and each
 *   later row is "Header: value | Header: value";
 *   one-column tables are boxes around ordinary text and are read as such;
 * - text boxes are read once (Word stores a fallback copy that is skipped); deleted revisions and
 *   field instructions are not text;
 * - footnotes and endnotes are appended at the end as "[n] text", with "[n]" left where they
 *   were referenced.
 */

const MAX_UNZIPPED_BYTES = 256 * 1024 * 1024;
const PARTS = [
  "word/document.xml",
  "word/styles.xml",
  "word/numbering.xml",
  "word/footnotes.xml",
  "word/endnotes.xml",
  "docProps/core.xml",
];

interface StyleInfo {
  name: string;
  basedOn?: string;
  outlineLevel?: number;
  numbered: boolean;
}

/** Parses DOCX bytes into blocks. */
export function parseDocx(buf: Buffer): ParsedDocument {
  const parts = unzipParts(buf);
  const documentXml = parts.get("word/document.xml");
  if (!documentXml) throw unreadable("Word (DOCX)");
  const styles = readStyles(parts.get("word/styles.xml"));
  const reader = new DocxReader(
    styles,
    readNotes(parts.get("word/footnotes.xml"), "footnote"),
    readNotes(parts.get("word/endnotes.xml"), "endnote"),
  );
  const body = findDescendant(parseXml(documentXml).children, "body");
  if (!body) throw unreadable("Word (DOCX)");
  reader.readBlocks(body.children);
  reader.appendNotes();
  const blocks = reader.builder.blocks;
  if (blocks.length === 0)
    throw new ParseError("document.no_text", "This Word document has no text. Check the file and upload it again.");
  const title = coreTitle(parts.get("docProps/core.xml")) ?? reader.title ?? reader.builder.firstHeading();
  return {
    type: "docx",
    ...(title ? { title } : {}),
    language: detectLanguage(blocks.map((b) => b.text).join("\n")),
    blocks,
  };
}

function unzipParts(buf: Buffer): Map<string, string> {
  let files: Record<string, Uint8Array>;
  try {
    let total = 0;
    files = unzipSync(buf, {
      filter: (file) => {
        if (!PARTS.includes(file.name)) return false;
        total += file.originalSize;
        if (total > MAX_UNZIPPED_BYTES) throw new Error("unzipped parts too large");
        return true;
      },
    });
  } catch (error) {
    throw unreadable("Word (DOCX)", error);
  }
  const decoder = new TextDecoder("utf-8");
  return new Map(Object.entries(files).map(([name, bytes]) => [name, decoder.decode(bytes)]));
}

function parseXml(xml: string) {
  return parseXmlDom(xml, { xmlMode: true, decodeEntities: true });
}

/** The name without its namespace prefix: "w:p" → "p" (Strict OOXML may use other prefixes). */
function local(el: Element): string {
  const colon = el.name.indexOf(":");
  return colon < 0 ? el.name : el.name.slice(colon + 1);
}

function attr(el: Element | undefined, name: string): string | undefined {
  if (!el) return undefined;
  for (const [key, value] of Object.entries(el.attribs)) if (key === name || key.endsWith(`:${name}`)) return value;
  return undefined;
}

function elements(nodes: readonly ChildNode[]): Element[] {
  return nodes.filter((n): n is Element => n.type === "tag");
}

function child(el: Element | undefined, name: string): Element | undefined {
  return el ? elements(el.children).find((c) => local(c) === name) : undefined;
}

function findDescendant(nodes: readonly ChildNode[], name: string): Element | undefined {
  for (const el of elements(nodes)) {
    if (local(el) === name) return el;
    const found = findDescendant(el.children, name);
    if (found) return found;
  }
  return undefined;
}

function readStyles(xml: string | undefined): Map<string, StyleInfo> {
  const styles = new Map<string, StyleInfo>();
  if (!xml) return styles;
  const root = findDescendant(parseXml(xml).children, "styles");
  for (const style of elements(root?.children ?? [])) {
    if (local(style) !== "style") continue;
    const id = attr(style, "styleId");
    if (!id) continue;
    const pPr = child(style, "pPr");
    const outline = attr(child(pPr, "outlineLvl"), "val");
    const basedOn = attr(child(style, "basedOn"), "val");
    styles.set(id, {
      name: attr(child(style, "name"), "val") ?? id,
      ...(basedOn ? { basedOn } : {}),
      ...(outline !== undefined ? { outlineLevel: Number(outline) } : {}),
      numbered: child(pPr, "numPr") !== undefined,
    });
  }
  return styles;
}

function readNotes(xml: string | undefined, kind: "footnote" | "endnote"): Map<string, Element> {
  const notes = new Map<string, Element>();
  if (!xml) return notes;
  const root = findDescendant(parseXml(xml).children, `${kind}s`);
  for (const note of elements(root?.children ?? [])) {
    const type = attr(note, "type");
    const id = attr(note, "id");
    if (local(note) === kind && id !== undefined && (!type || type === "normal")) notes.set(id, note);
  }
  return notes;
}

function coreTitle(xml: string | undefined): string | undefined {
  if (!xml) return undefined;
  const el = findDescendant(parseXml(xml).children, "title");
  const text = el ? cleanText(textContent(el)) : "";
  return text || undefined;
}

function textContent(el: Element): string {
  return el.children
    .map((c) => (c.type === "text" ? c.data : c.type === "tag" ? textContent(c as Element) : ""))
    .join("");
}

type ParagraphRole =
  | { kind: "heading"; level: number; isTitle: boolean }
  | { kind: "list-item" | "code" | "quote" | "paragraph" }
  | { kind: "skip" };

class DocxReader {
  readonly builder = new BlockBuilder();
  title: string | undefined;
  private readonly noteOrder: { kind: "footnote" | "endnote"; id: string; number: number }[] = [];
  private pendingCode: string[] = [];
  /** Paragraphs found inside text boxes of the paragraph being read; they follow it. */
  private boxed: Element[] = [];

  constructor(
    private readonly styles: Map<string, StyleInfo>,
    private readonly footnotes: Map<string, Element>,
    private readonly endnotes: Map<string, Element>,
  ) {}

  readBlocks(nodes: readonly ChildNode[]): void {
    for (const el of elements(nodes)) {
      const name = local(el);
      if (name === "p") this.paragraph(el);
      else if (name === "tbl") this.table(el);
      else if (name === "sdt") this.readBlocks(child(el, "sdtContent")?.children ?? []);
      else if (name === "customXml" || name === "ins" || name === "smartTag") this.readBlocks(el.children);
    }
    this.flushCode();
  }

  appendNotes(): void {
    this.flushCode();
    this.builder.closeHeadings();
    for (const note of this.noteOrder) {
      const el = (note.kind === "footnote" ? this.footnotes : this.endnotes).get(note.id);
      if (!el) continue;
      const text = elements(el.children)
        .filter((p) => local(p) === "p")
        .map((p) => this.runsText(p))
        .join(" ");
      this.builder.add("paragraph", `[${note.number}] ${text}`);
    }
  }

  private paragraph(p: Element): void {
    const role = this.role(p);
    this.boxed = [];
    const text = this.runsText(p);
    const boxed = this.boxed;
    this.boxed = [];
    if (role.kind === "code") {
      this.pendingCode.push(text);
    } else {
      this.flushCode();
      if (role.kind === "heading") {
        if (role.isTitle && !this.title && cleanText(text)) this.title = cleanText(text);
        this.builder.heading(text, role.level);
      } else if (role.kind !== "skip") {
        this.builder.add(role.kind, text);
      }
    }
    for (const inner of boxed) this.paragraph(inner);
  }

  private flushCode(): void {
    if (this.pendingCode.length === 0) return;
    this.builder.add("code", this.pendingCode.join("\n"));
    this.pendingCode = [];
  }

  private role(p: Element): ParagraphRole {
    const pPr = child(p, "pPr");
    const styleId = attr(child(pPr, "pStyle"), "val");
    const chain = this.styleChain(styleId);
    const names = chain.map((s) => s.name.toLowerCase());
    const name = names[0] ?? "";
    if (/^(toc|оглавление|содержание)\s*\d|^toc heading$/.test(name)) return { kind: "skip" };
    if (name === "title" || name === "заголовок") return { kind: "heading", level: 1, isTitle: true };
    const ownOutline = attr(child(pPr, "outlineLvl"), "val");
    const outline =
      ownOutline !== undefined ? Number(ownOutline) : chain.find((s) => s.outlineLevel !== undefined)?.outlineLevel;
    if (outline !== undefined && outline >= 0 && outline < 9)
      return { kind: "heading", level: outline + 1, isTitle: false };
    for (const n of names) {
      const m = /^(?:heading|заголовок|überschrift|titre|h)\s*([1-9])$/.exec(n);
      if (m) return { kind: "heading", level: Number(m[1]), isTitle: false };
    }
    if (child(pPr, "numPr") || chain.some((s) => s.numbered) || names.some((n) => /^list/.test(n)))
      return { kind: "list-item" };
    if (names.some((n) => /code|preformatted|source|listing|terminal|command|console/.test(n))) return { kind: "code" };
    if (names.some((n) => /quote|цитата/.test(n))) return { kind: "quote" };
    return { kind: "paragraph" };
  }

  private styleChain(styleId: string | undefined): StyleInfo[] {
    const chain: StyleInfo[] = [];
    let id = styleId;
    while (id && chain.length < 10) {
      const style = this.styles.get(id);
      if (!style) break;
      chain.push(style);
      id = style.basedOn;
    }
    return chain;
  }

  /** The text of a paragraph's runs, hyperlinks, fields and revisions; note references become "[n]". */
  private runsText(node: Element): string {
    let out = "";
    for (const el of elements(node.children)) {
      switch (local(el)) {
        case "t":
          out += textContent(el);
          break;
        case "tab":
        case "ptab":
          out += el.parent && local(el.parent as Element) === "r" ? " " : "";
          break;
        case "br":
        case "cr":
          out += " ";
          break;
        case "noBreakHyphen":
          out += "-";
          break;
        case "footnoteReference":
        case "endnoteReference":
          out += this.noteMarker(local(el) === "footnoteReference" ? "footnote" : "endnote", attr(el, "id"));
          break;
        case "txbxContent":
          this.boxed.push(...elements(el.children).filter((c) => local(c) === "p"));
          break;
        case "pPr":
        case "rPr":
        case "del":
        case "delText":
        case "moveFrom":
        case "instrText":
        case "Fallback": // the VML copy of a drawing whose DrawingML version (mc:Choice) was read
        case "footnoteRef":
        case "endnoteRef":
          break;
        default:
          out += this.runsText(el);
      }
    }
    return out;
  }

  private noteMarker(kind: "footnote" | "endnote", id: string | undefined): string {
    if (id === undefined) return "";
    const existing = this.noteOrder.find((n) => n.kind === kind && n.id === id);
    const number = existing?.number ?? this.noteOrder.length + 1;
    if (!existing) this.noteOrder.push({ kind, id, number });
    return `[${number}]`;
  }

  private table(tbl: Element): void {
    this.flushCode();
    const rows = elements(tbl.children)
      .filter((r) => local(r) === "tr")
      .map((r) => elements(r.children).filter((c) => local(c) === "tc" || local(c) === "sdt"));
    const columns = Math.max(0, ...rows.map((r) => r.length));
    if (columns <= 1) {
      // A one-column table is a box around ordinary content.
      for (const row of rows) for (const cell of row) this.readBlocks(cell.children);
      return;
    }
    const cellText = (cell: Element) =>
      elements(local(cell) === "sdt" ? (child(cell, "sdtContent")?.children ?? []) : cell.children)
        .flatMap((c) => (local(c) === "p" ? [this.runsText(c)] : local(c) === "tbl" ? [this.nestedTableText(c)] : []))
        .join(" ");
    const texts = rows.map((r) => r.map(cellText));
    const header = isHeaderRow(rows[0] as Element[], texts) ? texts[0] : undefined;
    for (const row of header ? texts.slice(1) : texts) this.builder.add("table-row", tableRowText(row, header));
  }

  /** A table nested in a cell: its paragraphs' text, row after row, as part of the cell. */
  private nestedTableText(tbl: Element): string {
    const paragraphs: string[] = [];
    const visit = (el: Element) => {
      for (const c of elements(el.children)) {
        if (local(c) === "p") paragraphs.push(this.runsText(c));
        else visit(c);
      }
    };
    visit(tbl);
    return paragraphs.join(" ");
  }
}

/**
 * Whether a table's first row names its columns: it is marked to repeat as a header, or it holds
 * short labels (no sentences) over at least one more row. Many Word tables have no header row.
 */
function isHeaderRow(firstRowCells: readonly Element[], texts: readonly string[][]): boolean {
  if (texts.length < 2) return false;
  const tr = firstRowCells[0]?.parent as Element | undefined;
  if (tr && findDescendant(child(tr, "trPr")?.children ?? [], "tblHeader")) return true;
  const cells = (texts[0] as string[]).map(cleanText);
  return cells.every((c) => c !== "" && c.length <= 60 && !/[.!?:;]$/.test(c));
}
