import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { estimateTokens } from "../../../infra/llm/tokens";
import { BlockBuilder } from "./block-builder";
import { type Chunk, chunkDocument, headingPrefix, splitSentences } from "./chunker";
import type { Block } from "./document.types";

type Step = ["h", number, string] | [Exclude<Block["kind"], "heading">, string, number?];

/** Blocks with heading paths, as a parser would produce them. */
function docOf(...steps: Step[]): { blocks: Block[] } {
  const b = new BlockBuilder();
  for (const step of steps) {
    if (step[0] === "h") b.heading(step[2], step[1]);
    else b.add(step[0], step[1], step[2]);
  }
  return { blocks: b.blocks };
}

const sentence = (n: number) => `Sentence number ${n} explains one more detail of the travel policy.`;
const paragraph = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => sentence(from + i)).join(" ");

describe("chunkDocument", () => {
  it("packs small blocks of a section together and never crosses a level 1-2 heading", () => {
    const chunks = chunkDocument(
      docOf(
        ["h", 1, "Travel"],
        ["paragraph", "Book trains."],
        ["list-item", "Keep receipts."],
        ["h", 2, "Hotels"],
        ["paragraph", "Stay near the office."],
      ),
    );
    expect(chunks.map((c) => [c.headingPath, c.text])).toEqual([
      [["Travel"], "Book trains.\n- Keep receipts."],
      [["Travel", "Hotels"], "Stay near the office."],
    ]);
    expect(chunks[1]?.embedText).toBe("Travel > Hotels\nStay near the office.");
    expect(chunks.map((c) => c.ordinal)).toEqual([0, 1]);
  });

  it("computes ids as sha256 of the normalized text and the heading path", () => {
    const [chunk] = chunkDocument(docOf(["h", 1, "Policy"], ["paragraph", "Rule  one.\u00a0 Rule two."]));
    const expected = createHash("sha256").update("Rule one. Rule two.\u0000Policy").digest("hex");
    expect(chunk?.id).toBe(expected);
  });

  it("keeps ids stable across re-chunking, distinct for the same text under other headings, and drops exact repeats", () => {
    const doc = docOf(
      ["h", 1, "Sales"],
      ["paragraph", "Contact the team lead."],
      ["h", 1, "Support"],
      ["paragraph", "Contact the team lead."],
      ["h", 1, "Sales"],
      ["paragraph", "Contact the team lead."],
    );
    const first = chunkDocument(doc);
    const again = chunkDocument(structuredClone(doc));
    expect(again.map((c) => c.id)).toEqual(first.map((c) => c.id));
    expect(first).toHaveLength(2);
    expect(first[0]?.id).not.toBe(first[1]?.id);
    expect(first.map((c) => c.ordinal)).toEqual([0, 1]);
  });

  it("leaves the chunks of other sections unchanged when one section is edited", () => {
    const before = docOf(
      ["h", 2, "A"],
      ["paragraph", paragraph(1, 12)],
      ["h", 2, "B"],
      ["paragraph", paragraph(100, 12)],
    );
    const after = docOf(
      ["h", 2, "A"],
      ["paragraph", `An inserted sentence. ${paragraph(1, 12)}`],
      ["h", 2, "B"],
      ["paragraph", paragraph(100, 12)],
    );
    const idsOf = (chunks: Chunk[], section: string) =>
      chunks.filter((c) => c.headingPath.includes(section)).map((c) => c.id);
    expect(idsOf(chunkDocument(after), "B")).toEqual(idsOf(chunkDocument(before), "B"));
    expect(idsOf(chunkDocument(after), "A")).not.toEqual(idsOf(chunkDocument(before), "A"));
  });

  it("splits a long paragraph at sentence ends and starts each next chunk with the last sentence", () => {
    const chunks = chunkDocument(docOf(["h", 1, "Policy"], ["paragraph", paragraph(1, 20)]), {
      maxTokens: 60,
      overlapTokens: 20,
    });
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) expect(chunk.text).toMatch(/^Sentence number \d+ .*\.$/);
    for (let i = 1; i < chunks.length; i++) {
      const previous = splitSentences(chunks[i - 1]?.text ?? "");
      expect(chunks[i]?.text.startsWith(previous.at(-1) as string)).toBe(true);
    }
    const all = chunks.map((c) => c.text).join(" ");
    for (let n = 1; n <= 20; n++) expect(all).toContain(sentence(n));
  });

  it("keeps everything it embeds within the budget, whatever the input", () => {
    const longWord = "x".repeat(900);
    const doc = docOf(
      ["h", 1, "A very long heading that goes on and on about many topics at once"],
      ["h", 2, "Another rather long heading with lots of words in it as well"],
      ["paragraph", `${paragraph(1, 6)} ${"word ".repeat(300)}end. ${longWord}`],
      ["table-row", Array.from({ length: 40 }, (_, i) => `Column ${i}: value ${i}`).join(" | ")],
      ["code", Array.from({ length: 60 }, (_, i) => `let v${i} = compute(${i});`).join("\n")],
      ["paragraph", "Длинное предложение на русском языке повторяется много раз. ".repeat(30)],
    );
    for (const maxTokens of [24, 64, 100, 256]) {
      const chunks = chunkDocument(doc, { maxTokens, overlapTokens: 20 });
      for (const c of chunks) {
        expect(estimateTokens(c.embedText)).toBeLessThanOrEqual(maxTokens);
        expect(c.tokenCount).toBe(estimateTokens(c.text));
      }
      const all = chunks.map((c) => c.text).join(" ");
      expect(all).toContain("Column 39: value 39");
      expect(all.replace(/\s/g, "")).toContain(longWord.slice(0, 40));
    }
  });

  it("keeps table rows whole, without overlap between rows", () => {
    const rows = Array.from({ length: 30 }, (_, i) => `Name: Person ${i} | City: Town ${i} | Role: Engineer`);
    const chunks = chunkDocument(docOf(["h", 1, "Staff"], ...rows.map((r): Step => ["table-row", r])), {
      maxTokens: 60,
      overlapTokens: 20,
    });
    const lines = chunks.flatMap((c) => c.text.split("\n"));
    expect(lines).toEqual(rows);
  });

  it("packs a small sub-section with its heading as a line, and starts a new chunk for one that does not fit", () => {
    const chunks = chunkDocument(
      docOf(
        ["h", 2, "API"],
        ["paragraph", "Overview of the API."],
        ["h", 3, "get()"],
        ["paragraph", "Returns a value."],
        ["h", 3, "put()"],
        ["paragraph", paragraph(1, 8)],
      ),
      { maxTokens: 100, overlapTokens: 20 },
    );
    expect(chunks[0]).toMatchObject({ headingPath: ["API"], text: "Overview of the API.\nget()\nReturns a value." });
    expect(chunks[1]?.headingPath).toEqual(["API", "put()"]);
    expect(chunks[1]?.text.startsWith(sentence(1))).toBe(true);
  });

  it("reports the first and last page of a passage", () => {
    const chunks = chunkDocument(
      docOf(["h", 1, "Report"], ["paragraph", "Page one ends here.", 1], ["paragraph", "Page two starts.", 2]),
    );
    expect(chunks).toMatchObject([{ page: 1, pageEnd: 2 }]);
  });

  it("keeps a heading with nothing under it as a passage", () => {
    const chunks = chunkDocument(docOf(["h", 1, "Appendix A"], ["h", 1, "Appendix B"], ["paragraph", "Text."]));
    expect(chunks.map((c) => c.text)).toEqual(["Appendix A", "Text."]);
  });
});

describe("splitSentences", () => {
  it("splits English and Russian sentences but not after abbreviations or initials", () => {
    expect(splitSentences("Dr. Smith arrived, e.g. at 5 p.m. on Monday. He left! Did he? Yes.")).toEqual([
      "Dr. Smith arrived, e.g. at 5 p.m. on Monday.",
      "He left!",
      "Did he?",
      "Yes.",
    ]);
    expect(
      splitSentences("Отпуск длится 28 дней, т.е. четыре недели. См. рис. 5 в приложении. А. С. Пушкин согласен."),
    ).toEqual(["Отпуск длится 28 дней, т.е. четыре недели.", "См. рис. 5 в приложении.", "А. С. Пушкин согласен."]);
  });
});

describe("headingPrefix", () => {
  it("drops outer headings first, then cuts the innermost one", () => {
    expect(headingPrefix(["Guide", "Install"], 10)).toBe("Guide > Install");
    expect(headingPrefix(["A very long outer heading indeed", "Inner"], 4)).toBe("Inner");
    const cut = headingPrefix(["One two three four five six seven eight nine ten"], 5);
    expect(cut.endsWith("…")).toBe(true);
    expect(estimateTokens(cut)).toBeLessThanOrEqual(5);
  });
});
