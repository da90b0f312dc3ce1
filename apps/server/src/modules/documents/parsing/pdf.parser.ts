import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { PDFDocumentProxy, PDFPageProxy } from "pdfjs-dist/legacy/build/pdf.mjs";
import type { TextItem } from "pdfjs-dist/types/src/display/api";
import { BlockBuilder, cleanText, tableRowText } from "./block-builder";
import type { ParsedDocument, ParseOptions } from "./document.types";
import { detectLanguage } from "./language";
import { ParseError, unreadable } from "./parse-error";

/*
 * PDF text through pdfjs-dist (the legacy build, which runs in Node): no worker thread, no font
 * loading, no eval, no network (character maps and standard fonts come from the package's own
 * folders). A PDF holds positioned pieces of text, not paragraphs, so the reading order is rebuilt
 * page by page:
 * 1. pieces are grouped into lines by baseline (sub- and superscripts join their line);
 * 2. columns: a vertical gutter that no line crosses, with text on both sides of it on the same
 *    lines, splits a band of the page; the left column is read before the right one (recursively,
 *    so three columns work), and a line crossing the gutter (a title, a full-width figure caption)
 *    closes the band. A two-column table is told apart from text columns by how full its lines are;
 * 3. running headers, footers and page numbers (the same text in a page's margin on several pages)
 *    are dropped;
 * 4. lines become paragraphs where the spacing grows, the font size changes, a line starts with a
 *    bullet, or a short line ends a sentence; words hyphenated at line ends are joined again;
 *    consecutive lines cut into three or more cells by wide gaps are a table, its first line the
 *    header;
 * 5. headings: from the PDF's outline (bookmarks) when it has one, placed where each bookmark
 *    points; otherwise lines in a font clearly larger than the body text, ranked by size.
 */

/** Parsing gives up after this long, so a pathological file cannot hold a worker forever. */
const PARSE_TIMEOUT_MS = 120_000;
/** A PDF with fewer letters and digits than this per page is taken for a scan (stamps and page numbers aside). */
const MIN_TEXT_CHARS_PER_PAGE = 5;

const pdfjsRoot = dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json"));

interface Item {
  text: string;
  x0: number;
  x1: number;
  /** Baseline in page space with y growing downwards (after the page's rotation). */
  y: number;
  size: number;
}

interface Line {
  text: string;
  x0: number;
  x1: number;
  y: number;
  size: number;
  /** The line's text cut at wide gaps: more than two cells on consecutive lines make a table. */
  cells: string[];
  /** Right edge of the column the line was read in, to tell a paragraph's short last line. */
  columnRight: number;
  columnLeft: number;
}

interface PageLines {
  page: number;
  height: number;
  lines: Line[];
}

interface OutlineHeading {
  title: string;
  level: number;
  page: number;
  /** Where the bookmark points on its page (y downwards), when it says. */
  top?: number;
}

type Pdfjs = typeof import("pdfjs-dist/legacy/build/pdf.mjs");
let pdfjs: Pdfjs | undefined;
/** pdfjs weighs ~100 MB of memory once loaded: a server that never sees a PDF never loads it. */
async function loadPdfjs(): Promise<Pdfjs> {
  pdfjs ??= await import("pdfjs-dist/legacy/build/pdf.mjs");
  return pdfjs;
}

/** Parses PDF bytes into blocks with page numbers; throws ParseError for encrypted, scanned or broken files. */
export async function parsePdf(buf: Buffer, opts: ParseOptions = {}): Promise<ParsedDocument> {
  const { getDocument } = await loadPdfjs();
  const task = getDocument({
    data: new Uint8Array(buf), // a copy: pdfjs takes ownership of the array it is given
    ...(opts.password !== undefined ? { password: opts.password } : {}),
    cMapUrl: join(pdfjsRoot, "cmaps/"),
    cMapPacked: true,
    standardFontDataUrl: join(pdfjsRoot, "standard_fonts/"),
    wasmUrl: join(pdfjsRoot, "wasm/"),
    iccUrl: join(pdfjsRoot, "iccs/"),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    enableXfa: false,
    stopAtErrors: false,
    verbosity: 0,
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`PDF parsing took over ${PARSE_TIMEOUT_MS} ms`)), PARSE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([readPdf(task.promise), timeout]);
  } catch (error) {
    throw toParseError(error, opts.password !== undefined);
  } finally {
    clearTimeout(timer);
    await task.destroy().catch(() => undefined);
  }
}

