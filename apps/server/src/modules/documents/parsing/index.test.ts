import { describe, expect, it } from "vitest";
import { chunkDocument, type DocumentType, ParseError, parseDocument, sniffType } from "./index";
import { buildDocx, buildPdf, column, docxXml } from "./test-documents";

describe("parseDocument", () => {
  it("sniffs, parses and chunks every supported type through one entry point", async () => {
    const files: [Buffer, DocumentType][] = [
      [buildPdf([{ texts: column(["Remote work is allowed two days a week."], 50, 700) }]), "pdf"],
      [buildDocx(docxXml.p("Remote work is allowed two days a week.")), "docx"],
      [Buffer.from("<!DOCTYPE html><html><body><p>Remote work is allowed two days a week.</p></body></html>"), "html"],
      [
        Buffer.from("# Policy\n\n- Remote work is allowed two days a week.\n- Ask [HR](https://hr) first.\n"),
        "markdown",
      ],
      [Buffer.from("Remote work is allowed two days a week.\n"), "text"],
      [Buffer.from("rule,days\nRemote work,2\nOffice,3\nTravel,1\n"), "csv"],
    ];
    for (const [buf, type] of files) {
      expect(sniffType(buf)).toBe(type);
      const doc = await parseDocument(buf, type);
      expect(doc.type).toBe(type);
      const chunks = chunkDocument(doc);
      expect(chunks.map((c) => c.text).join("\n")).toMatch(/Remote work/);
    }
  });

  it("turns a parser failure into a ParseError that says what to do", async () => {
    const error = await parseDocument(Buffer.from("PK\u0003\u0004 broken"), "docx").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({ code: "document.unreadable" });
    expect((error as ParseError).message).toMatch(/save it again, and re-upload it/);
  });
});
