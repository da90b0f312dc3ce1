-- Row-level security on every tenant-owned table (FORCE: it applies to the table owner too).
-- A transaction sees a tenant's rows only when app.tenant_id names that tenant; system tasks set
-- app.bypass_rls. A query that forgets its tenant filter therefore still sees one tenant at most.
ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE memberships FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY memberships_isolation ON memberships
  USING (atrium_rls_bypass() OR tenant_id = atrium_tenant_id() OR user_id = atrium_user_id())
  WITH CHECK (atrium_rls_bypass() OR tenant_id = atrium_tenant_id());
--> statement-breakpoint
ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE api_keys FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY api_keys_isolation ON api_keys
  USING (atrium_rls_bypass() OR tenant_id = atrium_tenant_id() OR user_id = atrium_user_id())
  WITH CHECK (atrium_rls_bypass() OR tenant_id = atrium_tenant_id());
--> statement-breakpoint
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY audit_log_isolation ON audit_log
  USING (atrium_rls_bypass() OR tenant_id = atrium_tenant_id())
  WITH CHECK (atrium_rls_bypass() OR tenant_id = atrium_tenant_id() OR tenant_id IS NULL);
--> statement-breakpoint
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenants_isolation ON tenants
  USING (
    atrium_rls_bypass() OR id = atrium_tenant_id()
    OR EXISTS (SELECT 1 FROM memberships m WHERE m.tenant_id = tenants.id AND m.user_id = atrium_user_id())
  )
  WITH CHECK (atrium_rls_bypass() OR id = atrium_tenant_id());