function toParseError(error: unknown, hadPassword: boolean): ParseError {
  if (error instanceof ParseError) return error;
  const name = (error as { name?: string } | undefined)?.name;
  if (name === "PasswordException") {
    // pdfjs answers NEED_PASSWORD (1) without one and INCORRECT_PASSWORD (2) for a wrong one.
    const wrong = (error as { code?: number }).code === 2 || hadPassword;
    return wrong
      ? new ParseError(
          "document.wrong_password",
          "The password for this PDF is not correct. Check it and upload the file again.",
          { cause: error },
        )
      : new ParseError("document.encrypted", "This PDF is password-protected. Upload it again with its password.", {
          cause: error,
        });
  }
  return unreadable("PDF", error);
}

async function readPdf(loading: Promise<PDFDocumentProxy>): Promise<ParsedDocument> {
  const doc = await loading;
  const pages: PageLines[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    // pdfjs works on the main thread here (no worker in Node), its steps chained by promises: the
    // event loop is let run between pages, or a long PDF would hold it for seconds.
    if (n > 1) await new Promise<void>((resolve) => setImmediate(resolve));
    const page = await doc.getPage(n).catch(() => undefined);
    if (!page) continue; // one broken page should not lose the rest
    try {
      pages.push(await readPage(page, n));
    } catch {
      // same: skip the page
    } finally {
      page.cleanup();
    }
  }
  const textChars = pages.reduce((sum, p) => sum + p.lines.reduce((s, l) => s + countTextChars(l.text), 0), 0);
  if (textChars === 0 || textChars < MIN_TEXT_CHARS_PER_PAGE * doc.numPages) {
    throw new ParseError(
      "document.no_text",
      "This PDF has no extractable text (a scan?). Run it through OCR (text recognition) first, or upload the original document.",
    );
  }
  dropRunningHeaders(pages);
  const outline = await readOutline(doc);
  const builder = buildBlocks(pages, outline);
  const blocks = builder.blocks;
  const title = (await metadataTitle(doc)) ?? blocks.find((b) => b.kind === "heading" && b.page === 1)?.text;
  return {
    type: "pdf",
    ...(title ? { title } : {}),
    language: detectLanguage(blocks.map((b) => b.text).join("\n")),
    pageCount: doc.numPages,
    blocks,
  };
}

function countTextChars(text: string): number {
  return text.match(/[\p{L}\p{N}]/gu)?.length ?? 0;
}

async function metadataTitle(doc: PDFDocumentProxy): Promise<string | undefined> {
  const meta = await doc.getMetadata().catch(() => undefined);
  const raw = (meta?.info as { Title?: unknown } | undefined)?.Title;
  if (typeof raw !== "string") return undefined;
  const title = cleanText(raw.replace(/^Microsoft (Word|PowerPoint) - /, ""));
  return title && !/^(untitled|unbenannt|без названия)$|\.(docx?|pdf|tex|odt)$/i.test(title) ? title : undefined;
}

async function readPage(page: PDFPageProxy, pageNumber: number): Promise<PageLines> {
  const { Util } = await loadPdfjs();
  const viewport = page.getViewport({ scale: 1 });
  const content = await page.getTextContent({ includeMarkedContent: false });
  const items: Item[] = [];
  const rotated: string[] = [];
  for (const raw of content.items) {
    if (!("str" in raw) || raw.str.trim() === "") continue;
    const item = raw as TextItem;
    const [a, b, c, d, e, f] = Util.transform(viewport.transform, item.transform) as number[];
    const size = Math.hypot(c as number, d as number);
    if (Math.abs(b as number) > 0.01 * Math.abs(a as number) || (a as number) <= 0) {
      rotated.push(item.str); // vertical or upside-down text: keep its words, not its layout
      continue;
    }
    const x0 = e as number;
    items.push({
      text: item.str,
      x0,
      x1: x0 + Math.max(item.width, 0),
      y: f as number,
      size: size || item.height || 1,
    });
  }
  const lines = orderRegion(items, 0);
  if (rotated.length > 0) {
    const last = lines.at(-1);
    const y = (last?.y ?? 0) + 1000;
    const text = cleanText(rotated.join(" "));
    lines.push({ text, cells: [text], x0: 0, x1: 0, y, size: last?.size ?? 10, columnLeft: 0, columnRight: 0 });
  }
  return { page: pageNumber, height: viewport.height, lines };
}

