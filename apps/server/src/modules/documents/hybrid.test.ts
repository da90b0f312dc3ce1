import { describe, expect, it } from "vitest";
import { fuseByScore, tsConfigFor } from "./hybrid";
import type { Candidate } from "./retrieval.repository";

const c = (id: string, score: number, similarity?: number): Candidate => ({
  chunkId: id,
  documentId: "d",
  documentTitle: "t",
  text: id,
  headingPath: "",
  page: null,
  score,
  ...(similarity === undefined ? {} : { similarity }),
});

describe("score fusion", () => {
  it("adds the normalised keyword score and the weighted similarity, keeping each list's ranks", () => {
    // vector candidates: score = similarity; keyword candidates: BM25 and their own similarity.
    const fused = fuseByScore([c("a", 0.5), c("b", 0.4)], [c("b", 8, 0.4), c("k", 4, 0.1)], 10, 2);
    expect(fused.map((p) => p.chunkId)).toEqual(["b", "a", "k"]);
    expect(fused[0]).toMatchObject({ vectorRank: 2, keywordRank: 1 });
    expect(fused[0]?.score).toBeCloseTo(1 + 2 * 0.4);
    expect(fused[1]?.score).toBeCloseTo(2 * 0.5);
    expect(fused[2]).toMatchObject({ vectorRank: null, keywordRank: 2, similarity: 0.1 });
    expect(fused[2]?.score).toBeCloseTo(0.5 + 2 * 0.1);
  });
  it("lets a strong keyword match beat a slightly more similar passage", () => {
    const fused = fuseByScore([c("near", 0.45)], [c("exact", 10, 0.4), c("weak", 1, 0.3)], 10, 2);
    expect(fused.map((p) => p.chunkId)).toEqual(["exact", "near", "weak"]);
  });
  it("cuts to k, and works with one list empty", () => {
    expect(fuseByScore([c("a", 0.9), c("b", 0.8), c("c", 0.7)], [], 2).map((p) => p.chunkId)).toEqual(["a", "b"]);
    expect(fuseByScore([], [c("x", 3), c("y", 1)], 5).map((p) => p.chunkId)).toEqual(["x", "y"]);
  });
});

describe("text-search configuration", () => {
  it("picks Russian for Cyrillic text and English otherwise", () => {
    expect(tsConfigFor("Как настроить доступ?")).toBe("russian");
    expect(tsConfigFor("How do I configure access?")).toBe("english");
  });
});
