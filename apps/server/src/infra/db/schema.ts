import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  vector,
} from "drizzle-orm/pg-core";

/** Postgres tsvector, written with to_tsvector() in SQL. */
const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
const createdAt = () => ts("created_at").notNull().defaultNow();

/** People who can sign in. Instance-level: not owned by a tenant. */
export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash").notNull(),
    role: text("role", { enum: ["owner", "admin", "member"] })
      .notNull()
      .default("member"),
    isActive: boolean("is_active").notNull().default(true),
    locale: text("locale", { enum: ["en", "ru"] })
      .notNull()
      .default("en"),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
    lastLoginAt: ts("last_login_at"),
  },
  (t) => [uniqueIndex("users_email_key").on(sql`lower(${t.email})`)],
);

/** Departments of the organisation. */
export const tenants = pgTable(
  "tenants",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    slug: text("slug").notNull(),
    settings: jsonb("settings").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("tenants_slug_key").on(t.slug)],
);

/** A user's role in a tenant (seed 003 user_tenant). Tenant-owned: row-level security applies. */
export const memberships = pgTable(
  "memberships",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["admin", "member"] })
      .notNull()
      .default("member"),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.userId] }), index("memberships_user_idx").on(t.userId)],
);

/** Refresh tokens, stored hashed; rotation links each to the one that replaced it. */
export const refreshTokens = pgTable(
  "refresh_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    familyId: uuid("family_id").notNull(),
    tokenHash: text("token_hash").notNull(),
    expiresAt: ts("expires_at").notNull(),
    usedAt: ts("used_at"),
    revokedAt: ts("revoked_at"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("refresh_tokens_hash_key").on(t.tokenHash), index("refresh_tokens_family_idx").on(t.familyId)],
);

/** Programmatic access: a key acts as its user within one tenant. Tenant-owned. */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    keyHash: text("key_hash").notNull(),
    createdAt: createdAt(),
    lastUsedAt: ts("last_used_at"),
    revokedAt: ts("revoked_at"),
  },
  (t) => [uniqueIndex("api_keys_hash_key").on(t.keyHash), index("api_keys_user_idx").on(t.userId)],
);

/** Who did what. tenant_id is null for instance-level actions. */
export const auditLog = pgTable(
  "audit_log",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").references(() => tenants.id, { onDelete: "cascade" }),
    actorUserId: uuid("actor_user_id").references(() => users.id, { onDelete: "set null" }),
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id"),
    data: jsonb("data").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [index("audit_log_tenant_idx").on(t.tenantId, t.createdAt)],
);

/** Instance-wide key/value settings (e.g. the generated JWT secret). */
export const instanceSettings = pgTable("instance_settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").notNull(),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

/** LLM providers configured by instance admins; API keys are stored encrypted (infra/secrets). */
export const llmProviders = pgTable("llm_providers", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  kind: text("kind", { enum: ["openai", "anthropic", "local-gguf"] }).notNull(),
  baseUrl: text("base_url"),
  apiKeyEncrypted: text("api_key_encrypted"),
  /** Models offered, with optional prices (USD per 1M tokens) and context windows. */
  models: jsonb("models")
    .$type<{ id: string; contextWindow?: number; inputPer1M?: number; outputPer1M?: number }[]>()
    .notNull()
    .default([]),
  isEnabled: boolean("is_enabled").notNull().default(true),
  createdAt: createdAt(),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

/** Assistants (seed 003 "modes"): general chat, documents, database. Instance-level definitions. */
export const assistants = pgTable(
  "assistants",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    slug: text("slug").notNull(),
    kind: text("kind", { enum: ["general", "documents", "database"] }).notNull(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    /** null: the instance default provider (or the built-in extractive answerer). */
    providerId: uuid("provider_id").references(() => llmProviders.id, { onDelete: "set null" }),
    model: text("model").notNull().default(""),
    temperature: doublePrecision("temperature"),
    /** Pipeline stages on/off (seed 003 database_prediction_config). */
    pipeline: jsonb("pipeline").$type<Record<string, boolean>>().notNull().default({}),
    /** Enabled for new tenants automatically. */
    isDefault: boolean("is_default").notNull().default(false),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("assistants_slug_key").on(t.slug)],
);

/** Which assistants a tenant uses (seed 003 mode_tenant), with per-tenant pipeline overrides. */
export const assistantTenants = pgTable(
  "assistant_tenants",
  {
    assistantId: uuid("assistant_id")
      .notNull()
      .references(() => assistants.id, { onDelete: "cascade" }),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    isEnabled: boolean("is_enabled").notNull().default(true),
    pipeline: jsonb("pipeline").$type<Record<string, boolean>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.assistantId, t.tenantId] }), index("assistant_tenants_tenant_idx").on(t.tenantId)],
);

