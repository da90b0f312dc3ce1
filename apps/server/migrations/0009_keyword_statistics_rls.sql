-- Keyword-search statistics (BM25): row-level security like every tenant-owned table (pattern:
-- 0002), the passage-length function, and a backfill of what existing installations already hold.
ALTER TABLE keyword_terms ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE keyword_terms FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY keyword_terms_isolation ON keyword_terms
  USING (atrium_rls_bypass() OR tenant_id = atrium_tenant_id())
  WITH CHECK (atrium_rls_bypass() OR tenant_id = atrium_tenant_id());
--> statement-breakpoint
ALTER TABLE keyword_stats ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE keyword_stats FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY keyword_stats_isolation ON keyword_stats
  USING (atrium_rls_bypass() OR tenant_id = atrium_tenant_id())
  WITH CHECK (atrium_rls_bypass() OR tenant_id = atrium_tenant_id());
--> statement-breakpoint
-- Word occurrences of a tsvector (each lexeme's positions; a lexeme without positions counts once).
CREATE OR REPLACE FUNCTION atrium_tsvector_terms(v tsvector) RETURNS integer LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$$ SELECT coalesce(sum(greatest(coalesce(cardinality(positions), 1), 1)), 0)::integer FROM unnest(v) $$;
--> statement-breakpoint
-- The GIN lookup of keyword search. Under row-level security PostgreSQL may not evaluate a
-- non-leakproof operator such as tsvector @@ tsquery before the policy, so the app role's queries
-- can never use chunks_tsv_idx and read every chunk of the tenant instead. This function runs as
-- its owner (the migrating role, which bypasses RLS when it is a superuser) and applies the
-- policy's rule itself: only chunks of the transaction's tenant (app.tenant_id), only active
-- versions. It returns at most max_rows chunks, in no particular order.
CREATE OR REPLACE FUNCTION atrium_keyword_hits(q tsquery, max_rows integer, only_document uuid DEFAULT NULL)
RETURNS TABLE (version_id uuid, chunk_id text, document_id uuid, tsv tsvector, term_count integer)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS
$$
BEGIN
  IF atrium_tenant_id() IS NULL THEN
    RETURN;
  END IF;
  -- EXECUTE: planned with the actual tenant and query, so the planner sees how selective they are.
  RETURN QUERY EXECUTE
    'SELECT c.version_id, c.chunk_id, c.document_id, c.tsv, c.term_count
       FROM chunks c JOIN documents d ON d.id = c.document_id AND d.active_version_id = c.version_id
      WHERE c.tenant_id = $1 AND d.tenant_id = $1 AND c.tsv @@ $2 AND ($3::uuid IS NULL OR c.document_id = $3)
      LIMIT $4'
    USING atrium_tenant_id(), q, only_document, max_rows;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION atrium_keyword_hits(tsquery, integer, uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION atrium_keyword_hits(tsquery, integer, uuid) TO atrium_app;
--> statement-breakpoint
SELECT set_config('app.bypass_rls', 'on', true);
--> statement-breakpoint
UPDATE chunks SET term_count = atrium_tsvector_terms(tsv) WHERE tsv IS NOT NULL;
--> statement-breakpoint
INSERT INTO keyword_terms (tenant_id, lexeme, chunk_count)
SELECT c.tenant_id, t.lexeme, count(*)::integer
  FROM chunks c JOIN documents d ON d.active_version_id = c.version_id,
       unnest(tsvector_to_array(c.tsv)) AS t(lexeme)
 GROUP BY c.tenant_id, t.lexeme;
--> statement-breakpoint
INSERT INTO keyword_stats (tenant_id, chunk_count, term_count)
SELECT c.tenant_id, count(*)::integer, sum(c.term_count)
  FROM chunks c JOIN documents d ON d.active_version_id = c.version_id
 GROUP BY c.tenant_id;
