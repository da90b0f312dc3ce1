import type { Candidate } from "./retrieval.repository";

export interface RankedPassage extends Candidate {
  vectorRank: number | null;
  keywordRank: number | null;
}

/** Reciprocal rank fusion constant (Cormack et al. 2009): dampens the weight of top ranks. */
export const RRF_K = 60;

/**
 * Weight of the keyword list's reciprocal ranks (the vector list's weigh 1). BM25 is the stronger
 * ranker with the local English embedding model (docs/BENCHMARKS.md); tuned on the SciFact train
 * split, where it changes hybrid nDCG@10 from the equal-weight figure noted there.
 */
export const KEYWORD_WEIGHT = 1;

/**
 * Fuses ranked lists by weighted reciprocal rank: score = Σ w / (RRF_K + rank), w = 1 for the
 * vector list and `keywordWeight` for the keyword list. Robust to the lists' incomparable scores
 * (cosine similarity vs BM25). Ties keep the vector list's order.
 */
export function fuseByRank(
  vector: Candidate[],
  keyword: Candidate[],
  k: number,
  keywordWeight = KEYWORD_WEIGHT,
): RankedPassage[] {
  const byId = new Map<string, RankedPassage & { fused: number }>();
  const add = (list: Candidate[], which: "vectorRank" | "keywordRank", weight: number) => {
    list.forEach((c, i) => {
      const rank = i + 1;
      const hit = byId.get(c.chunkId) ?? { ...c, vectorRank: null, keywordRank: null, fused: 0 };
      hit[which] = rank;
      hit.fused += weight / (RRF_K + rank);
      byId.set(c.chunkId, hit);
    });
  };
  add(vector, "vectorRank", 1);
  add(keyword, "keywordRank", keywordWeight);
  return [...byId.values()]
    .sort((a, b) => b.fused - a.fused || (a.vectorRank ?? 1e9) - (b.vectorRank ?? 1e9))
    .slice(0, k)
    .map(({ fused, ...rest }) => ({ ...rest, score: fused }));
}

/** The Postgres text-search configuration for a text: Russian when it is mostly Cyrillic. */
export function tsConfigFor(text: string): "english" | "russian" {
  const cyr = (text.match(/[а-яё]/gi) ?? []).length;
  const lat = (text.match(/[a-z]/gi) ?? []).length;
  return cyr > lat ? "russian" : "english";
}
