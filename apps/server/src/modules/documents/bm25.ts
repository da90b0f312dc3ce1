/*
 * Okapi BM25 for keyword search, the pure part: which query lexemes pick the candidates and how
 * much each weighs. The SQL that scores candidates is in retrieval.repository.ts.
 */

/** k1 (term-frequency saturation) and b (length normalisation): the textbook values. */
export const BM25 = { k1: 1.2, b: 0.75 } as const;

/**
 * Most chunks a keyword search reads and scores. Candidate lexemes are added rarest first while
 * their summed chunk counts stay within it (the rarest is always taken); the scan stops there too.
 */
export const KEYWORD_CANDIDATE_BUDGET = 2000;

/**
 * The budget for a search that wants `limit` candidates: 20 per candidate wanted, between 1 000
 * and KEYWORD_CANDIDATE_BUDGET. A search's default 50 candidates (k = 10) read 1 000 chunks: on the
 * 100k-chunk benchmark that took hybrid search p50 from ~18 to 13–17 ms on the embedded database,
 * while SciFact train lost 0.001 nDCG@10 at k = 10 (docs/BENCHMARKS.md). Larger k keep the full
 * budget: there the smaller one cost 0.024 recall@100.
 */
export function keywordCandidateBudget(limit: number): number {
  return Math.min(KEYWORD_CANDIDATE_BUDGET, Math.max(1000, 20 * limit));
}

export interface QueryTerm {
  lexeme: string;
  /** Searchable chunks of the tenant holding the lexeme. */
  df: number;
}

export interface KeywordPlan {
  /** Every query lexeme the tenant's chunks hold, with its inverse document frequency. */
  terms: { lexeme: string; idf: number; literal: string }[];
  /** The rarest lexemes, OR-ed: what the GIN index is asked for. */
  candidateQuery: string;
  avgLength: number;
}

/** BM25's idf (Lucene's form, never negative): ln(1 + (N − df + 0.5) / (df + 0.5)). */
export function idf(df: number, n: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

/** A lexeme as a tsquery operand: quoted, so the text is taken as it is (no operators, no stemming). */
export function tsqueryLiteral(lexeme: string): string {
  return `'${lexeme.replaceAll("\\", "\\\\").replaceAll("'", "''")}'`;
}

/**
 * Weighs the query's lexemes and picks the candidate ones; undefined when none of them occurs in
 * the tenant's searchable chunks.
 */
export function planKeywordQuery(
  terms: QueryTerm[],
  chunkCount: number,
  totalLength: number,
  budget = KEYWORD_CANDIDATE_BUDGET,
): KeywordPlan | undefined {
  const present = terms.filter((t) => t.df > 0).sort((a, b) => a.df - b.df || a.lexeme.localeCompare(b.lexeme));
  if (present.length === 0 || chunkCount <= 0) return undefined;
  const candidates: string[] = [];
  let postings = 0;
  for (const t of present) {
    if (candidates.length > 0 && postings + t.df > budget) break;
    candidates.push(t.lexeme);
    postings += t.df;
  }
  return {
    terms: present.map((t) => ({ lexeme: t.lexeme, idf: idf(t.df, chunkCount), literal: tsqueryLiteral(t.lexeme) })),
    candidateQuery: candidates.map(tsqueryLiteral).join(" | "),
    avgLength: Math.max(1, totalLength / chunkCount),
  };
}
