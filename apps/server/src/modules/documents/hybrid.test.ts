import { describe, expect, it } from "vitest";
import { fuseByRank, RRF_K, tsConfigFor } from "./hybrid";
import type { Candidate } from "./retrieval.repository";

const c = (id: string): Candidate => ({
  chunkId: id,
  documentId: "d",
  documentTitle: "t",
  text: id,
  headingPath: "",
  page: null,
  score: 0,
});

describe("reciprocal rank fusion", () => {
  it("puts passages found by both lists first and keeps each list's ranks", () => {
    const fused = fuseByRank([c("a"), c("b"), c("x")], [c("b"), c("y"), c("a")], 10, 1);
    expect(
      fused
        .map((p) => p.chunkId)
        .slice(0, 2)
        .sort(),
    ).toEqual(["a", "b"]);
    const b = fused.find((p) => p.chunkId === "b");
    expect(b).toMatchObject({ vectorRank: 2, keywordRank: 1 });
    expect(b?.score).toBeCloseTo(1 / (RRF_K + 2) + 1 / (RRF_K + 1));
    expect(fused.find((p) => p.chunkId === "y")).toMatchObject({ vectorRank: null, keywordRank: 2 });
  });
  it("weighs the keyword list by its weight", () => {
    expect(fuseByRank([c("v")], [c("k")], 2, 1).map((p) => p.chunkId)).toEqual(["v", "k"]);
    expect(fuseByRank([c("v")], [c("k")], 2, 2).map((p) => p.chunkId)).toEqual(["k", "v"]);
    expect(fuseByRank([c("v")], [c("k")], 2, 2)[0]?.score).toBeCloseTo(2 / (RRF_K + 1));
  });
  it("cuts to k", () => {
    expect(fuseByRank([c("a"), c("b"), c("c")], [], 2).map((p) => p.chunkId)).toEqual(["a", "b"]);
  });
});

describe("text-search configuration", () => {
  it("picks Russian for Cyrillic text and English otherwise", () => {
    expect(tsConfigFor("Как настроить доступ?")).toBe("russian");
    expect(tsConfigFor("How do I configure access?")).toBe("english");
  });
});
