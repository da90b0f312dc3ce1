import { describe, expect, it } from "vitest";
import { ParseError } from "./parse-error";
import { parsePdf } from "./pdf.parser";
import { buildPdf, column, type PdfText } from "./test-documents";

const LEFT = [
  "The left column opens the article and its",
  "first sentence runs over several lines of",
  "text before it ends. A second sentence follows",
  "and closes the first paragraph of the left",
  "column with a full stop at the very end.",
  "Then the left column goes on to talk about",
  "apples and pears until it is time to stop.",
];
const RIGHT = [
  "The right column starts only after the left",
  "one ends, even though its lines sit at the",
  "same height on the page as the left lines.",
  "It talks about bicycles and trains for a",
  "while and then it ends with a final remark",
  "that no reader should see mixed with apples,",
  "which would be the sign of a broken layout.",
];

/** Two columns whose lines are drawn alternately, as some generators do: reading order must be rebuilt. */
function twoColumnPage(): PdfText[] {
  const left = column(LEFT, 50, 700);
  const right = column(RIGHT, 310, 700);
  return [
    { text: "Columns and Reading Order", x: 50, y: 760, size: 20 },
    ...left.flatMap((l, i) => [l, right[i] as PdfText]),
  ];
}

async function expectParseError(promise: Promise<unknown>, code: string): Promise<ParseError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ParseError);
  expect((error as ParseError).code).toBe(code);
  return error as ParseError;
}

