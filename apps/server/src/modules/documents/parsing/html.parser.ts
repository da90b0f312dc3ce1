import type { ChildNode, Element } from "domhandler";
import { parseDocument as parseHtmlDom } from "htmlparser2";
import { BlockBuilder, cleanText, tableRowText } from "./block-builder";
import type { BlockKind, ParsedDocument } from "./document.types";
import { detectLanguage } from "./language";
import { ParseError, unreadable } from "./parse-error";
import { decodeText } from "./text-decode";

/*
 * HTML through htmlparser2 (a forgiving, fast tokenizer; a 1.6 MB page parses in tens of ms) into a
 * DOM that is walked once. What a reader of the page would not call its content is skipped whole:
 * scripts, styles, SVG and MathML drawings, forms' controls, the page's own navigation, header and
 * footer (a header or footer inside an article or main is the article's and is kept), hidden
 * elements, and blocks whose class or id names navigation. Layout tables (one cell a row, or cells
 * holding headings or tables) are read as ordinary content; data tables become one block per row with the
 * header names.
 */

const SKIP = new Set([
  "script",
  "style",
  "noscript",
  "template",
  "svg",
  "math",
  "nav",
  "iframe",
  "object",
  "embed",
  "canvas",
  "button",
  "select",
  "textarea",
  "input",
  "head",
  "link",
  "meta",
]);
const BLOCK = new Set([
  "address",
  "article",
  "aside",
  "blockquote",
  "body",
  "center",
  "dd",
  "details",
  "dialog",
  "dir",
  "div",
  "dl",
  "dt",
  "fieldset",
  "figcaption",
  "figure",
  "form",
  "header",
  "footer",
  "hgroup",
  "hr",
  "li",
  "main",
  "menu",
  "ol",
  "p",
  "section",
  "summary",
  "ul",
  "caption",
  "legend",
  "br",
]);
const NAVIGATION_CLASS =
  /(^|[\s_-])(nav|navbar|navheader|navfooter|navigation|breadcrumbs?|sidebar|skip-?link|menu|toc\d*)([\s_-]|$)/i;
const HEADING = /^h([1-6])$/;

/** Parses HTML bytes into blocks; the title is <title>, else the first heading. */
export function parseHtml(buf: Buffer): ParsedDocument {
  const html = decodeText(buf);
  if (html === undefined) throw unreadable("HTML");
  return parseHtmlString(html);
}

function parseHtmlString(html: string): ParsedDocument {
  let dom: ReturnType<typeof parseHtmlDom>;
  try {
    dom = parseHtmlDom(html, { decodeEntities: true, lowerCaseTags: true });
  } catch (error) {
    throw unreadable("HTML", error);
  }
  const walker = new HtmlWalker();
  walker.walk(dom.children);
  walker.flush();
  const blocks = walker.builder.blocks;
  if (blocks.length === 0)
    throw new ParseError("document.no_text", "This page has no readable text. Check the file and upload it again.");
  const title = cleanText(textOf(findFirst(dom.children, "title")?.children ?? [])) || walker.builder.firstHeading();
  return {
    type: "html",
    ...(title ? { title } : {}),
    language: detectLanguage(blocks.map((b) => b.text).join("\n")),
    blocks,
  };
}

class HtmlWalker {
  readonly builder = new BlockBuilder();
  private buffer: string[] = [];
  private kind: Exclude<BlockKind, "heading"> = "paragraph";
  private quoteDepth = 0;
  private sectioningDepth = 0;

  walk(nodes: readonly ChildNode[]): void {
    for (const node of nodes) {
      if (node.type === "text") this.buffer.push(node.data);
      else if (node.type === "tag" || node.type === "script" || node.type === "style") this.element(node as Element);
      else if (node.type === "root" || node.type === "cdata") this.walk((node as { children: ChildNode[] }).children);
    }
  }

  /** Ends the running block of inline text. */
  flush(): void {
    const text = this.buffer.join("");
    this.buffer = [];
    this.builder.add(this.quoteDepth > 0 && this.kind === "paragraph" ? "quote" : this.kind, text);
  }

