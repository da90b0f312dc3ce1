import type { Candidate } from "./retrieval.repository";

export interface RankedPassage extends Candidate {
  vectorRank: number | null;
  keywordRank: number | null;
}

/**
 * Weight of cosine similarity against the keyword score (BM25 divided by the query's best BM25, so
 * 1 at most). Tuned on the SciFact train split with the local English model (docs/BENCHMARKS.md):
 * the similarity mostly reorders passages the keywords found; a passage only the vectors found
 * needs a similarity well above the keyword matches' to get in.
 */
export const VECTOR_WEIGHT = 2;

/**
 * Fuses the two candidate lists by score: keyword score / best keyword score + VECTOR_WEIGHT ×
 * cosine similarity. A passage missing from the keyword list scores 0 there; its similarity comes
 * from the vector list, or from the keyword query, which computes it for its own candidates.
 * Unlike reciprocal rank fusion, a much weaker list (here the vectors) cannot pull a strong
 * keyword match down just by ranking it low. Ties keep the vector list's order.
 */
export function fuseByScore(
  vector: Candidate[],
  keyword: Candidate[],
  k: number,
  vectorWeight = VECTOR_WEIGHT,
): RankedPassage[] {
  const best = Math.max(0, ...keyword.map((c) => c.score));
  const byId = new Map<string, RankedPassage & { keywordScore: number }>();
  vector.forEach((c, i) => {
    byId.set(c.chunkId, {
      ...c,
      similarity: c.similarity ?? c.score,
      vectorRank: i + 1,
      keywordRank: null,
      keywordScore: 0,
    });
  });
  keyword.forEach((c, i) => {
    const hit = byId.get(c.chunkId);
    const keywordScore = best > 0 ? c.score / best : 0;
    if (hit) {
      hit.keywordRank = i + 1;
      hit.keywordScore = keywordScore;
    } else {
      byId.set(c.chunkId, { ...c, vectorRank: null, keywordRank: i + 1, keywordScore });
    }
  });
  return [...byId.values()]
    .map(({ keywordScore, ...p }) => ({ ...p, score: keywordScore + vectorWeight * (p.similarity ?? 0) }))
    .sort((a, b) => b.score - a.score || (a.vectorRank ?? 1e9) - (b.vectorRank ?? 1e9))
    .slice(0, k);
}

/** The Postgres text-search configuration for a text: Russian when it is mostly Cyrillic. */
export function tsConfigFor(text: string): "english" | "russian" {
  const cyr = (text.match(/[а-яё]/gi) ?? []).length;
  const lat = (text.match(/[a-z]/gi) ?? []).length;
  return cyr > lat ? "russian" : "english";
}
