import { describe, expect, it } from "vitest";
import { diffLines, diffStats, toSplitRows } from "./diff";

/** Compact picture of a diff: " a", "-b", "+c". */
const picture = (before: string, after: string) =>
  diffLines(before, after).map((line) => `${{ same: " ", added: "+", removed: "-" }[line.kind]}${line.text}`);

describe("diffLines", () => {
  it("keeps identical texts as unchanged lines", () => {
    expect(picture("a\nb\nc", "a\nb\nc")).toEqual([" a", " b", " c"]);
    expect(diffStats(diffLines("a\nb", "a\nb"))).toEqual({ added: 0, removed: 0 });
  });

  it("shows a replaced line as removed then added, between unchanged ones", () => {
    expect(
      picture("You are helpful.\nBe brief.\nCite sources.", "You are helpful.\nBe thorough.\nCite sources."),
    ).toEqual([" You are helpful.", "-Be brief.", "+Be thorough.", " Cite sources."]);
  });

  it("finds the longest run of kept lines when lines move", () => {
    const lines = diffLines("a\nb\nc\nd", "b\nc\nd\na");
    expect(lines.filter((line) => line.kind === "same").map((line) => line.text)).toEqual(["b", "c", "d"]);
    expect(diffStats(lines)).toEqual({ added: 1, removed: 1 });
  });

  it("handles empty texts on either side", () => {
    expect(picture("", "one\ntwo")).toEqual(["+one", "+two"]);
    expect(picture("one", "")).toEqual(["-one"]);
    expect(picture("", "")).toEqual([]);
  });

  it("numbers lines in the old and the new text", () => {
    const lines = diffLines("keep\nold\ntail", "new first\nkeep\ntail");
    expect(lines).toEqual([
      { kind: "added", text: "new first", newNumber: 1 },
      { kind: "same", text: "keep", oldNumber: 1, newNumber: 2 },
      { kind: "removed", text: "old", oldNumber: 2 },
      { kind: "same", text: "tail", oldNumber: 3, newNumber: 3 },
    ]);
  });

  it("treats Windows line endings like Unix ones", () => {
    expect(picture("a\r\nb", "a\nb")).toEqual([" a", " b"]);
  });
});

describe("toSplitRows", () => {
  it("puts removed lines beside the lines that replaced them", () => {
    const rows = toSplitRows(diffLines("a\nx\ny\nb", "a\nz\nb"));
    expect(rows.map((row) => [row.left?.text ?? null, row.right?.text ?? null])).toEqual([
      ["a", "a"],
      ["x", "z"],
      ["y", null],
      ["b", "b"],
    ]);
  });
});
