import { parseCsvRecords } from "./csv.parser";
import type { DocumentType } from "./document.types";
import { decodeTextHead, detectTextEncoding } from "./text-decode";

/*
 * The type of an upload comes from its bytes. The file name is only a tie-breaker between text
 * types (a list of "a, b" lines could be CSV or prose); it never makes binary data count as text.
 * Pass the whole file when it is in memory: a DOCX's word/document.xml is normally among its first
 * entries, but the authoritative list of a ZIP's entries is at its end.
 */

/** Bytes of a text file the type heuristics look at (the whole file is still checked to be text). */
const SNIFF_TEXT_BYTES = 64 * 1024;
const DOCX_MAIN_PART = "word/document.xml";

/** The document type of a file from its content, or undefined for a type Atrium does not read. */
export function sniffType(head: Buffer, filename?: string): DocumentType | undefined {
  if (isPdf(head)) return "pdf";
  if (isZip(head)) return isDocx(head) ? "docx" : undefined;
  const text = decodeTextHead(head, SNIFF_TEXT_BYTES);
  if (text === undefined) return undefined;
  if (looksLikeHtml(text)) return "html";
  return textType(text, extensionOf(filename), head.length > SNIFF_TEXT_BYTES);
}

function extensionOf(filename?: string): string {
  const match = filename?.toLowerCase().match(/\.([a-z0-9]+)$/);
  return match?.[1] ?? "";
}

/**
 * "%PDF-" at the start, or within the first KB after binary junk (readers tolerate a prefix such as a
 * MacBinary header); a text file that merely mentions "%PDF-" stays text.
 */
function isPdf(head: Buffer): boolean {
  const at = head.subarray(0, 1024).indexOf("%PDF-", 0, "latin1");
  return at === 0 || (at > 0 && detectTextEncoding(head.subarray(0, at), true) === undefined);
}

function isZip(head: Buffer): boolean {
  return head.length >= 4 && head.readUInt32LE(0) === 0x04034b50;
}

/**
 * A ZIP is a DOCX when its central directory (at the end of the file) lists word/document.xml. When
 * only the head of the file is at hand, its local headers are walked instead, and any entry under
 * word/ counts (the main part may come after the images); XLSX and PPTX keep theirs under xl/ and ppt/.
 */
function isDocx(zip: Buffer): boolean {
  const central = centralDirectoryNames(zip);
  if (central) return central.includes(DOCX_MAIN_PART);
  return localHeaderNames(zip).some((name) => name === DOCX_MAIN_PART || name.startsWith("word/"));
}

function centralDirectoryNames(zip: Buffer): string[] | undefined {
  const EOCD = 0x06054b50;
  const minEnd = Math.max(0, zip.length - 22 - 65_535);
  for (let at = zip.length - 22; at >= minEnd; at--) {
    if (zip.readUInt32LE(at) !== EOCD) continue;
    const count = zip.readUInt16LE(at + 10);
    let offset = zip.readUInt32LE(at + 16);
    if (offset === 0xffffffff || offset >= zip.length) return undefined; // ZIP64 or a head only
    const names: string[] = [];
    for (let i = 0; i < count && offset + 46 <= zip.length; i++) {
      if (zip.readUInt32LE(offset) !== 0x02014b50) return undefined;
      const nameLength = zip.readUInt16LE(offset + 28);
      const extraLength = zip.readUInt16LE(offset + 30);
      const commentLength = zip.readUInt16LE(offset + 32);
      names.push(zip.toString("utf8", offset + 46, offset + 46 + nameLength));
      offset += 46 + nameLength + extraLength + commentLength;
    }
    return names;
  }
  return undefined;
}

function localHeaderNames(zip: Buffer): string[] {
  const LOCAL = 0x04034b50;
  const names: string[] = [];
  let offset = 0;
  while (offset + 30 <= zip.length && names.length < 10_000) {
    if (zip.readUInt32LE(offset) !== LOCAL) {
      // After an entry whose size is only in a trailing data descriptor, find the next header.
      const next = zip.indexOf("PK\u0003\u0004", offset + 1, "latin1");
      if (next < 0) break;
      offset = next;
      continue;
    }
    const flags = zip.readUInt16LE(offset + 6);
    const compressedSize = zip.readUInt32LE(offset + 18);
    const nameLength = zip.readUInt16LE(offset + 26);
    const extraLength = zip.readUInt16LE(offset + 28);
    names.push(zip.toString("utf8", offset + 30, Math.min(zip.length, offset + 30 + nameLength)));
    const dataStart = offset + 30 + nameLength + extraLength;
    offset = flags & 0x08 && compressedSize === 0 ? dataStart : dataStart + compressedSize;
  }
  return names;
}