  private element(el: Element): void {
    const name = el.name;
    if (SKIP.has(name) || isHidden(el)) return;
    if ((name === "header" || name === "footer") && this.sectioningDepth === 0) return;
    if (NAVIGATION_CLASS.test(`${el.attribs.class ?? ""} ${el.attribs.id ?? ""} ${el.attribs.role ?? ""}`)) return;

    const heading = HEADING.exec(name);
    if (heading) {
      this.flush();
      // Documentation generators append a permalink mark ("#", "¶", "§") to headings.
      this.builder.heading(textOf(el.children).replace(/[\s#¶§]+$/u, ""), Number(heading[1]));
      return;
    }
    if (name === "pre") {
      this.flush();
      this.builder.add("code", textOf(el.children, true));
      return;
    }
    if (name === "table") {
      this.flush();
      this.table(el);
      return;
    }
    if (name === "li") {
      this.flush();
      const outer = this.kind;
      this.kind = "list-item";
      this.walk(el.children);
      this.flush();
      this.kind = outer;
      return;
    }
    if (name === "blockquote") {
      this.flush();
      this.quoteDepth += 1;
      this.walk(el.children);
      this.flush();
      this.quoteDepth -= 1;
      return;
    }
    if (name === "br") {
      // A line break inside a paragraph keeps the paragraph together.
      this.buffer.push(" ");
      return;
    }
    if (name === "img") {
      const alt = el.attribs.alt?.trim();
      if (alt) this.buffer.push(` ${alt} `);
      return;
    }
    if (BLOCK.has(name)) {
      const sectioning = name === "article" || name === "main";
      this.flush();
      if (sectioning) this.sectioningDepth += 1;
      // A list inside a list item ends that item's own text; the nested items are their own blocks.
      const outer = this.kind;
      if (name === "ul" || name === "ol" || name === "dl") this.kind = "paragraph";
      this.walk(el.children);
      this.flush();
      this.kind = outer;
      if (sectioning) this.sectioningDepth -= 1;
      return;
    }
    // Inline element: its text joins the running block; cells of inline tables get spaces.
    if (name === "td" || name === "th") this.buffer.push(" ");
    this.walk(el.children);
    if (name === "td" || name === "th") this.buffer.push(" ");
  }

  private table(table: Element): void {
    const rows = tableRows(table);
    const isLayout =
      table.attribs.role === "presentation" ||
      rows.every((r) => r.length <= 1) ||
      rows.some((r) => r.some((cell) => hasSectionContent(cell)));
    if (isLayout) {
      for (const row of rows)
        for (const cell of row) {
          this.walk(cell.children);
          this.flush();
        }
      return;
    }
    const caption = findFirst(table.children, "caption", "table");
    if (caption) this.builder.add("paragraph", textOf(caption.children));
    let header: string[] | undefined;
    for (const [i, row] of rows.entries()) {
      const cells = row.map((cell) => textOf(cell.children));
      const isHeaderRow = row.every((cell) => cell.name === "th") || (i === 0 && isInside(row[0], "thead"));
      if (isHeaderRow && !header) {
        header = cells;
        continue;
      }
      this.builder.add("table-row", tableRowText(cells, header));
    }
    // A table holding only a header row still has text worth keeping.
    if (header && rows.length === 1) this.builder.add("table-row", tableRowText(header));
  }
}

/** The rows of a table (through thead/tbody/tfoot, not into nested tables), each a list of cells. */
function tableRows(table: Element): Element[][] {
  const rows: Element[][] = [];
  const visit = (nodes: readonly ChildNode[]) => {
    for (const node of nodes) {
      if (node.type !== "tag") continue;
      const el = node as Element;
      if (el.name === "tr")
        rows.push(el.children.filter((c): c is Element => c.type === "tag" && (c.name === "td" || c.name === "th")));
      else if (el.name === "thead" || el.name === "tbody" || el.name === "tfoot") visit(el.children);
    }
  };
  visit(table.children);
  return rows;
}

/** Headings or tables inside a cell mean the table lays out a page rather than holding data. */
function hasSectionContent(el: Element): boolean {
  return el.children.some(
    (c) => c.type === "tag" && (/^(h[1-6]|table)$/.test((c as Element).name) || hasSectionContent(c as Element)),
  );
}

function isInside(el: Element | undefined, name: string): boolean {
  for (let p = el?.parent; p; p = p.parent) if (p.type === "tag" && (p as Element).name === name) return true;
  return false;
}

function isHidden(el: Element): boolean {
  const a = el.attribs;
  return "hidden" in a || a["aria-hidden"] === "true" || /display\s*:\s*none/i.test(a.style ?? "");
}

/** The text under nodes; with `pre`, whitespace and line breaks are kept. Skipped elements give none. */
function textOf(nodes: readonly ChildNode[], pre = false): string {
  let out = "";
  for (const node of nodes) {
    if (node.type === "text") out += node.data;
    else if (node.type === "tag") {
      const el = node as Element;
      if (SKIP.has(el.name) || isHidden(el)) continue;
      if (el.name === "br") out += pre ? "\n" : " ";
      else {
        const block = !pre && (BLOCK.has(el.name) || el.name === "td" || el.name === "th" || HEADING.test(el.name));
        out += block ? ` ${textOf(el.children, pre)} ` : textOf(el.children, pre);
      }
    } else if ("children" in node) out += textOf((node as { children: ChildNode[] }).children, pre);
  }
  return out;
}

/** The first element of that name in document order, not looking inside `stopAt` elements. */
function findFirst(nodes: readonly ChildNode[], name: string, stopAt?: string): Element | undefined {
  for (const node of nodes) {
    if (node.type !== "tag" && node.type !== "root") continue;
    const el = node as Element;
    if (el.name === name) return el;
    if (stopAt && el.name === stopAt) continue;
    const found = findFirst(el.children, name, stopAt);
    if (found) return found;
  }
  return undefined;
}