/**
 * Versioned prompt templates per assistant and pipeline stage. tenant_id null is the instance-wide
 * prompt; a tenant admin's override carries the tenant id. One version per (assistant, tenant, stage)
 * is active.
 */
export const prompts = pgTable(
  "prompts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    assistantId: uuid("assistant_id")
      .notNull()
      .references(() => assistants.id, { onDelete: "cascade" }),
    tenantId: uuid("tenant_id").references(() => tenants.id, { onDelete: "cascade" }),
    stage: text("stage", { enum: ["system", "answer", "condense"] }).notNull(),
    version: integer("version").notNull(),
    template: text("template").notNull(),
    note: text("note").notNull().default(""),
    isActive: boolean("is_active").notNull().default(false),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("prompts_version_key").on(
      t.assistantId,
      sql`coalesce(${t.tenantId}, '00000000-0000-0000-0000-000000000000'::uuid)`,
      t.stage,
      t.version,
    ),
    uniqueIndex("prompts_active_key")
      .on(t.assistantId, sql`coalesce(${t.tenantId}, '00000000-0000-0000-0000-000000000000'::uuid)`, t.stage)
      .where(sql`${t.isActive}`),
  ],
);

/** A conversation of one user with one assistant in one tenant. */
export const chats = pgTable(
  "chats",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    assistantId: uuid("assistant_id")
      .notNull()
      .references(() => assistants.id, { onDelete: "cascade" }),
    title: text("title").notNull().default(""),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [index("chats_user_idx").on(t.tenantId, t.userId, t.updatedAt)],
);

export type MessageUsage = { inputTokens: number; outputTokens: number; costUsd: number; costKnown: boolean };
export type MessageSource = {
  id: string;
  title?: string;
  ref?: string;
  text?: string;
  score?: number;
  documentId?: string;
  page?: number | null;
};

/** Messages of a chat; assistant messages carry model, prompt versions, usage, latency, sources. */
export const messages = pgTable(
  "messages",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    chatId: uuid("chat_id")
      .notNull()
      .references(() => chats.id, { onDelete: "cascade" }),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["user", "assistant", "system"] }).notNull(),
    content: text("content").notNull().default(""),
    status: text("status", { enum: ["streaming", "done", "stopped", "failed"] })
      .notNull()
      .default("done"),
    model: text("model"),
    providerKind: text("provider_kind"),
    promptVersions: jsonb("prompt_versions").$type<Record<string, number>>(),
    usage: jsonb("usage").$type<MessageUsage>(),
    latencyMs: integer("latency_ms"),
    firstTokenMs: integer("first_token_ms"),
    errorCode: text("error_code"),
    sources: jsonb("sources").$type<MessageSource[]>(),
    /** Insertion order: timestamps can tie (one transaction, coarse clocks), a sequence cannot. */
    seq: bigserial("seq", { mode: "number" }).notNull(),
    createdAt: ts("created_at").notNull().default(sql`clock_timestamp()`),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [index("messages_chat_seq_idx").on(t.chatId, t.seq), index("messages_status_idx").on(t.status)],
);

/** Thumbs up/down on an assistant message, one per user (seed 003 mark). */
export const marks = pgTable(
  "marks",
  {
    messageId: uuid("message_id")
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    value: integer("value").notNull(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.messageId, t.userId] }), index("marks_tenant_idx").on(t.tenantId)],
);

/** Free-text feedback with tags on an assistant message (seed 003 review). */
export const reviews = pgTable(
  "reviews",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    messageId: uuid("message_id")
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    text: text("text").notNull(),
    tags: jsonb("tags").$type<string[]>().notNull().default([]),
    createdAt: createdAt(),
  },
  (t) => [index("reviews_tenant_idx").on(t.tenantId, t.createdAt)],
);

/** One row per completed request (seed 000 RequestRecord): who, what, how long, how much. */
export const requestRecords = pgTable(
  "request_records",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    assistantId: uuid("assistant_id").references(() => assistants.id, { onDelete: "set null" }),
    chatId: uuid("chat_id"),
    messageId: uuid("message_id"),
    kind: text("kind").notNull(),
    channel: text("channel").notNull(),
    model: text("model"),
    providerKind: text("provider_kind"),
    promptVersions: jsonb("prompt_versions").$type<Record<string, number>>(),
    queueMs: integer("queue_ms"),
    retrievalMs: integer("retrieval_ms"),
    firstTokenMs: integer("first_token_ms"),
    totalMs: integer("total_ms"),
    inputTokens: integer("input_tokens").notNull().default(0),
    outputTokens: integer("output_tokens").notNull().default(0),
    costUsd: doublePrecision("cost_usd").notNull().default(0),
    status: text("status").notNull(),
    errorCode: text("error_code"),
    createdAt: createdAt(),
  },
  (t) => [
    index("request_records_tenant_idx").on(t.tenantId, t.createdAt),
    index("request_records_created_idx").on(t.createdAt),
  ],
);

