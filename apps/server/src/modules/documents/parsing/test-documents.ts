import { createHash } from "node:crypto";
import { strToU8, zipSync } from "fflate";

/*
 * Small documents built in memory for the parser tests, so the core tests need no files: PDFs
 * written object by object (Helvetica text with Tf/Tj, optional outline, optional RC4 encryption as
 * the PDF 1.3 standard security handler does it) and DOCX packages zipped from WordprocessingML.
 */

export interface PdfText {
  text: string;
  x: number;
  /** Baseline from the bottom of the page, as PDF coordinates go. */
  y: number;
  size?: number;
}

export interface PdfPage {
  /** Drawn in this order, which need not be reading order. */
  texts: PdfText[];
  /** Draw a filled rectangle (an image stand-in) instead of nothing on text-less pages. */
  drawing?: boolean;
}

export interface PdfBookmark {
  title: string;
  page: number;
  /** PDF y (from the bottom) the bookmark points at. */
  top: number;
}

export interface PdfOptions {
  bookmarks?: PdfBookmark[];
  /** Encrypts with this user password (RC4, 40-bit key, revision 2). */
  userPassword?: string;
  title?: string;
}

const PAGE_WIDTH = 595;
const PAGE_HEIGHT = 842;

/** A valid PDF of the given pages. */
export function buildPdf(pages: readonly PdfPage[], options: PdfOptions = {}): Buffer {
  const objects: (string | { dict: string; stream: Buffer })[] = [];
  const add = (body: string | { dict: string; stream: Buffer }) => objects.push(body) as number; // 1-based ids
  const catalogId = add("");
  const pagesId = add("");
  const fontId = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
  const pageIds: number[] = [];
  for (const page of pages) {
    const ops = page.texts.map(
      (t) => `BT /F1 ${t.size ?? 11} Tf ${t.x} ${t.y} Td (${escapePdfString(toWinAnsi(t.text))}) Tj ET`,
    );
    if (page.drawing) ops.push("0.5 g 50 300 400 300 re f");
    const contentId = add({ dict: "", stream: Buffer.from(ops.join("\n"), "latin1") });
    pageIds.push(
      add(
        `<< /Type /Page /Parent ${pagesId} 0 R /MediaBox [0 0 ${PAGE_WIDTH} ${PAGE_HEIGHT}] ` +
          `/Resources << /Font << /F1 ${fontId} 0 R >> >> /Contents ${contentId} 0 R >>`,
      ),
    );
  }
  objects[pagesId - 1] =
    `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(" ")}] /Count ${pageIds.length} >>`;

  let outlinesRef = "";
  const bookmarks = options.bookmarks ?? [];
  if (bookmarks.length > 0) {
    const outlinesId = add("");
    const itemIds = bookmarks.map(() => add(""));
    bookmarks.forEach((b, i) => {
      const links = [
        i > 0 ? `/Prev ${itemIds[i - 1]} 0 R` : "",
        i < itemIds.length - 1 ? `/Next ${itemIds[i + 1]} 0 R` : "",
      ].join(" ");
      objects[(itemIds[i] as number) - 1] =
        `<< /Title (${escapePdfString(b.title)}) /Parent ${outlinesId} 0 R ${links} /Dest [${pageIds[b.page - 1]} 0 R /XYZ 0 ${b.top} 0] >>`;
    });
    objects[outlinesId - 1] =
      `<< /Type /Outlines /First ${itemIds[0]} 0 R /Last ${itemIds.at(-1)} 0 R /Count ${itemIds.length} >>`;
    outlinesRef = ` /Outlines ${outlinesId} 0 R /PageMode /UseOutlines`;
  }
  objects[catalogId - 1] = `<< /Type /Catalog /Pages ${pagesId} 0 R${outlinesRef} >>`;
  const infoId = options.title ? add(`<< /Title (${escapePdfString(options.title)}) >>`) : undefined;

  const fileId = createHash("md5").update(JSON.stringify(pages)).digest();
  const encryption = options.userPassword !== undefined ? standardEncryption(options.userPassword, fileId) : undefined;
  if (encryption && (bookmarks.length > 0 || options.title))
    throw new Error("encrypted fixtures carry no strings outside streams");

  const chunks: Buffer[] = [Buffer.from("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "latin1")];
  const offsets: number[] = [];
  let length = chunks[0]?.length ?? 0;
  objects.forEach((body, i) => {
    const id = i + 1;
    let out: Buffer;
    if (typeof body === "string") {
      out = Buffer.from(`${id} 0 obj\n${body}\nendobj\n`, "latin1");
    } else {
      const data = encryption ? rc4(encryption.objectKey(id), body.stream) : body.stream;
      out = Buffer.concat([
        Buffer.from(`${id} 0 obj\n<< /Length ${data.length} >>\nstream\n`, "latin1"),
        data,
        Buffer.from("\nendstream\nendobj\n", "latin1"),
      ]);
    }
    offsets.push(length);
    chunks.push(out);
    length += out.length;
  });
  const xref = [
    `xref\n0 ${objects.length + 1}\n`,
    "0000000000 65535 f \n",
    ...offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`),
  ].join("");
  const trailer =
    `trailer\n<< /Size ${objects.length + 1} /Root ${catalogId} 0 R` +
    (infoId ? ` /Info ${infoId} 0 R` : "") +
    (encryption
      ? ` /Encrypt << /Filter /Standard /V 1 /R 2 /O <${encryption.o.toString("hex")}> /U <${encryption.u.toString("hex")}> /P -4 >>`
      : "") +
    ` /ID [<${fileId.toString("hex")}> <${fileId.toString("hex")}>] >>\nstartxref\n${length}\n%%EOF\n`;
  chunks.push(Buffer.from(xref + trailer, "latin1"));
  return Buffer.concat(chunks);
}

const WIN_ANSI: Record<string, string> = {
  "•": "\x95",
  "–": "\x96",
  "—": "\x97",
  "‘": "\x91",
  "’": "\x92",
  "“": "\x93",
  "”": "\x94",
  "…": "\x85",
  "€": "\x80",
};

/** Helvetica with WinAnsiEncoding: Latin-1 plus typographic punctuation in 0x80-0x9F. */
function toWinAnsi(text: string): string {
  return text.replace(/[•–—‘’“”…€]/g, (c) => WIN_ANSI[c] ?? "?");
}

function escapePdfString(text: string): string {
  return text.replace(/[\\()]/g, (c) => `\\${c}`);
}

const PASSWORD_PADDING = Buffer.from("28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a", "hex");

/** Keys of the standard security handler, revision 2 (PDF 1.3, algorithms 3.2-3.4). */
function standardEncryption(userPassword: string, fileId: Buffer) {
  const pad = (pw: string) => Buffer.concat([Buffer.from(pw, "latin1"), PASSWORD_PADDING]).subarray(0, 32);
  const md5 = (...parts: Buffer[]) => createHash("md5").update(Buffer.concat(parts)).digest();
  const ownerKey = md5(pad(`${userPassword}-owner`)).subarray(0, 5);
  const o = rc4(ownerKey, pad(userPassword));
  const permissions = Buffer.alloc(4);
  permissions.writeInt32LE(-4);
  const key = md5(pad(userPassword), o, permissions, fileId).subarray(0, 5);
  const u = rc4(key, PASSWORD_PADDING);
  const objectKey = (id: number) => {
    const suffix = Buffer.from([id & 0xff, (id >> 8) & 0xff, (id >> 16) & 0xff, 0, 0]);
    return md5(key, suffix).subarray(0, 10);
  };
  return { o, u, objectKey };
}

function rc4(key: Buffer, data: Buffer): Buffer {
  const s = Array.from({ length: 256 }, (_, i) => i);
  let j = 0;
  for (let i = 0; i < 256; i++) {
    j = (j + (s[i] as number) + (key[i % key.length] as number)) & 0xff;
    [s[i], s[j]] = [s[j] as number, s[i] as number];
  }
  const out = Buffer.alloc(data.length);
  let i = 0;
  j = 0;
  for (let n = 0; n < data.length; n++) {
    i = (i + 1) & 0xff;
    j = (j + (s[i] as number)) & 0xff;
    [s[i], s[j]] = [s[j] as number, s[i] as number];
    out[n] = (data[n] as number) ^ (s[((s[i] as number) + (s[j] as number)) & 0xff] as number);
  }
  return out;
}

/** Lines of text laid out top-down from `top`, one per `leading` points, at x. */
export function column(lines: readonly string[], x: number, top: number, leading = 14, size = 11): PdfText[] {
  return lines.map((text, i) => ({ text, x, y: top - i * leading, size }));
}

const W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';

/** WordprocessingML helpers: a paragraph (optionally styled, numbered, or with footnote references). */
export const docxXml = {
  p(text: string, opts: { style?: string; numbered?: boolean; footnote?: number } = {}): string {
    const pPr =
      opts.style || opts.numbered
        ? `<w:pPr>${opts.style ? `<w:pStyle w:val="${opts.style}"/>` : ""}${opts.numbered ? '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>' : ""}</w:pPr>`
        : "";
    const note = opts.footnote !== undefined ? `<w:r><w:footnoteReference w:id="${opts.footnote}"/></w:r>` : "";
    return `<w:p>${pPr}<w:r><w:t xml:space="preserve">${escapeXml(text)}</w:t></w:r>${note}</w:p>`;
  },
  table(rows: readonly (readonly string[])[]): string {
    const tr = (cells: readonly string[]) =>
      `<w:tr>${cells.map((c) => `<w:tc>${docxXml.p(c)}</w:tc>`).join("")}</w:tr>`;
    return `<w:tbl><w:tblPr/>${rows.map(tr).join("")}</w:tbl>`;
  },
};

/** A DOCX package holding that body XML, heading styles, and footnotes. */
export function buildDocx(
  bodyXml: string,
  options: { footnotes?: Record<number, string>; title?: string } = {},
): Buffer {
  const styles =
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles ${W_NS}>` +
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>' +
    '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/></w:style>' +
    '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>' +
    '<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>' +
    // A custom style that is a heading only through the style it is based on.
    '<w:style w:type="paragraph" w:styleId="MySection"><w:name w:val="My Section"/><w:basedOn w:val="Heading2"/></w:style>' +
    '<w:style w:type="paragraph" w:styleId="Code"><w:name w:val="Source Code"/><w:basedOn w:val="Normal"/></w:style>' +
    '<w:style w:type="paragraph" w:styleId="TOC1"><w:name w:val="toc 1"/><w:basedOn w:val="Normal"/></w:style>' +
    "</w:styles>";
  const notes = Object.entries(options.footnotes ?? {})
    .map(
      ([id, text]) =>
        `<w:footnote w:id="${id}"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> ${escapeXml(text)}</w:t></w:r></w:p></w:footnote>`,
    )
    .join("");
  const files: Record<string, Uint8Array> = {
    "[Content_Types].xml": strToU8(
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    ),
    "_rels/.rels": strToU8(
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    ),
    "word/document.xml": strToU8(
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ${W_NS}><w:body>${bodyXml}</w:body></w:document>`,
    ),
    "word/styles.xml": strToU8(styles),
    "word/footnotes.xml": strToU8(
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes ${W_NS}>` +
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>' +
        `${notes}</w:footnotes>`,
    ),
  };
  if (options.title) {
    files["docProps/core.xml"] = strToU8(
      '<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">' +
        `<dc:title>${escapeXml(options.title)}</dc:title></cp:coreProperties>`,
    );
  }
  return Buffer.from(zipSync(files));
}

/** A ZIP of arbitrary entries (an XLSX stand-in for the sniffer). */
export function buildZip(entries: Record<string, string>): Buffer {
  return Buffer.from(zipSync(Object.fromEntries(Object.entries(entries).map(([name, text]) => [name, strToU8(text)]))));
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
