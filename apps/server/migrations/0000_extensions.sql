-- pgvector for embeddings (documents, ML); the embedded database loads it from @electric-sql/pglite-pgvector.
CREATE EXTENSION IF NOT EXISTS vector;
--> statement-breakpoint
-- The role the application runs its queries as. It is not a superuser and does not own the tables,
-- so row-level security always applies to it. Roles are cluster-wide: another database may create it
-- at the same moment, hence the exception handlers.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'atrium_app') THEN
    CREATE ROLE atrium_app NOLOGIN;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
--> statement-breakpoint
-- Tenant context helpers read per-transaction settings set by the application (see infra/db/scope.ts).
CREATE OR REPLACE FUNCTION atrium_tenant_id() RETURNS uuid LANGUAGE sql STABLE AS
$$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION atrium_user_id() RETURNS uuid LANGUAGE sql STABLE AS
$$ SELECT nullif(current_setting('app.user_id', true), '')::uuid $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION atrium_rls_bypass() RETURNS boolean LANGUAGE sql STABLE AS
$$ SELECT coalesce(current_setting('app.bypass_rls', true), '') = 'on' $$;
