-- Planner statistics of the search tables, refreshed by the ingestion job on the embedded database
-- (PGlite has no autovacuum; without statistics the planner ignores the HNSW and GIN indexes and a
-- search over 100k chunks takes a second instead of milliseconds). ANALYZE needs the tables' owner,
-- so the app role calls it through this function, which can do nothing else.
CREATE OR REPLACE FUNCTION atrium_analyze_search() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS
$$
BEGIN
  ANALYZE chunks;
  ANALYZE keyword_terms;
  ANALYZE keyword_stats;
  ANALYZE documents;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION atrium_analyze_search() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION atrium_analyze_search() TO atrium_app;
