import type { Chunk } from "./parsing";

/*
 * Keyword windows: what a chunk's keyword index (its `tsv`, BM25 length and the keyword
 * statistics) covers. Chunks are sized for the embedding model (~100 tokens), which is short for
 * BM25: a passage that answers a question often names the subject only in the sentence before
 * it. So each chunk is indexed for keywords with the neighbouring chunks of its section around it,
 * up to KEYWORD_WINDOW_TOKENS, while its vector, the text shown and the citation stay the chunk.
 * A window never crosses a level-1/2 section (the chunker's own boundary), and the overlap the
 * chunker repeats between consecutive chunks is counted once. Windows depend only on the chunks of
 * the version, so re-indexing and a retried job give every chunk the same window.
 */

/** Estimated tokens of a chunk's keyword window (the chunk itself always included). */
export const KEYWORD_WINDOW_TOKENS = 300;

/** Longest repeated text the chunker's overlap can produce (20 tokens), with margin, in characters. */
const MAX_OVERLAP_CHARS = 400;
/** Shorter matches (a word that merely recurs at the cut) are not taken for the chunker's overlap. */
const MIN_OVERLAP_CHARS = 20;

/**
 * The keyword text of every chunk (same order): the chunk grown by whole neighbouring chunks of the
 * same section, alternately the previous and the next, while the window stays within `maxTokens`.
 */
export function keywordWindows(
  chunks: readonly Pick<Chunk, "text" | "headingPath" | "tokenCount">[],
  maxTokens = KEYWORD_WINDOW_TOKENS,
): string[] {
  const section = chunks.map((c) => c.headingPath.slice(0, 2).join("\u0000"));
  return chunks.map((chunk, i) => {
    let lo = i;
    let hi = i;
    let tokens = chunk.tokenCount;
    for (let grew = true; grew; ) {
      grew = false;
      for (const j of [lo - 1, hi + 1]) {
        const next = chunks[j];
        if (!next || section[j] !== section[i] || tokens + next.tokenCount > maxTokens) continue;
        tokens += next.tokenCount;
        if (j < lo) lo = j;
        else hi = j;
        grew = true;
      }
    }
    let text = (chunks[lo] as Chunk).text;
    for (let j = lo + 1; j <= hi; j++) {
      text += `\n${withoutOverlap((chunks[j - 1] as Chunk).text, (chunks[j] as Chunk).text)}`;
    }
    return text;
  });
}

/** `next` without its start when that repeats the end of `previous` (the chunker's overlap). */
export function withoutOverlap(previous: string, next: string): string {
  const limit = Math.min(MAX_OVERLAP_CHARS, previous.length, next.length);
  // Candidate overlaps end at a word boundary of `next`; the longest that `previous` ends with wins.
  for (let k = limit; k >= MIN_OVERLAP_CHARS; k--) {
    if (k < next.length && !/\s/.test(next[k] as string)) continue;
    if (previous.endsWith(next.slice(0, k))) return next.slice(k).trimStart();
  }
  return next;
}
