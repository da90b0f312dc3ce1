-- Row-level security for the chat tables (see 0002 for the pattern).
--> statement-breakpoint
ALTER TABLE assistant_tenants ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE assistant_tenants FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY assistant_tenants_isolation ON assistant_tenants
  USING (atrium_rls_bypass() OR tenant_id = atrium_tenant_id())
  WITH CHECK (atrium_rls_bypass() OR tenant_id = atrium_tenant_id());
--> statement-breakpoint
ALTER TABLE chats ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE chats FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY chats_isolation ON chats
  USING (atrium_rls_bypass() OR tenant_id = atrium_tenant_id())
  WITH CHECK (atrium_rls_bypass() OR tenant_id = atrium_tenant_id());
--> statement-breakpoint
ALTER TABLE messages ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE messages FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY messages_isolation ON messages
  USING (atrium_rls_bypass() OR tenant_id = atrium_tenant_id())
  WITH CHECK (atrium_rls_bypass() OR tenant_id = atrium_tenant_id());
--> statement-breakpoint
ALTER TABLE marks ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE marks FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY marks_isolation ON marks
  USING (atrium_rls_bypass() OR tenant_id = atrium_tenant_id())
  WITH CHECK (atrium_rls_bypass() OR tenant_id = atrium_tenant_id());
--> statement-breakpoint
ALTER TABLE reviews ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE reviews FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY reviews_isolation ON reviews
  USING (atrium_rls_bypass() OR tenant_id = atrium_tenant_id())
  WITH CHECK (atrium_rls_bypass() OR tenant_id = atrium_tenant_id());
--> statement-breakpoint
ALTER TABLE request_records ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE request_records FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY request_records_isolation ON request_records
  USING (atrium_rls_bypass() OR tenant_id = atrium_tenant_id())
  WITH CHECK (atrium_rls_bypass() OR tenant_id = atrium_tenant_id());
--> statement-breakpoint
ALTER TABLE prompts ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE prompts FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
-- Instance-wide prompts (tenant_id null) are readable by every tenant; only system scope writes them.
CREATE POLICY prompts_isolation ON prompts
  USING (atrium_rls_bypass() OR tenant_id IS NULL OR tenant_id = atrium_tenant_id())
  WITH CHECK (atrium_rls_bypass() OR tenant_id = atrium_tenant_id());
