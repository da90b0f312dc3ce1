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
