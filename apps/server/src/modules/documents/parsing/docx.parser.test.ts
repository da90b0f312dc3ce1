import { describe, expect, it } from "vitest";
import { parseDocx } from "./docx.parser";
import { ParseError } from "./parse-error";
import { buildDocx, buildZip, docxXml as w } from "./test-documents";

describe("parseDocx", () => {
  it("keeps headings (by outline level, also through basedOn), lists and their nesting under headings", () => {
    const docx = buildDocx(
      [
        w.p("Onboarding Guide", { style: "Title" }),
        w.p("Contents", { style: "TOC1" }),
        w.p("First Week", { style: "Heading1" }),
        w.p("Meet your team on Monday."),
        w.p("Laptop", { numbered: true }),
        w.p("Badge", { numbered: true }),
        w.p("Security Training", { style: "MySection" }),
        w.p("Finish the course by Friday."),
      ].join(""),
    );
    const doc = parseDocx(docx);
    expect(doc.title).toBe("Onboarding Guide");
    expect(doc.blocks).toEqual([
      { kind: "heading", text: "Onboarding Guide", level: 1, headingPath: [] },
      { kind: "heading", text: "First Week", level: 1, headingPath: [] },
      { kind: "paragraph", text: "Meet your team on Monday.", headingPath: ["First Week"] },
      { kind: "list-item", text: "Laptop", headingPath: ["First Week"] },
      { kind: "list-item", text: "Badge", headingPath: ["First Week"] },
      { kind: "heading", text: "Security Training", level: 2, headingPath: ["First Week"] },
      { kind: "paragraph", text: "Finish the course by Friday.", headingPath: ["First Week", "Security Training"] },
    ]);
  });

  it("turns tables into rows named by a header row, and reads headerless tables as plain rows", () => {
    const docx = buildDocx(
      w.table([
        ["Name", "Role"],
        ["Alice", "Engineer"],
        ["Bob", "Designer"],
      ]) +
        w.table([
          ["\\h", "Makes the entries hyperlinks."],
          ["\\z", "Hides tab leaders."],
        ]),
    );
    expect(parseDocx(docx).blocks.map((b) => [b.kind, b.text])).toEqual([
      ["table-row", "Name: Alice | Role: Engineer"],
      ["table-row", "Name: Bob | Role: Designer"],
      ["table-row", "\\h | Makes the entries hyperlinks."],
      ["table-row", "\\z | Hides tab leaders."],
    ]);
  });

  it("appends footnotes and leaves their markers in the text", () => {
    const docx = buildDocx(w.p("Revenue grew by 12%.", { footnote: 1 }), { footnotes: { 1: "Audited figures." } });
    expect(parseDocx(docx).blocks.map((b) => b.text)).toEqual(["Revenue grew by 12%.[1]", "[1] Audited figures."]);
  });

  it("joins consecutive code-styled paragraphs into one code block", () => {
    const docx = buildDocx(w.p("Run:") + w.p("npm install", { style: "Code" }) + w.p("npm test", { style: "Code" }));
    expect(parseDocx(docx).blocks.map((b) => [b.kind, b.text])).toEqual([
      ["paragraph", "Run:"],
      ["code", "npm install\nnpm test"],
    ]);
  });

  it("detects Russian and takes the title from the document properties", () => {
    const docx = buildDocx(
      w.p("Отпуск", { style: "Heading1" }) +
        w.p("Сотрудник может взять отпуск после шести месяцев работы, и это правило для всех."),
      {
        title: "Кадровая политика",
      },
    );
    const doc = parseDocx(docx);
    expect(doc.language).toBe("ru");
    expect(doc.title).toBe("Кадровая политика");
    expect(doc.blocks[1]).toMatchObject({ headingPath: ["Отпуск"] });
  });

  it("says what is wrong with empty, damaged or non-Word files", () => {
    const codeOf = (buf: Buffer) => {
      try {
        parseDocx(buf);
        return "parsed";
      } catch (e) {
        return e instanceof ParseError ? e.code : "other error";
      }
    };
    expect(codeOf(buildDocx(""))).toBe("document.no_text");
    expect(codeOf(Buffer.from("PK\u0003\u0004 definitely not a zip"))).toBe("document.unreadable");
    expect(codeOf(buildZip({ "xl/workbook.xml": "<workbook/>" }))).toBe("document.unreadable");
  });
});