/** Lines of a region in reading order, splitting it into columns where a gutter is found. */
function orderRegion(items: readonly Item[], depth: number): Line[] {
  const lines = groupLines(items);
  const left = Math.min(...items.map((i) => i.x0));
  const right = Math.max(...items.map((i) => i.x1));
  const gutter = depth < 3 ? findGutter(lines) : undefined;
  if (gutter === undefined) return lines.map((l) => toLine(l, left, right));

  const out: Line[] = [];
  let leftItems: Item[] = [];
  let rightItems: Item[] = [];
  const flush = () => {
    if (leftItems.length > 0) out.push(...orderRegion(leftItems, depth + 1));
    if (rightItems.length > 0) out.push(...orderRegion(rightItems, depth + 1));
    leftItems = [];
    rightItems = [];
  };
  for (const line of lines) {
    if (line.some((i) => i.x0 < gutter && i.x1 > gutter)) {
      flush();
      out.push(toLine(line, left, right));
    } else {
      for (const item of line) (item.x1 <= gutter ? leftItems : rightItems).push(item);
    }
  }
  flush();
  return out;
}

/** Items on one baseline (within half the larger font size), top to bottom, each line left to right. */
function groupLines(items: readonly Item[]): Item[][] {
  const sorted = [...items].sort((p, q) => p.y - q.y || p.x0 - q.x0);
  const lines: { y: number; size: number; items: Item[] }[] = [];
  for (const item of sorted) {
    const line = lines.at(-1);
    if (line && Math.abs(item.y - line.y) <= 0.5 * Math.max(line.size, item.size)) {
      line.items.push(item);
      if (item.size > line.size) {
        line.size = item.size;
        line.y = item.y;
      }
    } else {
      lines.push({ y: item.y, size: item.size, items: [item] });
    }
  }
  return lines.map((l) => l.items.sort((p, q) => p.x0 - q.x0));
}

/**
 * The x of a column gutter in these lines, if there is one: the widest vertical strip in the middle
 * of the region crossed by the fewest lines (at most a fifth), with text on both sides of it on at
 * least three lines, a fair share of the text on each side, and the lines on each side filling
 * their column and holding 25 characters or more (which tells text columns from a table's).
 */
