-- Row-level security for documents, versions and chunks (pattern: 0002).
--> statement-breakpoint
ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE documents FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY documents_isolation ON documents
  USING (atrium_rls_bypass() OR tenant_id = atrium_tenant_id())
  WITH CHECK (atrium_rls_bypass() OR tenant_id = atrium_tenant_id());
--> statement-breakpoint
ALTER TABLE document_versions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE document_versions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY document_versions_isolation ON document_versions
  USING (atrium_rls_bypass() OR tenant_id = atrium_tenant_id())
  WITH CHECK (atrium_rls_bypass() OR tenant_id = atrium_tenant_id());
--> statement-breakpoint
ALTER TABLE chunks ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE chunks FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY chunks_isolation ON chunks
  USING (atrium_rls_bypass() OR tenant_id = atrium_tenant_id())
  WITH CHECK (atrium_rls_bypass() OR tenant_id = atrium_tenant_id());
