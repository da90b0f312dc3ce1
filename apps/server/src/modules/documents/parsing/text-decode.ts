/*
 * Turning the bytes of a text-like file into a string. UTF-8 (with or without a byte order mark) is
 * the norm; UTF-16 with a byte order mark is what Windows tools write for "Unicode text"; and the
 * Windows code pages are still common in files from older software: 1251 for Russian, 1252 for
 * Western European languages. They are told apart by how many letters are above 0x7F (nearly all in
 * Russian text, a few accented ones in French or German). Anything else is refused, so binary data
 * is never indexed as text.
 */

const UTF8_BOM = [0xef, 0xbb, 0xbf];

export type TextEncoding = "utf-8" | "utf-16le" | "utf-16be" | "windows-1251" | "windows-1252";

/** The encoding of bytes that hold text, or undefined for binary data. `truncated`: bytes are a file's head. */
export function detectTextEncoding(bytes: Uint8Array, truncated = false): TextEncoding | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    return hasOnlyTextChars(decodeUtf16(bytes, "utf-16le")) ? "utf-16le" : undefined;
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return hasOnlyTextChars(decodeUtf16(bytes, "utf-16be")) ? "utf-16be" : undefined;
  if (bytes.includes(0)) return undefined;
  const utf8 = truncated ? bytes.subarray(0, completeUtf8Length(bytes)) : bytes;
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(utf8);
    return hasOnlyTextChars(text) ? "utf-8" : undefined;
  } catch {
    return legacyCodePage(bytes);
  }
}

/** Text of a text-like file, without byte order mark and with \n line ends; undefined for binary data. */
export function decodeText(bytes: Uint8Array): string | undefined {
  const encoding = detectTextEncoding(bytes);
  if (!encoding) return undefined;
  let text: string;
  if (encoding === "utf-8") {
    const start = UTF8_BOM.every((b, i) => bytes[i] === b) ? 3 : 0;
    text = new TextDecoder("utf-8").decode(bytes.subarray(start));
  } else if (encoding === "windows-1251" || encoding === "windows-1252") {
    text = new TextDecoder(encoding).decode(bytes);
  } else {
    text = decodeUtf16(bytes, encoding);
  }
  return text.replace(/\r\n?/g, "\n");
}

/** The text of at most `maxBytes` from the start of a text-like file, cut at a whole character. */
export function decodeTextHead(bytes: Uint8Array, maxBytes: number): string | undefined {
  const encoding = detectTextEncoding(bytes, true);
  if (!encoding) return undefined;
  let end = Math.min(bytes.length, maxBytes);
  if (encoding === "utf-8") end = completeUtf8Length(bytes.subarray(0, end));
  else if (encoding.startsWith("utf-16")) end -= end % 2;
  return decodeText(bytes.subarray(0, end));
}

function decodeUtf16(bytes: Uint8Array, encoding: "utf-16le" | "utf-16be"): string {
  // The decoder drops the byte order mark itself.
  return new TextDecoder(encoding).decode(bytes.subarray(0, bytes.length - (bytes.length % 2)));
}

/** Length of the prefix that ends on a whole UTF-8 character (a head cut mid-character is still text). */
function completeUtf8Length(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = bytes[n - back] as number;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead byte
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? n - back : n;
  }
  return n;
}

/** Control characters other than tab, newline, form feed and carriage return mean binary data. */
function hasOnlyTextChars(text: string): boolean {
  const sample = text.length > 65_536 ? text.slice(0, 65_536) : text;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point
  return !/[\u0000-\u0008\u000B\u000E-\u001A\u001C-\u001F\uFFFD]/.test(sample);
}

/**
 * Windows-1251 or 1252 text: no control bytes and no byte these code pages leave unassigned. Russian
 * text in 1251 has most of its letters above 0x7F (0xC0-0xFF, Ё/ё); Western text in 1252 has mostly
 * ASCII letters and some accented ones.
 */
function legacyCodePage(bytes: Uint8Array): "windows-1251" | "windows-1252" | undefined {
  const n = Math.min(bytes.length, 65_536);
  let ascii = 0;
  let high = 0;
  const unassigned1251 = 0x98;
  const unassigned1252 = [0x81, 0x8d, 0x8f, 0x90, 0x9d];
  let seen1251Gap = false;
  let seen1252Gap = false;
  for (let i = 0; i < n; i++) {
    const b = bytes[i] as number;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d && b !== 0x1b) return undefined;
    if (b === 0x7f) return undefined;
    if ((b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)) ascii += 1;
    else if (b >= 0xc0 || b === 0xa8 || b === 0xb8) high += 1;
    if (b === unassigned1251) seen1251Gap = true;
    if (unassigned1252.includes(b)) seen1252Gap = true;
  }
  const cyrillic = high / Math.max(1, ascii + high) >= 0.5;
  if (cyrillic && !seen1251Gap) return "windows-1251";
  if (!cyrillic && !seen1252Gap) return "windows-1252";
  return undefined;
}