/** A doctype or the html/head/body skeleton near the start; a Markdown file with a few tags is not HTML. */
function looksLikeHtml(text: string): boolean {
  const start = text
    .slice(0, 4096)
    .replace(/^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*/i, "")
    .toLowerCase();
  if (start.startsWith("<!doctype html")) return true;
  if (!start.startsWith("<")) return false;
  return (
    /^<(html|head|body|meta|title|link|style|script|div|p|h[1-6]|table|article|section)[\s>/]/.test(start) &&
    /<\/?(html|head|body|title|p|div|h[1-6]|table|br)[\s>/]/.test(text.toLowerCase())
  );
}

/** Markdown, CSV or plain text from content; the extension decides only what the content leaves open. */
function textType(text: string, ext: string, truncated: boolean): DocumentType {
  const markdown = markdownSignals(text);
  const csv = csvShape(text, truncated);
  if (csv === "strong" && markdown < 2) return "csv";
  if (markdown >= 2) return "markdown";
  if (["md", "markdown", "mdown", "mkd", "mdx"].includes(ext)) return "markdown";
  if (["csv", "tsv", "tab"].includes(ext) && csv !== "none") return "csv";
  if (csv === "strong") return "csv";
  return "text";
}

/** How many different kinds of Markdown syntax appear (one alone is too weak a sign). */
function markdownSignals(text: string): number {
  const checks = [
    /^#{1,6}[ \t]+\S/m, // ATX heading
    /^(```|~~~)/m, // fenced code
    /^[ \t]{0,3}[-*+][ \t]+\S/m, // bullet list
    /^[ \t]{0,3}\d{1,3}[.)][ \t]+\S/m, // ordered list
    /\[[^\]\n]+\]\([^)\s]+\)/, // link
    /^\|?[ \t]*:?-{3,}:?[ \t]*\|/m, // table separator
    /(\*\*|__)\S[^\n]*?\S\1/, // strong emphasis
    /`[^`\n]+`/, // inline code
    /^>[ \t]?\S/m, // block quote
    /^\S[^\n]*\n(=+|-+)[ \t]*$/m, // setext heading
  ];
  return checks.filter((re) => re.test(text)).length;
}

/**
 * "strong": for one delimiter, the first 50 records (read as RFC 4180, so quoted delimiters and
 * newlines count right) nearly all have the first record's field count, above one, over at least
 * three records (when it is two: five short ones, or three with a numeric column); "weak": some record
 * holds a delimiter; "none" otherwise.
 */
function csvShape(text: string, truncated: boolean): "strong" | "weak" | "none" {
  let weak = false;
  for (const delimiter of [",", ";", "\t", "|"]) {
    const records = parseCsvRecords(text, delimiter, 51)
      .slice(0, truncated ? -1 : undefined) // the last record of a cut head may be cut too
      .filter((r) => r.some((c) => c.trim() !== ""));
    if (records.length === 0) continue;
    const counts = records.map((r) => r.length - 1);
    if (counts.some((c) => c > 0)) weak = true;
    const first = counts[0] as number;
    const consistent = counts.filter((c) => c === first).length >= records.length * 0.9;
    // Two fields a line is also what prose with one comma a line looks like: ask for more evidence.
    const lines = records.map((r) => r.join(delimiter));
    const enough =
      first >= 2
        ? records.length >= 3
        : (records.length >= 5 && averageLength(lines) < 120) ||
          (records.length >= 3 && hasNumericColumn(records.slice(1)));
    if (first > 0 && consistent && enough) {
      // A Markdown table uses pipes at both ends; that is Markdown's, not CSV's.
      if (delimiter === "|" && lines.every((l) => l.trim().startsWith("|"))) continue;
      return "strong";
    }
  }
  return weak ? "weak" : "none";
}

/** Whether some column holds a number in every record (prose lines never do). */
function hasNumericColumn(records: readonly string[][]): boolean {
  const width = records[0]?.length ?? 0;
  for (let col = 0; col < width; col++) {
    if (records.every((r) => /^\s*[-+]?[\d\s.,]*\d%?\s*$/.test(r[col] ?? ""))) return true;
  }
  return false;
}

function averageLength(lines: readonly string[]): number {
  return lines.reduce((sum, l) => sum + l.length, 0) / lines.length;
}
