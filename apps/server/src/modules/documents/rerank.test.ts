import { describe, expect, it } from "vitest";
import type { Reranker } from "../../infra/rerank/http-reranker";
import type { RankedPassage } from "./hybrid";
import { rerankPassages } from "./rerank";

const passage = (chunkId: string, text: string, headingPath = ""): RankedPassage =>
  ({ chunkId, text, headingPath, score: 1, vectorRank: null, keywordRank: 1 }) as unknown as RankedPassage;

const byWord = (word: string): Reranker => ({
  id: "test",
  rerank: async (_q, passages) => passages.map((p) => (p.includes(word) ? 1 : 0)),
});

describe("rerankPassages", () => {
  const fused = [
    passage("a", "gulls"),
    passage("b", "walrus", "Mammals"),
    passage("c", "otters"),
    passage("d", "walrus"),
  ];

  it("orders by the reranker's score, ties in fused order, and keeps k", async () => {
    const seen: string[][] = [];
    const reranker: Reranker = {
      id: "t",
      rerank: async (q, p) => {
        seen.push([q, ...p]);
        return byWord("walrus").rerank(q, p);
      },
    };
    const out = await rerankPassages(reranker, "big seal", fused, 3, () => undefined);
    expect(out.reranked).toBe(true);
    expect(out.passages.map((p) => p.chunkId)).toEqual(["b", "d", "a"]);
    expect(out.passages.map((p) => p.rerankScore)).toEqual([1, 1, 0]);
    // The heading travels with the text, as context for the cross-encoder.
    expect(seen[0]).toEqual(["big seal", "gulls", "Mammals\nwalrus", "otters", "walrus"]);
  });

  it("keeps the fused order when the reranker fails, and reports the error", async () => {
    const errors: unknown[] = [];
    const failing: Reranker = { id: "t", rerank: () => Promise.reject(new Error("down")) };
    const out = await rerankPassages(failing, "q", fused, 2, (e) => errors.push(e));
    expect(out).toEqual({
      passages: [
        { ...fused[0], rerankScore: null },
        { ...fused[1], rerankScore: null },
      ],
      reranked: false,
    });
    expect(errors).toHaveLength(1);
    expect(await rerankPassages(failing, "q", [], 2, (e) => errors.push(e))).toEqual({ passages: [], reranked: false });
  });
});
