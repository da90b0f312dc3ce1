import { type SQL, sql } from "drizzle-orm";
import type { DB } from "../../infra/db/database";

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
}

type Row = {
  chunk_id: string;
  document_id: string;
  title: string;
  text: string;
  heading_path: string;
  page: number | null;
  score: number | string;
};

function rowsOf(result: unknown): Row[] {
  return ("rows" in (result as object) ? (result as { rows: Row[] }).rows : (result as Row[])) ?? [];
}

const toCandidate = (r: Row): Candidate => ({
  chunkId: r.chunk_id,
  documentId: r.document_id,
  documentTitle: r.title,
  text: r.text,
  headingPath: r.heading_path,
  page: r.page,
  score: Number(r.score),
});

/** Only chunks of each document's active version: a re-index switches versions atomically. */
function filterSql(f: CandidateFilter): SQL {
  const parts: SQL[] = [sql`c.tenant_id = ${f.tenantId}`];
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
      const literal = `[${Array.from(embedding, (x) => x.toFixed(6)).join(",")}]`;
      // A tenant filter after an approximate index scan can leave too few rows; iterative scans
      // (pgvector ≥ 0.8) keep scanning until enough rows pass the filter.
      await tx.execute(sql`select set_config('hnsw.ef_search', ${String(Math.max(40, limit * 2))}, true)`);
      await tx.execute(sql`select set_config('hnsw.iterative_scan', 'relaxed_order', true)`);
      const result = await tx.execute(sql`
        select c.chunk_id, c.document_id, d.title, c.text, c.heading_path, c.page,
               1 - (c.embedding <=> ${literal}::vector) as score
          from chunks c join documents d on d.active_version_id = c.version_id
         where ${filterSql(f)} and c.embedding is not null
         order by c.embedding <=> ${literal}::vector
         limit ${limit}`);
      return rowsOf(result).map(toCandidate);
    },

    /**
     * Chunks matching ANY word of the query (stemmed for its language, plus exact words), ranked by
     * cover density: a natural question rarely has all its words in one passage, so AND would miss.
     */
    async keywordCandidates(
      query: string,
      tsConfig: string,
      f: CandidateFilter,
      limit: number,
      tx: DB = db,
    ): Promise<Candidate[]> {
      const result = await tx.execute(sql`
        with q as (
          select nullif(replace(plainto_tsquery(${tsConfig}::regconfig, ${query})::text, ' & ', ' | '), '')::tsquery as query
        )
        select c.chunk_id, c.document_id, d.title, c.text, c.heading_path, c.page,
               ts_rank_cd(c.tsv, q.query, 32) as score
          from q, chunks c join documents d on d.active_version_id = c.version_id
         where ${filterSql(f)} and c.tsv @@ q.query
         order by score desc
         limit ${limit}`);
      return rowsOf(result).map(toCandidate);
    },
  };
}
export type RetrievalRepository = ReturnType<typeof createRetrievalRepository>;
