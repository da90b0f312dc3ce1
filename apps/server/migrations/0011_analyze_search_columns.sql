-- The planner statistics refresh of the embedded database (0010) analysed every column of chunks,
-- the 512-dimension embeddings and the texts included, which no plan reads (the HNSW index's cost
-- comes from the row count; filters and joins use the ids). On PGlite ANALYZE runs on the server's
-- main thread, so it held the event loop for ~0.5 s during ingestion. Only the columns searches
-- filter, join or match on are analysed now; the row counts are refreshed as before.
CREATE OR REPLACE FUNCTION atrium_analyze_search() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS
$$
BEGIN
  ANALYZE chunks (tenant_id, version_id, document_id, ts_config, tsv);
  ANALYZE keyword_terms;
  ANALYZE keyword_stats;
  ANALYZE documents;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION atrium_analyze_search() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION atrium_analyze_search() TO atrium_app;