describe("parsePdf", () => {
  it("reads text with page numbers, and a heading from a larger font", async () => {
    const pdf = buildPdf([
      {
        texts: [
          { text: "Travel Policy", x: 50, y: 780, size: 24 },
          ...column(["Employees book trains for trips", "under 500 km."], 50, 740),
        ],
      },
      {
        texts: [
          { text: "Expenses", x: 50, y: 780, size: 18 },
          ...column(["Receipts are kept for ten years."], 50, 740),
        ],
      },
    ]);
    const doc = await parsePdf(pdf);
    expect(doc.pageCount).toBe(2);
    expect(doc.language).toBe("en");
    expect(doc.blocks).toEqual([
      { kind: "heading", text: "Travel Policy", level: 1, page: 1, headingPath: [] },
      {
        kind: "paragraph",
        text: "Employees book trains for trips under 500 km.",
        page: 1,
        headingPath: ["Travel Policy"],
      },
      { kind: "heading", text: "Expenses", level: 2, page: 2, headingPath: ["Travel Policy"] },
      {
        kind: "paragraph",
        text: "Receipts are kept for ten years.",
        page: 2,
        headingPath: ["Travel Policy", "Expenses"],
      },
    ]);
    expect(doc.title).toBe("Travel Policy");
  });

  it("reads a two-column page column by column, not line by line", async () => {
    const doc = await parsePdf(buildPdf([{ texts: twoColumnPage() }]));
    const text = doc.blocks.map((b) => b.text).join("\n");
    expect(text).toContain(
      "The left column opens the article and its first sentence runs over several lines of text before it ends.",
    );
    expect(text).toContain(
      "The right column starts only after the left one ends, even though its lines sit at the same height",
    );
    expect(text.indexOf("apples and pears")).toBeLessThan(text.indexOf("The right column starts"));
    expect(doc.blocks[0]).toMatchObject({ kind: "heading", text: "Columns and Reading Order" });
  });

  it("keeps a table's rows as rows and does not mistake its columns for text columns", async () => {
    const rows = [
      ["City", "Country", "Population"],
      ["Paris", "France", "2.1 million"],
      ["Berlin", "Germany", "3.6 million"],
      ["Madrid", "Spain", "3.3 million"],
    ];
    const texts = rows.flatMap((cells, r) => cells.map((text, c) => ({ text, x: 50 + c * 150, y: 700 - r * 16 })));
    const doc = await parsePdf(buildPdf([{ texts: [...column(["Largest cities:"], 50, 730), ...texts] }]));
    expect(doc.blocks.filter((b) => b.kind === "table-row").map((b) => b.text)).toEqual([
      "City: Paris | Country: France | Population: 2.1 million",
      "City: Berlin | Country: Germany | Population: 3.6 million",
      "City: Madrid | Country: Spain | Population: 3.3 million",
    ]);
  });

  it("takes headings from the outline and places them where the bookmarks point", async () => {
    const pdf = buildPdf(
      [
        { texts: column(["Preface text that comes before any chapter."], 50, 700) },
        {
          texts: [
            ...column(["1 Getting Started", "Install the tool first."], 50, 700),
            ...column(["2 Usage", "Run it daily."], 50, 500),
          ],
        },
      ],
      {
        bookmarks: [
          { title: "Getting Started", page: 2, top: 715 },
          { title: "Usage", page: 2, top: 515 },
        ],
      },
    );
    const doc = await parsePdf(pdf);
    expect(doc.blocks.filter((b) => b.kind === "heading")).toEqual([
      { kind: "heading", text: "Getting Started", level: 1, page: 2, headingPath: [] },
      { kind: "heading", text: "Usage", level: 1, page: 2, headingPath: [] },
    ]);
    // The heading line itself is not repeated as a paragraph.
    expect(doc.blocks.map((b) => b.text)).not.toContain("1 Getting Started");
    expect(doc.blocks.find((b) => b.text === "Run it daily.")).toMatchObject({ headingPath: ["Usage"], page: 2 });
  });

  it("drops page numbers and running headers repeated in the margins", async () => {
    const pages = [1, 2, 3, 4].map((n) => ({
      texts: [
        { text: "ACME Handbook", x: 250, y: 815, size: 9 },
        ...column([`Body text of page ${n} says something useful.`], 50, 700),
        { text: String(n), x: 295, y: 30, size: 9 },
      ],
    }));
    const doc = await parsePdf(buildPdf(pages));
    expect(doc.blocks.map((b) => b.text)).toEqual(
      [1, 2, 3, 4].map((n) => `Body text of page ${n} says something useful.`),
    );
  });

  it("joins words hyphenated at line ends and recognises bullets", async () => {
    const pdf = buildPdf([
      {
        texts: column(
          ["The commit-", "tee approved the bud-", "get.", "\u2022 First point", "\u2022 Second point"],
          50,
          700,
        ),
      },
    ]);
    const doc = await parsePdf(pdf);
    expect(doc.blocks.map((b) => [b.kind, b.text])).toEqual([
      ["paragraph", "The committee approved the budget."],
      ["list-item", "First point"],
      ["list-item", "Second point"],
    ]);
  });

  it("asks for the password of an encrypted PDF, rejects a wrong one and reads it with the right one", async () => {
    const pdf = buildPdf([{ texts: column(["Salaries are confidential."], 50, 700) }], { userPassword: "s3cret" });
    const missing = await expectParseError(parsePdf(pdf), "document.encrypted");
    expect(missing.message).toBe("This PDF is password-protected. Upload it again with its password.");
    await expectParseError(parsePdf(pdf, { password: "guess" }), "document.wrong_password");
    const doc = await parsePdf(pdf, { password: "s3cret" });
    expect(doc.blocks.map((b) => b.text)).toEqual(["Salaries are confidential."]);
  });

  it("says a PDF without text is probably a scan", async () => {
    const error = await expectParseError(parsePdf(buildPdf([{ texts: [], drawing: true }])), "document.no_text");
    expect(error.message).toMatch(/no extractable text \(a scan\?\)/);
  });

  it("answers damaged files with a clear error instead of hanging", async () => {
    const pdf = buildPdf([{ texts: column(["Some text here."], 50, 700) }]);
    await expectParseError(
      parsePdf(Buffer.from("%PDF-1.7\nthis is not really a pdf at all\n%%EOF")),
      "document.unreadable",
    );
    await expectParseError(parsePdf(pdf.subarray(0, 60)), "document.unreadable");
  });

  it("uses the document title from the metadata when there is one", async () => {
    const doc = await parsePdf(
      buildPdf([{ texts: column(["Hello there."], 50, 700) }], { title: "Microsoft Word - Annual Report" }),
    );
    expect(doc.title).toBe("Annual Report");
  });
});
