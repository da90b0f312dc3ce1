import { describe, expect, it } from "vitest";
import { sniffType } from "./sniff";
import { buildDocx, buildPdf, buildZip, docxXml } from "./test-documents";

const utf8 = (text: string) => Buffer.from(text, "utf8");

describe("sniffType", () => {
  it("recognises a PDF by its header, whatever the name says", () => {
    const pdf = buildPdf([{ texts: [{ text: "Hi", x: 50, y: 700 }] }]);
    expect(sniffType(pdf, "notes.txt")).toBe("pdf");
    expect(sniffType(pdf.subarray(0, 512))).toBe("pdf");
    expect(sniffType(Buffer.concat([Buffer.from([0, 1, 2, 0xff]), pdf]))).toBe("pdf");
    expect(sniffType(utf8("A PDF file starts with %PDF-1.7 and ends with %%EOF.\n"))).toBe("text");
  });

  it("recognises a DOCX by the word/document.xml entry, from the whole file or only its head", () => {
    const docx = buildDocx(docxXml.p("Hello"));
    expect(sniffType(docx, "report.pdf")).toBe("docx");
    // A head without the central directory: the local headers are walked instead.
    const head = docx.subarray(0, docx.indexOf("word/document.xml") + 40);
    expect(head.includes(Buffer.from([0x50, 0x4b, 0x05, 0x06]))).toBe(false);
    expect(sniffType(head)).toBe("docx");
  });

  it("recognises the head of a DOCX whose main part comes after its images", () => {
    const docx = buildZip({
      "[Content_Types].xml": "<Types/>",
      "word/media/image1.png": "x".repeat(20_000),
      "word/document.xml": "<w:document/>",
    });
    expect(sniffType(docx.subarray(0, 8192))).toBe("docx");
  });

  it("refuses other ZIP files such as spreadsheets", () => {
    const xlsx = buildZip({ "[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>" });
    expect(sniffType(xlsx, "table.xlsx")).toBeUndefined();
    expect(sniffType(xlsx, "table.docx")).toBeUndefined();
    expect(sniffType(xlsx.subarray(0, 60))).toBeUndefined();
  });

  it("refuses binary data even when named like text", () => {
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489", "hex");
    expect(sniffType(png, "image.txt")).toBeUndefined();
    expect(sniffType(Buffer.from([0x41, 0x42, 0x00, 0x43, 0x44]), "a.csv")).toBeUndefined();
    expect(sniffType(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]), "a.md")).toBeUndefined();
  });

  it("recognises HTML by its doctype or skeleton", () => {
    expect(sniffType(utf8("<!DOCTYPE html><html><body><p>Hi</p></body></html>"), "page.txt")).toBe("html");
    expect(
      sniffType(
        utf8('<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><head><title>T</title></head></html>'),
      ),
    ).toBe("html");
    // Markdown that happens to hold a tag is still Markdown.
    expect(sniffType(utf8("# Title\n\nSome <b>bold</b> text and a [link](http://x).\n"))).toBe("markdown");
  });

  it("tells Markdown from plain text by its syntax, and uses the extension only to break a tie", () => {
    const markdown = "# Setup\n\nInstall it:\n\n```sh\nnpm install\n```\n\n- one\n- two\n";
    expect(sniffType(utf8(markdown), "readme.txt")).toBe("markdown");
    const prose = "Dear team,\n\nthe meeting moves to Friday.\nSee you there.\n";
    expect(sniffType(utf8(prose))).toBe("text");
    expect(sniffType(utf8(prose), "notes.md")).toBe("markdown");
    expect(sniffType(utf8(prose), "notes.txt")).toBe("text");
  });

  it("recognises CSV by consistent delimiters (comma, semicolon, tab), quotes included", () => {
    expect(sniffType(utf8('name,age,city\n"Smith, John",42,Paris\nAnna,31,"New\nYork"\nBob,25,Rome\n'))).toBe("csv");
    expect(sniffType(utf8("Имя;Возраст;Город\nИван;30;Москва\nОльга;25;Казань\nПётр;41;Тверь\n"))).toBe("csv");
    expect(sniffType(utf8("a\tb\tc\n1\t2\t3\n4\t5\t6\n"))).toBe("csv");
    // A few lines with one comma each are prose unless the name says CSV.
    const pairs = "Hello, world\nYes, indeed\n";
    expect(sniffType(utf8(pairs))).toBe("text");
    expect(sniffType(utf8(pairs), "pairs.csv")).toBe("csv");
  });

  it("accepts UTF-8 with a byte order mark, UTF-16 with one, and Windows-1251/1252 text", () => {
    expect(sniffType(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8("Привет, мир.\nВторая строка.")]))).toBe(
      "text",
    );
    expect(
      sniffType(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("a\tb\tc\n1\t2\t3\n4\t5\t6\n", "utf16le")])),
    ).toBe("csv");
    // "Привет мир" in Windows-1251.
    const win1251 = Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2, 0x20, 0xec, 0xe8, 0xf0, 0x2e, 0x0a]);
    expect(sniffType(win1251, "hello.txt")).toBe("text");
    // "Café crème, très bien." in Windows-1252 / Latin-1.
    expect(sniffType(Buffer.from("Caf\xe9 cr\xe8me, tr\xe8s bien.\n", "latin1"))).toBe("text");
  });

  it("accepts a UTF-8 head cut in the middle of a character", () => {
    const text = utf8("Съешь же ещё этих мягких французских булок, да выпей чаю.");
    expect(sniffType(text.subarray(0, 7))).toBe("text");
  });
});
