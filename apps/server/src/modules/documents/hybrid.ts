import type { Candidate } from "./retrieval.repository";

export interface RankedPassage extends Candidate {
  vectorRank: number | null;
  keywordRank: number | null;
}

/** Reciprocal rank fusion constant (Cormack et al. 2009): dampens the weight of top ranks. */
export const RRF_K = 60;

/**
 * Fuses ranked lists by reciprocal rank: score = Σ 1 / (RRF_K + rank). Robust to the lists'
 * incomparable scores (cosine similarity vs ts_rank). Ties keep the vector list's order.
 */
export function fuseByRank(vector: Candidate[], keyword: Candidate[], k: number): RankedPassage[] {
  const byId = new Map<string, RankedPassage & { fused: number }>();
  const add = (list: Candidate[], which: "vectorRank" | "keywordRank") => {
    list.forEach((c, i) => {
      const rank = i + 1;
      const hit = byId.get(c.chunkId) ?? { ...c, vectorRank: null, keywordRank: null, fused: 0 };
      hit[which] = rank;
      hit.fused += 1 / (RRF_K + rank);
      byId.set(c.chunkId, hit);
    });
  };
  add(vector, "vectorRank");
  add(keyword, "keywordRank");
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
