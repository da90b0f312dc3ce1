import { and, count, desc, eq, ilike, inArray, type SQL, sql } from "drizzle-orm";
import { type DB, rowsOf } from "../../infra/db/database";
import { chunks, documents, documentVersions, tenants } from "../../infra/db/schema";

export type DocumentRow = typeof documents.$inferSelect;
export type NewDocument = typeof documents.$inferInsert;
export type VersionRow = typeof documentVersions.$inferSelect;
export type NewChunk = typeof chunks.$inferInsert;

/** Documents, their versions and chunks. Callers run inside a transaction scoped to the tenant. */
export function createDocumentsRepository(db: DB) {
  return {
    async insertDocument(values: NewDocument, tx: DB = db): Promise<DocumentRow> {
      const [row] = await tx.insert(documents).values(values).returning();
      if (!row) throw new Error("insert returned nothing");
      return row;
    },
    async insertVersion(values: typeof documentVersions.$inferInsert, tx: DB = db): Promise<VersionRow> {
      const [row] = await tx.insert(documentVersions).values(values).returning();
      if (!row) throw new Error("insert returned nothing");
      return row;
    },
    async findDocument(id: string, tx: DB = db): Promise<DocumentRow | undefined> {
      const [row] = await tx.select().from(documents).where(eq(documents.id, id));
      return row;
    },
    /**
     * The document row, locked until the transaction ends: version switches and deletion take it
     * first, so they run one after the other and keyword statistics count each version once.
     */
    async lockDocument(id: string, tx: DB = db): Promise<DocumentRow | undefined> {
      const [row] = await tx.select().from(documents).where(eq(documents.id, id)).for("update");
      return row;
    },
    async findVersion(id: string, tx: DB = db): Promise<VersionRow | undefined> {
      const [row] = await tx.select().from(documentVersions).where(eq(documentVersions.id, id));
      return row;
    },
    async versionNumbers(ids: string[], tx: DB = db): Promise<Map<string, number>> {
      if (ids.length === 0) return new Map();
      const rows = await tx
        .select({ id: documentVersions.id, version: documentVersions.version })
        .from(documentVersions)
        .where(inArray(documentVersions.id, ids));
      return new Map(rows.map((r) => [r.id, r.version]));
    },
    async nextVersionNumber(documentId: string, tx: DB = db): Promise<number> {
      const [row] = await tx
        .select({ v: sql<number>`coalesce(max(${documentVersions.version}), 0)::int` })
        .from(documentVersions)
        .where(eq(documentVersions.documentId, documentId));
      return (row?.v ?? 0) + 1;
    },
    /** A document of the tenant with the same content (duplicate detection). */
    async findBySha(tenantId: string, sha256: string, tx: DB = db): Promise<DocumentRow | undefined> {
      const [row] = await tx
        .select()
        .from(documents)
        .where(and(eq(documents.tenantId, tenantId), eq(documents.sha256, sha256)))
        .limit(1);
      return row;
    },
    async list(
      opts: { tenantId: string; q?: string; status?: DocumentRow["status"]; limit: number; offset: number },
      tx: DB = db,
    ) {
      const where = and(
        eq(documents.tenantId, opts.tenantId),
        opts.q ? ilike(documents.title, `%${opts.q}%`) : undefined,
        opts.status ? eq(documents.status, opts.status) : undefined,
      );
      const rows = await tx
        .select()
        .from(documents)
        .where(where)
        .orderBy(desc(documents.createdAt))
        .limit(opts.limit)
        .offset(opts.offset);
      const [total] = await tx.select({ n: count() }).from(documents).where(where);
      return { rows, total: total?.n ?? 0 };
    },
    async updateDocument(id: string, patch: Partial<NewDocument>, tx: DB = db): Promise<DocumentRow | undefined> {
      const [row] = await tx
        .update(documents)
        .set({ ...patch, updatedAt: new Date() })
        .where(eq(documents.id, id))
        .returning();
      return row;
    },
    async updateVersion(id: string, patch: Partial<typeof documentVersions.$inferInsert>, tx: DB = db) {
      await tx.update(documentVersions).set(patch).where(eq(documentVersions.id, id));
    },
    async deleteDocument(id: string, tx: DB = db): Promise<boolean> {
      return (await tx.delete(documents).where(eq(documents.id, id)).returning({ id: documents.id })).length > 0;
    },
    async versionsOf(documentId: string, tx: DB = db): Promise<VersionRow[]> {
      return tx.select().from(documentVersions).where(eq(documentVersions.documentId, documentId));
    },

    /**
     * Inserts chunks; a retried job re-inserting the same chunk updates it (idempotent). The keyword
     * index (`tsv`, `term_count`) covers the heading path and `keywordText`, the chunk's keyword
     * window (keyword-window.ts), or the chunk's own text when none is given.
     */
    async upsertChunks(rows: (Omit<NewChunk, "tsv"> & { tsConfig: string; keywordText?: string })[], tx: DB = db) {
      if (rows.length === 0) return;
      await tx
        .insert(chunks)
        .values(
          rows.map(({ keywordText, tsConfig, ...r }) => {
            const tsv = sql`to_tsvector(${tsConfig}::regconfig, ${r.headingPath} || ' ' || ${keywordText ?? r.text})`;
            return { ...r, tsConfig, tsv, termCount: sql`atrium_tsvector_terms(${tsv})` };
          }),
        )
        .onConflictDoUpdate({
          target: [chunks.versionId, chunks.chunkId],
          set: {
            ordinal: sql`excluded.ordinal`,
            text: sql`excluded.text`,
            embedding: sql`excluded.embedding`,
            tsv: sql`excluded.tsv`,
            termCount: sql`excluded.term_count`,
          },
        });
    },

    /**
     * Counts a version's chunks into (1) or out of (-1) the tenant's keyword statistics. Call it in
     * the transaction that makes the version searchable (the active one) or stops it being so, with
     * the chunks still present: the statistics then always describe exactly the searchable chunks.
     * Rows are written in lexeme order so two writers of one tenant cannot deadlock.
     */
    async countInKeywordStats(versionId: string, sign: 1 | -1, tx: DB = db, only?: string[]) {
      // `only`: just these chunks of the version (re-indexing moves a few chunks out and back in).
      const inOnly = (column: SQL) => (only ? sql` and ${column} = any(${sql.param(only)}::text[])` : sql``);
      await tx.execute(sql`
        with v as (select tenant_id, tsv, term_count from chunks
                    where version_id = ${versionId} and tsv is not null${inOnly(sql`chunk_id`)}),
        terms as (
          insert into keyword_terms (tenant_id, lexeme, chunk_count)
          select v.tenant_id, t.lexeme, count(*)::integer * ${sign}::integer
            from v, unnest(tsvector_to_array(v.tsv)) as t(lexeme)
           group by v.tenant_id, t.lexeme
           order by t.lexeme
          on conflict (tenant_id, lexeme) do update set chunk_count = keyword_terms.chunk_count + excluded.chunk_count
        )
        insert into keyword_stats (tenant_id, chunk_count, term_count)
        select tenant_id, count(*)::integer * ${sign}::integer, coalesce(sum(term_count), 0) * ${sign}::integer
          from v group by tenant_id
        on conflict (tenant_id) do update
          set chunk_count = keyword_stats.chunk_count + excluded.chunk_count,
              term_count = keyword_stats.term_count + excluded.term_count`);
      if (sign < 0) {
        // Lexemes no searchable chunk holds any more (only those of this version can have reached 0).
        await tx.execute(sql`
          delete from keyword_terms k
           using (select distinct c.tenant_id, t.lexeme
                    from chunks c, unnest(tsvector_to_array(c.tsv)) as t(lexeme)
                   where c.version_id = ${versionId}${inOnly(sql`c.chunk_id`)}) gone
           where k.tenant_id = gone.tenant_id and k.lexeme = gone.lexeme and k.chunk_count <= 0`);
      }
    },
    /** A version's chunks in order, with what their keyword windows are computed from (re-indexing). */
    async chunksOf(versionId: string, tx: DB = db) {
      return tx
        .select({
          chunkId: chunks.chunkId,
          text: chunks.text,
          headingPath: chunks.headingPath,
          tokenCount: chunks.tokenCount,
        })
        .from(chunks)
        .where(eq(chunks.versionId, versionId))
        .orderBy(chunks.ordinal);
    },
    /**
     * Re-computes the keyword index (`tsv`, `term_count`) of some chunks of a version from their
     * keyword texts, as upsertChunks computes it. Only chunks whose `tsv` changes are written, each
     * moved out of the keyword statistics with its old `tsv` and back in with the new one, so the
     * statistics keep describing the searchable chunks. Call it with the document row locked and
     * the version active. Answers how many chunks changed (0 when they are already up to date).
     */
    async reindexChunks(versionId: string, items: { chunkId: string; keywordText: string }[], tx: DB = db) {
      if (items.length === 0) return 0;
      const input = sql`unnest(${sql.param(items.map((i) => i.chunkId))}::text[], ${sql.param(items.map((i) => i.keywordText))}::text[]) as i(chunk_id, keyword_text)`;
      const fresh = sql`to_tsvector(c.ts_config::regconfig, c.heading_path || ' ' || i.keyword_text)`;
      const changed = rowsOf<{ chunk_id: string }>(
        await tx.execute(sql`
          select c.chunk_id from chunks c join ${input} on i.chunk_id = c.chunk_id
           where c.version_id = ${versionId} and c.tsv is distinct from ${fresh}`),
      );
      const ids = changed.map((r) => r.chunk_id);
      if (ids.length === 0) return 0;
      await this.countInKeywordStats(versionId, -1, tx, ids);
      await tx.execute(sql`
        update chunks c set tsv = n.tsv, term_count = atrium_tsvector_terms(n.tsv)
          from (select c.chunk_id, ${fresh} as tsv from chunks c join ${input} on i.chunk_id = c.chunk_id
                 where c.version_id = ${versionId} and c.chunk_id = any(${sql.param(ids)}::text[])) n
         where c.version_id = ${versionId} and c.chunk_id = n.chunk_id`);
      await this.countInKeywordStats(versionId, 1, tx, ids);
      return ids.length;
    },
    /** Documents with a searchable version, of one tenant or all (system scope), oldest first. */
    /** New vectors for chunks of a version (same ids, texts and keyword index). */
    async setEmbeddings(versionId: string, items: { chunkId: string; embedding: ArrayLike<number> }[], tx: DB = db) {
      if (items.length === 0) return;
      await tx.execute(sql`
        update chunks c set embedding = i.embedding::vector
          from unnest(${sql.param(items.map((i) => i.chunkId))}::text[],
                      ${sql.param(items.map((i) => `[${Array.from(i.embedding).join(",")}]`))}::text[]) as i(chunk_id, embedding)
         where c.version_id = ${versionId} and c.chunk_id = i.chunk_id`);
    },
    /**
     * Records `space` on searchable versions that have none: their vectors predate the record, so
     * they are taken to be of the current space.
     */
    async recordMissingSpace(space: string, tx: DB = db) {
      await tx
        .update(documentVersions)
        .set({ embeddingSpace: space })
        .where(and(sql`${documentVersions.embeddingSpace} is null`, eq(documentVersions.status, "ready")));
    },
    /** Documents (of one tenant, or of all) whose searchable vectors are not of `space`. */
    async documentsOutsideSpace(space: string, tenantId: string | undefined, tx: DB = db) {
      return tx
        .select({ id: documents.id, tenantId: documents.tenantId, space: documentVersions.embeddingSpace })
        .from(documents)
        .innerJoin(documentVersions, eq(documentVersions.id, documents.activeVersionId))
        .where(
          and(
            sql`${documentVersions.embeddingSpace} is distinct from ${space}`,
            tenantId ? eq(documents.tenantId, tenantId) : undefined,
          ),
        )
        .orderBy(documents.createdAt);
    },
    async activeDocuments(tenantId: string | undefined, tx: DB = db) {
      return tx
        .select({ id: documents.id, tenantId: documents.tenantId })
        .from(documents)
        .where(
          and(sql`${documents.activeVersionId} is not null`, tenantId ? eq(documents.tenantId, tenantId) : undefined),
        )
        .orderBy(documents.createdAt);
    },
    async chunkIdsOf(versionId: string, tx: DB = db): Promise<Set<string>> {
      const rows = await tx.select({ id: chunks.chunkId }).from(chunks).where(eq(chunks.versionId, versionId));
      return new Set(rows.map((r) => r.id));
    },
    async countChunks(versionId: string, tx: DB = db): Promise<number> {
      const [row] = await tx.select({ n: count() }).from(chunks).where(eq(chunks.versionId, versionId));
      return row?.n ?? 0;
    },
    async deleteChunksOf(versionId: string, tx: DB = db) {
      await tx.delete(chunks).where(eq(chunks.versionId, versionId));
    },

    /** Documents per status per tenant, for the jobs page (system scope). */
    async statusCounts(tx: DB = db) {
      return tx
        .select({ tenantId: documents.tenantId, tenantName: tenants.name, status: documents.status, n: count() })
        .from(documents)
        .innerJoin(tenants, eq(tenants.id, documents.tenantId))
        .groupBy(documents.tenantId, tenants.name, documents.status);
    },
    async recentFailures(limit: number, tx: DB = db): Promise<DocumentRow[]> {
      return tx
        .select()
        .from(documents)
        .where(eq(documents.status, "failed"))
        .orderBy(desc(documents.updatedAt))
        .limit(limit);
    },
  };
}
export type DocumentsRepository = ReturnType<typeof createDocumentsRepository>;
