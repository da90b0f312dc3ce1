import { type SQL, sql } from "drizzle-orm";
import { type DB, rowsOf } from "../../infra/db/database";
import { BM25, keywordCandidateBudget, planKeywordQuery } from "./bm25";

export interface CandidateFilter {
  tenantId: string;
  documentId?: string;
  tag?: string;
  from?: Date;
  to?: Date;
}

export interface Candidate {
  chunkId: string;
  documentId: string;
  documentTitle: string;
  text: string;
  headingPath: string;
  page: number | null;
  score: number;
  /** Cosine similarity to the query, when the query was embedded. */
  similarity?: number;
}

type Row = {
  chunk_id: string;
  document_id: string;
  title: string;
  text: string;
  heading_path: string;
  page: number | null;
  score: number | string;
  similarity?: number | string | null;
};

type TermRow = { lexeme: string; df: number | string; n: number | string; total: number | string };

const toCandidate = (r: Row): Candidate => ({
  chunkId: r.chunk_id,
  documentId: r.document_id,
  documentTitle: r.title,
  text: r.text,
  headingPath: r.heading_path,
  page: r.page,
  score: Number(r.score),
  ...(r.similarity === undefined || r.similarity === null ? {} : { similarity: Number(r.similarity) }),
});

const vectorLiteral = (v: Float32Array | number[]) => `[${Array.from(v, (x) => x.toFixed(6)).join(",")}]`;

/** Only chunks of each document's active version: a re-index switches versions atomically. */
function filterSql(f: CandidateFilter, chunk = sql`c`): SQL {
  const parts: SQL[] = [sql`${chunk}.tenant_id = ${f.tenantId}`];
  if (f.documentId) parts.push(sql`d.id = ${f.documentId}`);
  if (f.tag) parts.push(sql`d.tags ? ${f.tag}`);
  if (f.from) parts.push(sql`d.created_at >= ${f.from.toISOString()}`);
  if (f.to) parts.push(sql`d.created_at <= ${f.to.toISOString()}`);
  return sql.join(parts, sql` and `);
}