/** Embedding width of the default local model (Universal Sentence Encoder lite). */
export const EMBEDDING_DIMENSIONS = 512;

/** An uploaded document of a tenant; its content lives in versions, one of them active. */
export const documents = pgTable(
  "documents",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    filename: text("filename").notNull(),
    type: text("type", { enum: ["pdf", "docx", "html", "markdown", "text", "csv"] }).notNull(),
    size: integer("size").notNull(),
    sha256: text("sha256").notNull(),
    status: text("status", { enum: ["queued", "processing", "ready", "failed"] })
      .notNull()
      .default("queued"),
    /** 0..100 while processing. */
    progress: integer("progress").notNull().default(0),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    language: text("language"),
    pageCount: integer("page_count"),
    chunkCount: integer("chunk_count").notNull().default(0),
    tags: jsonb("tags").$type<string[]>().notNull().default([]),
    /** The version questions are answered from; switched atomically when a new version is ready. */
    activeVersionId: uuid("active_version_id"),
    /** The newest upload (may still be processing). */
    latestVersionId: uuid("latest_version_id"),
    uploadedBy: uuid("uploaded_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    index("documents_tenant_idx").on(t.tenantId, t.createdAt),
    index("documents_sha_idx").on(t.tenantId, t.sha256),
  ],
);

/** One uploaded file of a document (re-uploads add versions). */
export const documentVersions = pgTable(
  "document_versions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    documentId: uuid("document_id")
      .notNull()
      .references(() => documents.id, { onDelete: "cascade" }),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    filename: text("filename").notNull(),
    type: text("type").notNull(),
    size: integer("size").notNull(),
    sha256: text("sha256").notNull(),
    storageKey: text("storage_key").notNull(),
    /** A PDF password given at upload, encrypted; cleared once the version is indexed. */
    passwordEncrypted: text("password_encrypted"),
    status: text("status", { enum: ["queued", "processing", "ready", "failed", "superseded"] })
      .notNull()
      .default("queued"),
    chunkCount: integer("chunk_count").notNull().default(0),
    /**
     * The vector space of its chunks' embeddings (`embeddingSpace()`: backend, model, width), set
     * when they are stored; vectors of another space are re-embedded by re-indexing.
     */
    embeddingSpace: text("embedding_space"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("document_versions_number_key").on(t.documentId, t.version)],
);

/**
 * Passages of a document version. `chunk_id` is the sha256 of the passage text and its heading
 * path, so re-indexing the same text keeps the same id (feedback and training data keep pointing
 * at it). The embedding (cosine, HNSW) and the full-text vector serve hybrid retrieval.
 */
export const chunks = pgTable(
  "chunks",
  {
    versionId: uuid("version_id")
      .notNull()
      .references(() => documentVersions.id, { onDelete: "cascade" }),
    chunkId: text("chunk_id").notNull(),
    documentId: uuid("document_id")
      .notNull()
      .references(() => documents.id, { onDelete: "cascade" }),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    ordinal: integer("ordinal").notNull(),
    text: text("text").notNull(),
    headingPath: text("heading_path").notNull().default(""),
    page: integer("page"),
    pageEnd: integer("page_end"),
    tokenCount: integer("token_count").notNull(),
    embedding: vector("embedding", { dimensions: EMBEDDING_DIMENSIONS }),
    /** The text-search configuration the tsv was built with (english, russian, simple). */
    tsConfig: text("ts_config").notNull().default("simple"),
    tsv: tsvector("tsv"),
    /** Word occurrences in `tsv` (stop words excluded): the passage length of BM25. */
    termCount: integer("term_count").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.versionId, t.chunkId] }),
    index("chunks_tenant_idx").on(t.tenantId, t.versionId),
    index("chunks_embedding_idx").using("hnsw", t.embedding.op("vector_cosine_ops")),
    index("chunks_tsv_idx").using("gin", t.tsv),
  ],
);

/**
 * Keyword-search statistics of a tenant: how many searchable chunks (those of documents' active
 * versions) hold each lexeme. Kept in the same transactions that switch or delete a document's
 * active version, so BM25's inverse document frequency is a lookup instead of a scan.
 */
export const keywordTerms = pgTable(
  "keyword_terms",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    lexeme: text("lexeme").notNull(),
    chunkCount: integer("chunk_count").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.lexeme] })],
);

/** Per tenant: searchable chunks and their total length (BM25's N and mean passage length). */
export const keywordStats = pgTable("keyword_stats", {
  tenantId: uuid("tenant_id")
    .primaryKey()
    .references(() => tenants.id, { onDelete: "cascade" }),
  chunkCount: integer("chunk_count").notNull(),
  termCount: bigint("term_count", { mode: "number" }).notNull(),
});
