import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { estimateTokens } from "../../../infra/llm/tokens";
import { chunkDocument, type ParsedDocument, ParseError, parseDocument, sniffType } from "./index";

/*
 * The parsers against real documents from the shared evaluation set (../shared beside the repo:
 * public documentation pages, Word samples from docx4j and mammoth, PDFs from py-pdf's samples).
 * Skipped, with a note, where that folder is absent.
 */

const DIR = resolve(import.meta.dirname, "../../../../../../../shared/evals/rag/documents");
const hasDocuments = existsSync(DIR);
if (!hasDocuments) console.warn(`Skipping real-document parsing tests: ${DIR} is absent (it comes with ../shared).`);

async function parseFile(path: string, password?: string): Promise<ParsedDocument> {
  const buf = readFileSync(resolve(DIR, path));
  const type = sniffType(buf);
  if (!type) throw new Error(`${path} was not recognised`);
  return parseDocument(buf, type, password === undefined ? {} : { password });
}

const textOf = (doc: ParsedDocument) => doc.blocks.map((b) => b.text).join("\n");
const blockWith = (doc: ParsedDocument, fragment: string) => doc.blocks.find((b) => b.text.includes(fragment));

describe.skipIf(!hasDocuments)("real documents", () => {
  describe("PDF", () => {
    it("reads a two-column paper column by column, with page numbers and its table as rows", async () => {
      const doc = await parseFile("pdf/multicolumn.pdf");
      expect(doc.pageCount).toBe(3);
      // Sentences that run over several lines of one column come out whole (no interleaving).
      expect(
        blockWith(
          doc,
          "Ut purus elit, vestibulum ut, placerat ac, adipiscing vitae, felis. Curabitur dictum gravida mauris.",
        ),
      ).toMatchObject({ page: 1 });
      expect(
        blockWith(doc, "Donec et mi. Nam vulputate metus eu enim. Vestibulum pellentesque felis eu massa."),
      ).toMatchObject({ page: 1 });
      const text = textOf(doc);
      expect(text.indexOf("This is a sample document with two columns filled with Lorem Ipsum text.")).toBeLessThan(
        text.indexOf("Nam vulputate"),
      );
      expect(doc.blocks.find((b) => b.kind === "heading" && b.text === "Abstract")).toBeDefined();
      expect(blockWith(doc, "Country: Austria")).toMatchObject({
        kind: "table-row",
        page: 3,
        text: "Country: Austria | Population (millions): 8.9 | Area (km2): 83,879 | Capital: Vienna | Official Language: German",
      });
      // Page numbers are not text.
      expect(doc.blocks.filter((b) => /^\d+$/.test(b.text))).toEqual([]);
    });

    it("opens the password-protected PDF only with its password", async () => {
      await expect(parseFile("pdf/libreoffice-writer-password.pdf")).rejects.toMatchObject({
        code: "document.encrypted",
      });
      await expect(parseFile("pdf/libreoffice-writer-password.pdf", "wrong")).rejects.toBeInstanceOf(ParseError);
      await expect(parseFile("pdf/libreoffice-writer-password.pdf", "wrong")).rejects.toMatchObject({
        code: "document.wrong_password",
      });
      const doc = await parseFile("pdf/libreoffice-writer-password.pdf", "openpassword");
      expect(textOf(doc)).toMatch(/^Lorem ipsum dolor sit amet, consetetur sadipscing elitr/);
    });

    it("takes headings from the outline of a LaTeX document", async () => {
      const doc = await parseFile("pdf/pdflatex-outline.pdf");
      expect(doc.pageCount).toBe(4);
      const headings = doc.blocks.filter((b) => b.kind === "heading");
      expect(headings.slice(0, 3).map((h) => [h.text, h.level, h.page])).toEqual([
        ["Foo", 1, 2],
        ["Bar", 1, 2],
        ["Baz", 1, 2],
      ]);
      expect(blockWith(doc, "Hello, here is some text without a meaning.")?.headingPath).toEqual(["Foo"]);
    });

    it("reads a 117-page German book with chapters, sections, pages and no running headers", async () => {
      const doc = await parseFile("pdf/GeoTopo-komprimiert.pdf");
      expect(doc.pageCount).toBe(117);
      expect(doc.language).toBe("other");
      expect(doc.title).toBe("Geometrie und Topologie");
      expect(doc.blocks.find((b) => b.text === "1.2 Metrische Räume")).toMatchObject({
        kind: "heading",
        level: 2,
        page: 10,
        headingPath: ["1 Topologische Grundbegriffe"],
      });
      expect(blockWith(doc, "Ein topologischer Raum ist ein Paar (X, T)")).toMatchObject({
        page: 6,
        headingPath: ["1 Topologische Grundbegriffe", "1.1 Topologische Räume"],
      });
      expect(doc.blocks.filter((b) => /^\d+ \d\.\d\. [A-ZÄÖÜ ]+$/.test(b.text))).toEqual([]);
      const chunks = chunkDocument(doc);
      expect(chunks.every((c) => estimateTokens(c.embedText) <= 100)).toBe(true);
      expect(chunks.at(-1)?.pageEnd).toBeGreaterThan(110);
    }, 60_000);
  });

  describe("DOCX", () => {
    it("reads the docx4j guide with headings, lists, tables and footnotes", async () => {
      const doc = await parseFile("docx/docx4j-GettingStarted.docx");
      expect(doc.title).toBe("Docx4j - Getting Started");
      expect(doc.language).toBe("en");
      expect(blockWith(doc, "docx4j is a library for working with docx, pptx and xlsx files in Java.")).toMatchObject({
        kind: "paragraph",
        headingPath: ["What is docx4j?"],
      });
      expect(doc.blocks.find((b) => b.text === "Create new docx, pptx, xlsx")).toMatchObject({ kind: "list-item" });
      expect(doc.blocks.some((b) => b.kind === "table-row")).toBe(true);
      expect(blockWith(doc, "[1] IBM has their own proprietary JAXB implementation.")).toMatchObject({
        headingPath: [],
      });
    });

    it("detects Russian in the Russian edition", async () => {
      const doc = await parseFile("docx/docx4j-GettingStarted-ru.docx");
      expect(doc.language).toBe("ru");
      expect(blockWith(doc, "docx4j – это библиотека для работы с файлами формата docx, pptx и xlsx")).toMatchObject({
        headingPath: ["Введение в docx4j"],
      });
      expect(doc.blocks.find((b) => b.text === "Использование Maven")).toMatchObject({
        kind: "heading",
        level: 2,
        headingPath: ["Установка"],
      });
    });

    it("reads mammoth's table and footnote samples", async () => {
      const tables = await parseFile("docx/mammoth-tables.docx");
      expect(tables.blocks.map((b) => [b.kind, b.text])).toEqual([
        ["paragraph", "Above"],
        ["table-row", "Top left: Bottom left | Top right: Bottom right"],
        ["paragraph", "Below"],
      ]);
      const notes = await parseFile("docx/mammoth-footnotes.docx");
      expect(notes.blocks.map((b) => b.text)).toEqual(["Ouch[1].[2]", "[1] A tachyon walks into a bar.", "[2] Fin."]);
    });
  });

  describe("HTML", () => {
    it("reads a PostgreSQL tutorial page without its navigation", async () => {
      const doc = await parseFile("html/postgresql15-tutorial-join.html");
      expect(doc.title).toBe("2.6. Joins Between Tables");
      expect(doc.blocks[0]).toMatchObject({ kind: "heading", text: "2.6. Joins Between Tables" });
      expect(doc.blocks.find((b) => b.text === "SELECT * FROM weather JOIN cities ON city = name;")).toMatchObject({
        kind: "code",
      });
      expect(blockWith(doc, "Thus far, our queries have only accessed one table at a time.")).toMatchObject({
        kind: "paragraph",
      });
      expect(doc.blocks.some((b) => /^(Prev|Next|Up|Home)$/.test(b.text))).toBe(false);
    });

    it("reads the 1.6 MB SQLite page fast and without the text of its SVG diagrams", async () => {
      const started = performance.now();
      const doc = await parseFile("html/sqlite-lang_select.html");
      const elapsed = performance.now() - started;
      expect(elapsed).toBeLessThan(5_000);
      expect(blockWith(doc, "The SELECT statement is used to query the database.")).toMatchObject({
        headingPath: ["1. Overview"],
      });
      // The syntax diagrams alone hold "UNBOUNDED" 42 times and "EXCLUDE" 56 times.
      const text = textOf(doc);
      expect(text.match(/UNBOUNDED/g)?.length ?? 0).toBeLessThan(5);
      expect(text.match(/EXCLUDE/g)?.length ?? 0).toBeLessThan(5);
    });

    it("reads a Node.js API page with its changelog tables and without the site menu", async () => {
      const doc = await parseFile("html/nodejs-path.html");
      expect(doc.blocks.find((b) => b.text === "path.basename(path[, suffix])")).toMatchObject({
        kind: "heading",
        headingPath: ["Path"],
      });
      expect(doc.blocks.map((b) => b.text)).toContain(
        "Version: v6.0.0 | Changes: Passing a non-string as the path argument will throw now.",
      );
      expect(textOf(doc)).not.toContain("Assertion testing");
    });
  });

  describe("Markdown", () => {
    it("reads the Node.js path docs with headings, lists and code", async () => {
      const doc = await parseFile("markdown/nodejs-path.md");
      expect(doc.title).toBe("Path");
      expect(doc.blocks.find((b) => b.text === "Windows vs. POSIX")).toMatchObject({
        kind: "heading",
        level: 2,
        headingPath: ["Path"],
      });
      expect(doc.blocks.find((b) => b.text === "const path = require('node:path');")).toMatchObject({ kind: "code" });
      expect(doc.blocks.find((b) => b.text === "suffix {string} An optional suffix to remove")).toMatchObject({
        kind: "list-item",
        headingPath: ["Path", "path.basename(path[, suffix])"],
      });
      const chunks = chunkDocument(doc);
      expect(new Set(chunks.map((c) => c.id)).size).toBe(chunks.length);
      expect(chunkDocument(await parseFile("markdown/nodejs-path.md")).map((c) => c.id)).toEqual(
        chunks.map((c) => c.id),
      );
    });
  });

  it("sniffs every sample as the type of its folder", () => {
    const samples: [string, string][] = [
      ["pdf/GeoTopo-komprimiert.pdf", "pdf"],
      ["docx/mammoth-strict-format.docx", "docx"],
      ["docx/nodejs-path.pandoc.docx", "docx"],
      ["html/sqlite-wal.html", "html"],
      ["html/postgresql15-tutorial-fk.html", "html"],
      ["markdown/nodejs-string_decoder.md", "markdown"],
    ];
    for (const [path, type] of samples) expect(sniffType(readFileSync(resolve(DIR, path)))).toBe(type);
  });
});