function findGutter(lines: readonly Item[][]): number | undefined {
  const items = lines.flat();
  if (lines.length < 6 || items.length < 10) return undefined;
  const minX = Math.floor(Math.min(...items.map((i) => i.x0)));
  const maxX = Math.ceil(Math.max(...items.map((i) => i.x1)));
  const width = maxX - minX;
  if (width < 150) return undefined;

  const diff = new Int32Array(width + 2);
  for (const line of lines) {
    for (const [a, b] of mergedSpans(line)) {
      const start = Math.max(0, Math.floor(a) - minX);
      const end = Math.min(width + 1, Math.ceil(b) - minX);
      diff[start] = (diff[start] as number) + 1;
      diff[end] = (diff[end] as number) - 1;
    }
  }
  const cover = new Int32Array(width + 1);
  let running = 0;
  for (let x = 0; x <= width; x++) {
    running += diff[x] as number;
    cover[x] = running;
  }
  const from = Math.floor(width * 0.15);
  const to = Math.ceil(width * 0.85);
  let min = Number.POSITIVE_INFINITY;
  for (let x = from; x <= to; x++) min = Math.min(min, cover[x] as number);
  if (min > lines.length * 0.2) return undefined;
  // A page number or a stray mark in the gutter should not hide it: allow a few more crossings.
  const allowed = min + Math.max(1, Math.floor(lines.length * 0.05));
  let best: { start: number; length: number } | undefined;
  for (let x = from; x <= to; ) {
    if ((cover[x] as number) > allowed) {
      x += 1;
      continue;
    }
    const start = x;
    while (x <= to && (cover[x] as number) <= allowed) x += 1;
    if (!best || x - start > best.length) best = { start, length: x - start };
  }
  const sizes = items.map((i) => i.size).sort((p, q) => p - q);
  const medianSize = sizes[Math.floor(sizes.length / 2)] as number;
  if (!best || best.length < Math.max(4, medianSize * 0.4)) return undefined;
  const gutter = minX + best.start + best.length / 2;

  let sideBySide = 0;
  let leftLines = 0;
  let rightLines = 0;
  let leftChars = 0;
  let rightChars = 0;
  const leftFill: number[] = [];
  const rightFill: number[] = [];
  const leftLengths: number[] = [];
  const rightLengths: number[] = [];
  for (const line of lines) {
    if (line.some((i) => i.x0 < gutter && i.x1 > gutter)) continue;
    const l = line.filter((i) => i.x1 <= gutter);
    const r = line.filter((i) => i.x0 >= gutter);
    if (l.length > 0) {
      leftLines += 1;
      leftChars += l.reduce((s, i) => s + i.text.length, 0);
      leftFill.push(spanOf(l));
      leftLengths.push(l.reduce((s, i) => s + i.text.length, 0));
    }
    if (r.length > 0) {
      rightLines += 1;
      rightChars += r.reduce((s, i) => s + i.text.length, 0);
      rightFill.push(spanOf(r));
      rightLengths.push(r.reduce((s, i) => s + i.text.length, 0));
    }
    if (l.length > 0 && r.length > 0) sideBySide += 1;
  }
  const chars = leftChars + rightChars;
  if (leftLines < 3 || rightLines < 3 || sideBySide < 3 || sideBySide < 0.3 * Math.min(leftLines, rightLines))
    return undefined;
  if (leftChars < 0.15 * chars || rightChars < 0.15 * chars) return undefined;
  const leftWidth = gutter - minX;
  const rightWidth = maxX - gutter;
  if (median(leftFill) < 0.5 * leftWidth || median(rightFill) < 0.5 * rightWidth) return undefined;
  // Columns of prose hold lines of some length; a table's cells are short.
  if (median(leftLengths) < 25 || median(rightLengths) < 25) return undefined;
  return gutter;
}

function mergedSpans(line: readonly Item[]): [number, number][] {
  const spans: [number, number][] = [];
  for (const i of line) {
    const last = spans.at(-1);
    if (last && i.x0 <= last[1] + 0.5) last[1] = Math.max(last[1], i.x1);
    else spans.push([i.x0, i.x1]);
  }
  return spans;
}

