import { z } from "zod";

export const DocumentTypeSchema = z.enum(["pdf", "docx", "html", "markdown", "text", "csv"]);
export const DocumentStatusSchema = z.enum(["queued", "processing", "ready", "failed"]);

export const DocumentSchema = z.object({
  id: z.uuid(),
  tenantId: z.uuid(),
  title: z.string(),
  filename: z.string(),
  type: DocumentTypeSchema,
  size: z.number().int(),
  sha256: z.string(),
  status: DocumentStatusSchema,
  /** 0..100 while processing. */
  progress: z.number().int(),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  language: z.string().nullable(),
  pageCount: z.number().int().nullable(),
  chunkCount: z.number().int(),
  tags: z.array(z.string()),
  /** Number of the newest version (1 for a first upload). */
  version: z.number().int(),
  /** Whether an older version still answers questions while the newest is processed. */
  hasActiveVersion: z.boolean(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Document = z.infer<typeof DocumentSchema>;

export const DocumentListQuerySchema = z.object({
  tenantId: z.uuid(),
  q: z.string().trim().max(200).optional(),
  status: DocumentStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export const DocumentListSchema = z.object({ items: z.array(DocumentSchema), total: z.number().int() });
export const UpdateDocumentSchema = z
  .object({
    title: z.string().trim().min(1).max(300).optional(),
    tags: z.array(z.string().trim().min(1).max(40)).max(20).optional(),
  })
  .strict();

export const SearchModeSchema = z.enum(["hybrid", "vector", "keyword"]);
export const SearchQuerySchema = z.object({
  tenantId: z.uuid(),
  q: z.string().trim().min(1).max(1000),
  k: z.coerce.number().int().min(1).max(100).default(10),
  mode: SearchModeSchema.default("hybrid"),
  rerank: z
    .enum(["true", "false"])
    .default("true")
    .transform((v) => v === "true")
    .describe("Reorder the passages with the configured reranker (RERANK_URL); ignored when none is configured"),
  documentId: z.uuid().optional(),
  tag: z.string().trim().max(40).optional(),
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
});
export const PassageSchema = z.object({
  chunkId: z.string(),
  documentId: z.uuid(),
  documentTitle: z.string(),
  text: z.string(),
  headingPath: z.string(),
  page: z.number().int().nullable(),
  score: z.number(),
  vectorRank: z.number().int().nullable(),
  keywordRank: z.number().int().nullable(),
  /** The reranker's relevance score; null when the passages were not reranked. */
  rerankScore: z.number().nullable(),
});
export type Passage = z.infer<typeof PassageSchema>;
export const SearchResultSchema = z.object({
  items: z.array(PassageSchema),
  /** Whether the items are in the reranker's order (false: none configured, not asked, or it failed). */
  reranked: z.boolean(),
  tookMs: z.number(),
});

/**
 * Re-indexing (POST /documents/reindex): the stored search data of a tenant's documents (tenant
 * admins), or of every tenant's (instance admins, without tenantId), computed again as ingestion
 * computes it now. Answers how many documents were queued; the jobs page shows the queue.
 */
export const ReindexRequestSchema = z.object({ tenantId: z.uuid().optional() }).strict();
export const ReindexResultSchema = z.object({ tenants: z.number().int(), documents: z.number().int() });

export const JobsOverviewSchema = z.object({
  queues: z.array(
    z.object({
      name: z.string(),
      queued: z.number().int(),
      active: z.number().int(),
      failed: z.number().int(),
      total: z.number().int(),
    }),
  ),
  byTenant: z.array(
    z.object({
      tenantId: z.uuid(),
      tenantName: z.string(),
      queued: z.number().int(),
      processing: z.number().int(),
      ready: z.number().int(),
      failed: z.number().int(),
    }),
  ),
  recentFailures: z.array(DocumentSchema),
});

/** A new document is called by its file name, without the extension, until its own title is read. */
export function titleFromFilename(filename: string): string {
  return filename.replace(/\.[a-z0-9]{1,5}$/i, "");
}
