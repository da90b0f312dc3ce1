import type { Reranker } from "../../infra/rerank/http-reranker";
import type { RankedPassage } from "./hybrid";

export interface RerankedPassage extends RankedPassage {
  /** The reranker's relevance score; null when the passages were not reranked. */
  rerankScore: number | null;
}

/**
 * Reorders fused passages by a reranker's scores and keeps the best k. When the reranker fails
 * (down, slow, a malformed answer) the fused order is kept: a search never fails because of it;
 * `onError` hears about it, and `reranked` says which order the caller got.
 */
export async function rerankPassages(
  reranker: Reranker,
  query: string,
  passages: RankedPassage[],
  k: number,
  onError: (err: unknown) => void,
): Promise<{ passages: RerankedPassage[]; reranked: boolean }> {
  const unranked = () => passages.slice(0, k).map((p) => ({ ...p, rerankScore: null }));
  if (passages.length === 0) return { passages: [], reranked: false };
  let scores: number[];
  try {
    scores = await reranker.rerank(
      query,
      passages.map((p) => (p.headingPath ? `${p.headingPath}\n${p.text}` : p.text)),
    );
  } catch (err) {
    onError(err);
    return { passages: unranked(), reranked: false };
  }
  const reranked = passages
    .map((p, i) => ({ ...p, rerankScore: scores[i] ?? Number.NEGATIVE_INFINITY, fusedRank: i }))
    .sort((a, b) => b.rerankScore - a.rerankScore || a.fusedRank - b.fusedRank)
    .slice(0, k)
    .map(({ fusedRank: _, ...p }) => p);
  return { passages: reranked, reranked: true };
}
