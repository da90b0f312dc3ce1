import { BlockBuilder, cleanText, tableRowText } from "./block-builder";
import type { ParsedDocument } from "./document.types";
import { detectLanguage } from "./language";
import { ParseError, unreadable } from "./parse-error";
import { decodeText } from "./text-decode";

/*
 * CSV as RFC 4180 reads it: quoted fields may hold delimiters, doubled quotes and newlines. The
 * delimiter (comma, semicolon, tab or pipe) is the one that splits the first records into the most
 * equal field counts. The first record is the header when none of its cells is empty or a number;
 * each later record becomes one table-row block "Header: value | Header: value", so a retrieved row
 * still says what its values mean.
 */

const DELIMITERS = [",", ";", "\t", "|"] as const;

/** Parses CSV/TSV bytes into one table-row block per record. */
export function parseCsv(buf: Buffer): ParsedDocument {
  const text = decodeText(buf);
  if (text === undefined) throw unreadable("CSV");
  const records = parseCsvRecords(text, detectDelimiter(text)).filter((r) => r.some((c) => c.trim() !== ""));
  if (records.length === 0)
    throw new ParseError("document.no_text", "This CSV file is empty. Check the file and upload it again.");

  const first = records[0] as string[];
  const hasHeader = records.length > 1 && first.every((c) => cleanText(c) !== "" && !/^[-+]?[\d.,\s%]+$/.test(c));
  const header = hasHeader ? first : undefined;
  const builder = new BlockBuilder();
  for (const record of hasHeader ? records.slice(1) : records) builder.add("table-row", tableRowText(record, header));
  const allText = builder.blocks.map((b) => b.text).join("\n");
  return { type: "csv", language: detectLanguage(allText), blocks: builder.blocks };
}

/** The delimiter whose field counts over the first records are most consistent and above one. */
export function detectDelimiter(text: string): string {
  const sample = text.slice(0, 64 * 1024);
  let best: { delimiter: string; score: number } = { delimiter: ",", score: -1 };
  for (const delimiter of DELIMITERS) {
    const counts = parseCsvRecords(sample, delimiter, 30).map((r) => r.length);
    if (counts.length === 0) continue;
    const modal = mode(counts);
    if (modal < 2) continue;
    const share = counts.filter((c) => c === modal).length / counts.length;
    const score = share * 10 + Math.min(modal, 10) / 10;
    if (score > best.score) best = { delimiter, score };
  }
  return best.delimiter;
}

/** RFC 4180 records. A quote opens a quoted field only at a field's start; stray quotes stay text. */
export function parseCsvRecords(text: string, delimiter: string, limit = Number.POSITIVE_INFINITY): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let i = 0;
  let quoted = false;
  let fieldStart = true;
  while (i < text.length && records.length < limit) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += ch;
      }
      i += 1;
      continue;
    }
    if (ch === '"' && fieldStart) {
      quoted = true;
      fieldStart = false;
    } else if (ch === delimiter) {
      record.push(field);
      field = "";
      fieldStart = true;
      i += 1;
      continue;
    } else if (ch === "\n" || ch === "\r") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      fieldStart = true;
      if (ch === "\r" && text[i + 1] === "\n") i += 1;
    } else {
      field += ch;
      fieldStart = false;
    }
    i += 1;
  }
  if (records.length < limit && (field !== "" || record.length > 0)) {
    record.push(field);
    records.push(record);
  }
  return records;
}

function mode(values: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = 0;
  let bestCount = 0;
  for (const [v, c] of counts) if (c > bestCount || (c === bestCount && v > best)) [best, bestCount] = [v, c];
  return best;
}