/** The two candidate lists of hybrid retrieval, straight from pgvector and Postgres full text. */
export function createRetrievalRepository(db: DB) {
  return {
    /** Nearest chunks by cosine distance (HNSW); score = cosine similarity. */
    async vectorCandidates(
      embedding: Float32Array | number[],
      f: CandidateFilter,
      limit: number,
      tx: DB = db,
    ): Promise<Candidate[]> {
      const literal = vectorLiteral(embedding);
      // A tenant filter after an approximate index scan can leave too few rows; iterative scans
      // (pgvector ≥ 0.8) keep scanning until enough rows pass the filter.
      await tx.execute(
        sql`select set_config('hnsw.ef_search', ${String(Math.max(40, limit * 2))}, true),
                   set_config('hnsw.iterative_scan', 'relaxed_order', true)`,
      );
      const docFilters = f.documentId || f.tag || f.from || f.to;
      // Without document filters: chunks in HNSW order, each checked against its document with one
      // primary-key probe (is its version the active one? the title comes with it). A join here
      // makes the planner either compare every chunk with every document (a nested loop over all
      // of them) or, joining on the key, expect so few matches that it leaves the HNSW index and
      // sorts the whole tenant. The scalar subquery keeps the index scan, and OFFSET 0 keeps the
      // ordered scan under the LIMIT, so iterative scans still fetch more when a chunk is inactive.
      // There the distance is selected once and ordered by: written twice (score and ORDER BY), each
      // chunk's vector was read from TOAST and compared twice.
      const result = docFilters
        ? await tx.execute(sql`
        select c.chunk_id, c.document_id, d.title, c.text, c.heading_path, c.page,
               1 - (c.embedding <=> ${literal}::vector) as score
          from chunks c join documents d on d.active_version_id = c.version_id
         where ${filterSql(f)} and c.embedding is not null
         order by c.embedding <=> ${literal}::vector
         limit ${limit}`)
        : await tx.execute(sql`
        select chunk_id, document_id, title, text, heading_path, page, 1 - distance as score
          from (select c.chunk_id, c.document_id, c.text, c.heading_path, c.page,
                       c.embedding <=> ${literal}::vector as distance,
                       (select d.title from documents d
                         where d.id = c.document_id and d.active_version_id = c.version_id) as title
                  from chunks c
                 where c.tenant_id = ${f.tenantId} and c.embedding is not null
                 order by distance
                offset 0) x
         where title is not null
         limit ${limit}`);
      return rowsOf<Row>(result).map(toCandidate);
    },

    /**
     * Keyword candidates ranked by Okapi BM25 (see docs/ARCHITECTURE.md, "Keyword scoring"). The
     * query's lexemes get their inverse document frequency from the tenant's keyword statistics
     * (one index lookup each). Candidates are the chunks holding the RAREST query lexemes, taken
     * while their summed chunk counts stay within the budget (keywordCandidateBudget: 1 000 to
     * 2 000 chunks, by `limit`), through the GIN index; every query lexeme, common ones too, then
     * counts in the score of those candidates. A chunk holding only common query words could only
     * rank high with many of them, and is skipped: the work per query stays bounded however large
     * the tenant's collection grows. Scoring has two stages: all candidates by which query lexemes
     * they hold (an index probe per lexeme, tf taken as 1), then the best `limit` by full BM25
     * (term frequencies read from the tsvector).
     */
    async keywordCandidates(
      { query, tsConfig, embedding }: { query: string; tsConfig: string; embedding?: Float32Array | number[] },
      f: CandidateFilter,
      limit: number,
      tx: DB = db,
    ): Promise<Candidate[]> {
      const stats = rowsOf<TermRow>(
        await tx.execute(sql`
          select t.lexeme, k.chunk_count as df, s.chunk_count as n, s.term_count as total
            from (select distinct lexeme from unnest(tsvector_to_array(to_tsvector(${tsConfig}::regconfig, ${query}))) as lexeme) t
            join keyword_terms k on k.tenant_id = ${f.tenantId} and k.lexeme = t.lexeme
            join keyword_stats s on s.tenant_id = ${f.tenantId}
           where k.chunk_count > 0`),
      );
      const budget = keywordCandidateBudget(limit);
      const plan = planKeywordQuery(
        stats.map((r) => ({ lexeme: r.lexeme, df: Number(r.df) })),
        Number(stats[0]?.n ?? 0),
        Number(stats[0]?.total ?? 0),
        budget,
      );
      if (!plan) return [];
      const { k1, b } = BM25;
      const norm = sql`${k1}::float8 * (${1 - b}::float8 + ${b}::float8 * h.term_count / ${plan.avgLength}::float8)`;
      // The rough score's idf sum over the query lexemes a candidate holds, written out term by term
      // (a subquery over the terms per candidate cost ~5 µs each on PGlite). Same values as summing
      // the matched idfs in term order: an unmatched term adds an exact 0; none matched gives null.
      const matched = sql.join(
        plan.terms.map((t) => sql`case when h.tsv @@ ${t.literal}::tsquery then ${t.idf}::float8 else 0::float8 end`),
        sql` + `,
      );
      // Tag and date filters need the document; the document id filter is applied by the lookup.
      const docFilters = f.tag || f.from || f.to;
      const result = await tx.execute(sql`
        with terms as (
          select t.lexeme, t.idf
            from json_to_recordset(${JSON.stringify(plan.terms.map(({ lexeme, idf }) => ({ lexeme, idf })))}::json) as t(lexeme text, idf float8)
        ),
        hits as materialized (
          select * from atrium_keyword_hits(${plan.candidateQuery}::tsquery, ${budget}::integer, ${f.documentId ?? null}::uuid)
        ),
        rough as (
          select h.version_id, h.chunk_id, h.document_id, h.tsv, h.term_count,
                 nullif(${matched}, 0) / (1 + ${norm}) as rough
            from hits h
            ${docFilters ? sql`join documents d on d.id = h.document_id where ${filterSql(f, sql`d`)}` : sql``}
           order by rough desc, h.chunk_id
           limit ${limit}
        )
        select c.chunk_id, c.document_id, d.title, c.text, c.heading_path, c.page,
               (select sum(t.idf * u.tf * ${k1 + 1}::float8 / (u.tf + ${norm}))
                  from (select lexeme, coalesce(cardinality(positions), 1)::float8 as tf from unnest(h.tsv)) u
                  join terms t using (lexeme)) as score,
               ${embedding ? sql`1 - (c.embedding <=> ${vectorLiteral(embedding)}::vector)` : sql`null::float8`} as similarity
          from rough h
          join chunks c on c.version_id = h.version_id and c.chunk_id = h.chunk_id
          join documents d on d.id = h.document_id
         order by score desc, c.chunk_id`);
      return rowsOf<Row>(result).map(toCandidate);
    },
  };
}
export type RetrievalRepository = ReturnType<typeof createRetrievalRepository>;