function spanOf(items: readonly Item[]): number {
  return Math.max(...items.map((i) => i.x1)) - Math.min(...items.map((i) => i.x0));
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** One line's text: pieces joined with a space where there is a visible gap; overprinted copies dropped. */
function toLine(items: readonly Item[], columnLeft: number, columnRight: number): Line {
  let text = "";
  let cell = "";
  const cells: string[] = [];
  let prev: Item | undefined;
  const sizeChars = new Map<number, number>();
  for (const item of items) {
    // Fake bold prints the same text twice, slightly shifted.
    if (prev && item.text === prev.text && Math.abs(item.x0 - prev.x0) < item.size * 0.3) continue;
    if (prev) {
      const gap = item.x0 - prev.x1;
      if (gap > item.size * 0.15 && !/\s$/.test(text) && !/^\s/.test(item.text)) {
        text += " ";
        cell += " ";
      }
      if (gap > item.size) {
        cells.push(cell);
        cell = "";
      }
    }
    text += item.text;
    cell += item.text;
    const size = Math.round(item.size * 2) / 2;
    sizeChars.set(size, (sizeChars.get(size) ?? 0) + item.text.length);
    prev = item;
  }
  let size = 0;
  let most = -1;
  for (const [s, n] of sizeChars) if (n > most) [size, most] = [s, n];
  const main = items.find((i) => Math.round(i.size * 2) / 2 === size) ?? (items[0] as Item);
  return {
    text: cleanText(text),
    cells: [...cells, cell].map(cleanText).filter((c) => c !== ""),
    x0: Math.min(...items.map((i) => i.x0)),
    x1: Math.max(...items.map((i) => i.x1)),
    y: main.y,
    size,
    columnLeft,
    columnRight,
  };
}

/**
 * Drops page numbers and running headers/footers. A page number is a number alone on a page's first
 * or last line, or the number at either end of that line when it follows the page index through the
 * document (running heads like "4 1.1. TOPOLOGICAL SPACES"). Other text in the page margins that
 * repeats verbatim on several pages is a running header or footer.
 */
function dropRunningHeaders(pages: PageLines[]): void {
  const inMargin = (line: Line, page: PageLines) => line.y < page.height * 0.12 || line.y > page.height * 0.88;
  const alone =
    /^(page|seite|стр\.?|страница|p\.)?\s*[-–—]?\s*(\d{1,4}|[ivxlc]{1,7})\s*([-–—]|(of|von|из|\/)\s*\d{1,4})?\s*$/i;
  const key = (text: string) => text.toLowerCase().replace(/\s+/g, " ");
  const edgeNumbers = (text: string) =>
    [/^(\d{1,4})\s/.exec(text)?.[1], /\s(\d{1,4})$/.exec(text)?.[1]].filter((n) => n !== undefined).map(Number);
  const edges = (page: PageLines) =>
    [page.lines[0], page.lines.at(-1)].filter((l): l is Line => l !== undefined && inMargin(l, page));

  // The printed number minus the page index, when most pages agree on it.
  const offsets = new Map<number, number>();
  for (const page of pages) {
    const seenHere = new Set<number>();
    for (const line of edges(page)) for (const n of edgeNumbers(line.text)) seenHere.add(n - page.page);
    for (const o of seenHere) offsets.set(o, (offsets.get(o) ?? 0) + 1);
  }
  const [offset, agreeing] = [...offsets.entries()].sort((a, b) => b[1] - a[1])[0] ?? [0, 0];
  const numbered = pages.length >= 3 && agreeing >= Math.max(3, pages.length * 0.3);

  const seen = new Map<string, number>();
  for (const page of pages) {
    const keys = new Set(page.lines.filter((l) => inMargin(l, page)).map((l) => key(l.text)));
    for (const k of keys) seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  const minRepeats = Math.max(3, Math.min(5, Math.ceil(pages.length * 0.3)));
  for (const page of pages) {
    const edgeLines = new Set([page.lines[0], page.lines.at(-1)]);
    page.lines = page.lines.filter((line) => {
      const atEdge = edgeLines.has(line);
      if ((atEdge || inMargin(line, page)) && alone.test(line.text)) return false;
      if (!inMargin(line, page)) return true;
      if (atEdge && numbered && edgeNumbers(line.text).includes(page.page + offset)) return false;
      return pages.length < 3 || (seen.get(key(line.text)) ?? 0) < minRepeats;
    });
  }
}

async function readOutline(doc: PDFDocumentProxy): Promise<OutlineHeading[]> {
  const outline = await doc.getOutline().catch(() => null);
  if (!outline || outline.length === 0) return [];
  const headings: OutlineHeading[] = [];
  const visit = async (entries: typeof outline, level: number) => {
    for (const entry of entries) {
      const title = cleanText(entry.title ?? "");
      const target = title ? await resolveDestination(doc, entry.dest) : undefined;
      if (target) headings.push({ title, level, ...target });
      if (entry.items?.length && level < 6) await visit(entry.items, level + 1);
    }
  };
  await visit(outline, 1);
  return headings;
}

async function resolveDestination(
  doc: PDFDocumentProxy,
  dest: string | unknown[] | null,
): Promise<{ page: number; top?: number } | undefined> {
  try {
    const explicit = typeof dest === "string" ? await doc.getDestination(dest) : dest;
    if (!Array.isArray(explicit) || explicit.length === 0) return undefined;
    const ref = explicit[0];
    const index =
      typeof ref === "number" ? ref : await doc.getPageIndex(ref as Parameters<PDFDocumentProxy["getPageIndex"]>[0]);
    const mode = (explicit[1] as { name?: string } | undefined)?.name;
    const rawTop = mode === "XYZ" ? explicit[3] : mode === "FitH" || mode === "FitBH" ? explicit[2] : undefined;
    if (typeof rawTop !== "number") return { page: index + 1 };
    const page = await doc.getPage(index + 1);
    const [, top] = page.getViewport({ scale: 1 }).convertToViewportPoint(0, rawTop) as [number, number];
    return { page: index + 1, top };
  } catch {
    return undefined;
  }
}

const BULLET = /^([•◦▪■□●○►▸‣⁃✓\uf0b7\uf0a7\uf0d8\uf0fc*]|[-–—](?=\s)|\(?\d{1,2}[.)](?=\s)|\(?[a-zа-я][.)](?=\s))\s*/u;

/** Turns ordered lines into heading, list-item and paragraph blocks. */
function buildBlocks(pages: readonly PageLines[], outline: readonly OutlineHeading[]): BlockBuilder {
  const allLines = pages.flatMap((p) => p.lines);
  const bodySize = modeSize(allLines);
  const leading = typicalLeading(pages, bodySize);
  const useOutline = outline.length >= 2;
  const headingLevels = useOutline ? new Map<number, number>() : headingSizeLevels(allLines, bodySize);
  const builder = new BlockBuilder();

  for (const { page, lines } of pages) {
    const bookmarks = outline.filter((h) => h.page === page);
    let current: { kind: "paragraph" | "list-item"; lines: Line[] } | undefined;
    const flush = () => {
      if (current) builder.add(current.kind, joinLines(current.lines), page);
      current = undefined;
    };
    for (let i = 0; i < lines.length; i++) {
      // Bookmarks pointing at or above this line open their headings here.
      while (bookmarks.length > 0 && opensBefore(bookmarks[0] as OutlineHeading, lines[i] as Line)) {
        const mark = bookmarks.shift() as OutlineHeading;
        flush();
        builder.heading(mark.title, mark.level, page);
        i = skipTitleLines(lines, i, mark.title) + 1;
        if (i >= lines.length) break;
      }
      const line = lines[i];
      if (!line) break;
      const level = headingLevels.get(line.size);
      if (level !== undefined && line.text.length <= 200 && /\p{L}/u.test(line.text)) {
        flush();
        // A heading set on two or three lines is one heading.
        const parts = [line];
        while (
          parts.length < 3 &&
          lines[i + 1]?.size === line.size &&
          (lines[i + 1] as Line).y - (parts.at(-1) as Line).y <= line.size * 1.6
        ) {
          parts.push(lines[++i] as Line);
        }
        builder.heading(joinLines(parts), level, page);
        continue;
      }
      const tableEnd = tableRunEnd(lines, i);
      if (tableEnd > i) {
        flush();
        const header = line.cells;
        for (let j = i + 1; j <= tableEnd; j++) {
          const cells = (lines[j] as Line).cells;
          builder.add(
            "table-row",
            cells.length === header.length ? tableRowText(cells, header) : cells.join(" | "),
            page,
          );
        }
        i = tableEnd;
        continue;
      }
      const bullet = BULLET.exec(line.text);
      if (bullet && line.text.length > bullet[0].length) {
        flush();
        // Symbols go; numbers and letters ("2.", "b)") are part of what the item says.
        const text = /^[\p{N}\p{L}(]/u.test(bullet[0]) ? line.text : line.text.slice(bullet[0].length);
        current = { kind: "list-item", lines: [{ ...line, text }] };
        continue;
      }
      if (current && continues(current.lines.at(-1) as Line, line, leading)) current.lines.push(line);
      else {
        flush();
        current = { kind: "paragraph", lines: [line] };
      }
    }
    flush();
    for (const mark of bookmarks) builder.heading(mark.title, mark.level, page);
  }
  return builder;
}

function opensBefore(mark: OutlineHeading, line: Line): boolean {
  return mark.top === undefined || mark.top <= line.y + line.size;
}

/**
 * A table in a PDF is only lines with wide gaps: two or more consecutive lines of three or more
 * cells. Returns the index of the table's last line (the first is its header), or i when none.
 */
function tableRunEnd(lines: readonly Line[], i: number): number {
  let j = i;
  while (j < lines.length && (lines[j] as Line).cells.length >= 3) j += 1;
  return j - i >= 2 ? j - 1 : i;
}

/** Index of the last line that spells the bookmark's title (up to three lines), or i - 1 when none do. */
function skipTitleLines(lines: readonly Line[], i: number, title: string): number {
  const want = normalizeTitle(title);
  if (!want) return i - 1;
  let have = "";
  for (let j = i; j < Math.min(lines.length, i + 3); j++) {
    have += normalizeTitle((lines[j] as Line).text);
    if (have === want) return j;
    if (!want.startsWith(have)) break;
  }
  return i - 1;
}

/** Letters and digits only, without the section number ("2.1 Foo" and "Foo" match). */
function normalizeTitle(text: string): string {
  return text
    .toLowerCase()
    .replace(/^\s*((chapter|kapitel|глава|раздел|section|teil|part)\s+)?[\divxlc]+([.\d]*)\.?\s+/u, "")
    .replace(/[^\p{L}\p{N}]/gu, "");
}

/** Whether a line continues the paragraph whose last line is `prev`. */
function continues(prev: Line, line: Line, leading: number): boolean {
  const dy = line.y - prev.y;
  if (dy <= 0 || dy > Math.max(leading, prev.size) * 1.35) return false;
  if (Math.abs(line.size - prev.size) > 0.15 * prev.size) return false;
  // A short line that ends a sentence ends its paragraph.
  const short = prev.x1 < prev.columnRight - 0.15 * (prev.columnRight - prev.columnLeft);
  return !(short && /[.!?:;»"”)]$/.test(prev.text));
}

/** Lines of a paragraph as one text: words hyphenated across lines are put back together. */
function joinLines(lines: readonly Line[]): string {
  let text = "";
  for (const line of lines) {
    if (!text) text = line.text;
    else if (/\p{L}-$/u.test(text) && /^\p{Ll}/u.test(line.text)) text = text.slice(0, -1) + line.text;
    else if (/\p{L}-$/u.test(text)) text += line.text;
    else text += ` ${line.text}`;
  }
  return text;
}

/** The font size most of the text is set in. */
function modeSize(lines: readonly Line[]): number {
  const chars = new Map<number, number>();
  for (const l of lines) chars.set(l.size, (chars.get(l.size) ?? 0) + l.text.length);
  let best = 0;
  let most = -1;
  for (const [size, n] of chars) if (n > most) [best, most] = [size, n];
  return best;
}

/** The usual distance between consecutive body lines of one paragraph. */
function typicalLeading(pages: readonly PageLines[], bodySize: number): number {
  const gaps: number[] = [];
  for (const { lines } of pages) {
    for (let i = 1; i < lines.length; i++) {
      const a = lines[i - 1] as Line;
      const b = lines[i] as Line;
      const dy = b.y - a.y;
      if (a.size === bodySize && b.size === bodySize && dy > 0 && dy < bodySize * 3) gaps.push(dy);
    }
  }
  return gaps.length > 0 ? median(gaps) : bodySize * 1.2;
}

/**
 * Heading levels by font size: sizes at least 15% above the body size whose lines are short and
 * few (a size that sets much of the text is body text, as on slides), largest first, four at most.
 */
function headingSizeLevels(lines: readonly Line[], bodySize: number): Map<number, number> {
  const total = lines.reduce((s, l) => s + l.text.length, 0);
  const stats = new Map<number, { chars: number; lines: number; long: number }>();
  for (const l of lines) {
    if (l.size < bodySize * 1.15) continue;
    const s = stats.get(l.size) ?? { chars: 0, lines: 0, long: 0 };
    s.chars += l.text.length;
    s.lines += 1;
    if (l.text.length > 120) s.long += 1;
    stats.set(l.size, s);
  }
  const sizes = [...stats.entries()]
    .filter(([, s]) => s.chars < total * 0.2 && s.long <= s.lines * 0.2)
    .map(([size]) => size)
    .sort((a, b) => b - a)
    .slice(0, 4);
  return new Map(sizes.map((size, i) => [size, i + 1]));
}
