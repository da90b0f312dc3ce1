CREATE TABLE "keyword_stats" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"chunk_count" integer NOT NULL,
	"term_count" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "keyword_terms" (
	"tenant_id" uuid NOT NULL,
	"lexeme" text NOT NULL,
	"chunk_count" integer NOT NULL,
	CONSTRAINT "keyword_terms_tenant_id_lexeme_pk" PRIMARY KEY("tenant_id","lexeme")
);
--> statement-breakpoint
ALTER TABLE "chunks" ADD COLUMN "term_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "keyword_stats" ADD CONSTRAINT "keyword_stats_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "keyword_terms" ADD CONSTRAINT "keyword_terms_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;