import { basename, join } from "node:path";
import { sql } from "drizzle-orm";
import { Redis } from "ioredis";
import type { Config } from "./config/config";
import { createAccessTokens } from "./infra/access-tokens";
import { type Counters, createMemoryCounters, createRedisCounters } from "./infra/counters";
import { type Database, openDatabase } from "./infra/db/database";
import { createEmbedder, type Embedder, embeddingSpace } from "./infra/embeddings";
import { createPgNotifyBus } from "./infra/events/pg-notify";
import { createAnthropicProvider } from "./infra/llm/anthropic.provider";
import type { LlmProvider } from "./infra/llm/llm.types";
import { createLocalGgufProvider } from "./infra/llm/local-gguf.provider";
import { createOpenAiCompatibleProvider } from "./infra/llm/openai-compatible.provider";
import { createArgon2Hasher, type PasswordHasher } from "./infra/passwords";
import { createJobQueue } from "./infra/queue/job-queue";
import { createHttpReranker, type Reranker } from "./infra/rerank/http-reranker";
import { createSecretBox, loadEncryptionKey } from "./infra/secrets";
import { createStorage, type ObjectStorage } from "./infra/storage";
import { randomToken } from "./lib/crypto";
import { createApiKeysRepository } from "./modules/api-keys/api-keys.repository";
import { createApiKeysService } from "./modules/api-keys/api-keys.service";
import { createAssistantsRepository } from "./modules/assistants/assistants.repository";
import { createAssistantsService } from "./modules/assistants/assistants.service";
import { createAuditRepository } from "./modules/audit/audit.repository";
import { createAuthService } from "./modules/auth/auth.service";
import { createRefreshTokensRepository } from "./modules/auth/refresh-tokens.repository";
import { createAnswerPipeline } from "./modules/chats/answer-pipeline";
import type { Retriever } from "./modules/chats/chat-ports";
import { createChatsRepository } from "./modules/chats/chats.repository";
import { createChatsService } from "./modules/chats/chats.service";
import { createGenerationHub } from "./modules/chats/generation-hub";
import { createDocumentEvents } from "./modules/documents/document-events";
import { createIngestHandler } from "./modules/documents/documents.jobs";
import { createDocumentsRepository } from "./modules/documents/documents.repository";
import { createDocumentsService } from "./modules/documents/documents.service";
import { createReindexHandler } from "./modules/documents/reindex.jobs";
import { createRetrievalRepository } from "./modules/documents/retrieval.repository";
import { createSearchAnalyzer } from "./modules/documents/search-statistics";
import { createOpenAiService } from "./modules/openai-compat/openai.service";
import { createModelResolver, type EnvProvider } from "./modules/providers/model-resolver";
import { createProvidersRepository } from "./modules/providers/providers.repository";
import { createProvidersService } from "./modules/providers/providers.service";
import { createRecordsRepository } from "./modules/records/records.repository";
import { createRecordsService } from "./modules/records/records.service";
import { createSettingsRepository } from "./modules/settings/settings.repository";
import { createTenantAccess } from "./modules/tenants/tenant-access";
import { createTenantsRepository } from "./modules/tenants/tenants.repository";
import { createTenantsService } from "./modules/tenants/tenants.service";
import { createUsersRepository } from "./modules/users/users.repository";
import { createUsersService } from "./modules/users/users.service";

export const VERSION = "0.1.0";

/** Adapters a test may swap at wiring time. */
export interface ContainerOverrides {
  database?: Database;
  hasher?: PasswordHasher;
  counters?: Counters;
  /** Replaces the environment's LLM provider (tests use the fake provider). */
  envProvider?: EnvProvider;
  retriever?: Retriever;
  storage?: ObjectStorage;
  embedder?: Embedder;
  /** A reranker instead of the one RERANK_URL configures. */
  reranker?: Reranker;
  /** Backoff wait of the LLM gateway (tests make it instant). */
  llmSleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** The provider configured by LLM_* variables, if any. */
function envProviderFrom(config: Config): EnvProvider | undefined {
  if (config.LLM_BASE_URL) {
    const provider: LlmProvider =
      config.LLM_PROVIDER === "anthropic"
        ? createAnthropicProvider({ id: "env", apiKey: config.LLM_API_KEY ?? "", baseURL: config.LLM_BASE_URL })
        : createOpenAiCompatibleProvider({ id: "env", baseURL: config.LLM_BASE_URL, apiKey: config.LLM_API_KEY });
    return { provider, model: config.LLM_MODEL ?? "" };
  }
  if (config.LLM_MODEL_PATH) {
    const provider = createLocalGgufProvider({ id: "env", modelPath: config.LLM_MODEL_PATH });
    return { provider, model: basename(config.LLM_MODEL_PATH) };
  }
  return undefined;
}

/** Builds infra → repositories → services for one process. */
export async function buildContainer(config: Config, overrides: ContainerOverrides = {}) {
  const database =
    overrides.database ??
    (await openDatabase({
      databaseUrl: config.DATABASE_URL,
      dataDir: config.ATRIUM_DATA_DIR,
      poolSize: config.DATABASE_POOL_SIZE,
      sharedBuffers: config.EMBEDDED_SHARED_BUFFERS,
    }));
  const redis = config.REDIS_URL
    ? new Redis(config.REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 2 })
    : undefined;

  const repos = {
    users: createUsersRepository(database.db),
    tenants: createTenantsRepository(database.db),
    apiKeys: createApiKeysRepository(database.db),
    refreshTokens: createRefreshTokensRepository(database.db),
    audit: createAuditRepository(database.db),
    settings: createSettingsRepository(database.db),
    assistants: createAssistantsRepository(database.db),
    chats: createChatsRepository(database.db),
    providers: createProvidersRepository(database.db),
    records: createRecordsRepository(database.db),
    documents: createDocumentsRepository(database.db),
    retrieval: createRetrievalRepository(database.db),
  };

  // The JWT secret: from config, else generated once and kept in the database (in the data dir
  // when embedded), so restarts and replicas share it and sessions stay valid.
  const jwtSecret =
    config.JWT_SECRET ??
    (await database.scoped({ bypass: true }, (tx) => repos.settings.getOrInit("jwt_secret", randomToken(48), tx)));

  const hasher = overrides.hasher ?? createArgon2Hasher();
  const counters = overrides.counters ?? (redis ? createRedisCounters(redis) : createMemoryCounters());
  const accessTokens = createAccessTokens(jwtSecret, config.ACCESS_TOKEN_TTL_SECONDS);
  const requireTenantRole = createTenantAccess(repos.tenants);

  const auth = createAuthService({
    database,
    users: repos.users,
    refreshTokens: repos.refreshTokens,
    apiKeys: repos.apiKeys,
    audit: repos.audit,
    hasher,
    accessTokens,
    counters,
    refreshTtlDays: config.REFRESH_TOKEN_TTL_DAYS,
    login: { maxFailures: config.LOGIN_MAX_FAILURES, lockSeconds: config.LOGIN_LOCK_SECONDS },
  });
  const users = createUsersService({
    database,
    users: repos.users,
    tenants: repos.tenants,
    refreshTokens: repos.refreshTokens,
    audit: repos.audit,
    hasher,
  });
  const assistants = createAssistantsService({
    database,
    assistants: repos.assistants,
    tenantIds: async (tx) => (await repos.tenants.listAll(tx)).map((t) => t.id),
    audit: repos.audit,
    requireTenantRole,
    resolveCacheMs: config.ASSISTANT_CACHE_SECONDS * 1000,
  });
  const tenants = createTenantsService({
    database,
    tenants: repos.tenants,
    users: repos.users,
    usersService: users,
    audit: repos.audit,
    requireTenantRole,
    onTenantCreated: (tenantId, tx) => assistants.enableDefaultsForTenant(tenantId, tx),
  });
  const secrets = createSecretBox(loadEncryptionKey(config.ATRIUM_ENCRYPTION_KEY, config.ATRIUM_DATA_DIR));
  const envProvider = overrides.envProvider ?? envProviderFrom(config);
  const createLocalProvider = (id: string, modelPath: string) => createLocalGgufProvider({ id, modelPath });
  const providers = createProvidersService({
    database,
    providers: repos.providers,
    audit: repos.audit,
    secrets,
    createLocalProvider,
    onChanged: () => models.invalidate(),
    env: envProvider
      ? {
          kind:
            envProvider.provider.kind === "anthropic"
              ? "anthropic"
              : envProvider.provider.kind === "local-gguf"
                ? "local-gguf"
                : "openai",
          baseUrl: config.LLM_BASE_URL ?? config.LLM_MODEL_PATH ?? null,
          model: envProvider.model,
          hasApiKey: Boolean(config.LLM_API_KEY),
        }
      : undefined,
  });
  const models = createModelResolver({
    database,
    providers: repos.providers,
    secrets,
    envProvider,
    createLocalProvider,
    cacheMs: config.ASSISTANT_CACHE_SECONDS * 1000,
    gateway: {
      timeouts: { firstTokenMs: config.LLM_FIRST_TOKEN_TIMEOUT_MS, totalMs: config.LLM_TOTAL_TIMEOUT_MS },
      retry: { attempts: config.LLM_RETRY_ATTEMPTS, baseDelayMs: 500 },
      ...(overrides.llmSleep ? { sleep: overrides.llmSleep } : {}),
    },
  });
  const storage =
    overrides.storage ??
    createStorage(
      config.S3_BUCKET
        ? {
            kind: "s3",
            bucket: config.S3_BUCKET,
            endpoint: config.S3_ENDPOINT,
            region: config.S3_REGION,
            accessKeyId: config.S3_ACCESS_KEY_ID ?? "",
            secretAccessKey: config.S3_SECRET_ACCESS_KEY ?? "",
            forcePathStyle: config.S3_FORCE_PATH_STYLE,
            prefix: config.S3_PREFIX,
          }
        : { kind: "local", root: join(config.ATRIUM_DATA_DIR, "files") },
    );
  const embedder =
    overrides.embedder ??
    createEmbedder(
      config.EMBEDDINGS_BASE_URL
        ? {
            kind: "openai",
            baseUrl: config.EMBEDDINGS_BASE_URL,
            apiKey: config.EMBEDDINGS_API_KEY,
            model: config.EMBEDDINGS_MODEL,
            dimensions: 512,
          }
        : { kind: "local", workers: config.EMBEDDINGS_WORKERS },
    );
  const queue = createJobQueue(database, {
    heartbeatSeconds: config.JOB_HEARTBEAT_SECONDS,
    superviseSeconds: config.JOB_SUPERVISE_SECONDS,
  });
  // Several processes share a Postgres database (replicas, separate workers): events cross over it.
  const bus = database.url
    ? createPgNotifyBus(database.url, (err) => console.warn(`event bus: ${err.message}`))
    : undefined;
  const documentEvents = createDocumentEvents(bus);
  /** The vector space of the configured embedder: versions of another one are re-embedded. */
  const space = embeddingSpace(embedder);
  const documents = createDocumentsService({
    database,
    documents: repos.documents,
    retrieval: repos.retrieval,
    tenants: repos.tenants,
    storage,
    queue,
    embedder,
    secrets,
    events: documentEvents,
    audit: repos.audit,
    requireTenantRole,
    maxUploadBytes: config.UPLOAD_MAX_BYTES,
    englishOnlyEmbeddings: !overrides.embedder && !config.EMBEDDINGS_BASE_URL,
    embeddingSpace: space,
    reranker:
      overrides.reranker ??
      (config.RERANK_URL
        ? createHttpReranker({
            url: config.RERANK_URL,
            format: config.RERANK_FORMAT,
            model: config.RERANK_MODEL,
            apiKey: config.RERANK_API_KEY,
            timeoutMs: config.RERANK_TIMEOUT_MS,
          })
        : undefined),
    rerankCandidates: config.RERANK_CANDIDATES,
    onRerankError: (err) => console.warn(`rerank failed, fused order kept: ${(err as Error).message}`),
  });
  const ingest = createIngestHandler({
    database,
    documents: repos.documents,
    storage,
    embedder,
    embeddingSpace: space,
    secrets,
    publish: (id, tenantId) => documents.publish(id, tenantId),
    // PGlite runs statements on the main thread: short ones, the event loop let run between them.
    statementChunks: database.kind === "embedded" ? 8 : undefined,
    chunksStored:
      database.kind === "embedded"
        ? createSearchAnalyzer(async () => {
            await database.scoped({ bypass: true }, (tx) => tx.execute(sql`select atrium_analyze_search()`));
          })
        : undefined,
  });
  // Embedded: shorter transactions, as for ingestion (statementChunks above).
  const reindex = createReindexHandler({
    database,
    documents: repos.documents,
    embedder,
    embeddingSpace: space,
    batchSize: database.kind === "embedded" ? 16 : undefined,
  });
  const retriever = overrides.retriever ?? documents.retriever;
  const hub = createGenerationHub({ graceMs: config.CHAT_RESUME_GRACE_SECONDS * 1000 });
  // A stop that reaches another API process than the one writing the answer is passed on.
  const STOP_CHANNEL = "atrium_chat_stop";
  bus?.subscribe(STOP_CHANNEL, (payload) => hub.stop((payload as { messageId: string }).messageId));
  const stopElsewhere = bus ? (messageId: string) => bus.publish(STOP_CHANNEL, { messageId }) : undefined;
  const chats = createChatsService({
    database,
    chats: repos.chats,
    tenants: repos.tenants,
    resolveAssistant: (tenantId, assistantId, tx) => assistants.resolve(tenantId, assistantId, tx),
    requireTenantRole,
    models,
    retriever,
    hub,
    stopElsewhere,
    // PGlite runs one statement at a time: one batch in flight. PostgreSQL: two, so a send need not
    // wait for a whole batch to finish, leaving most of the pool to the rest of the app.
    sendWritesInFlight: database.kind === "embedded" ? 1 : 2,
    finalWritesInFlight: database.kind === "embedded" ? 1 : 2,
  });
  const records = createRecordsService({ database, records: repos.records, requireTenantRole });
  const openai = createOpenAiService({
    database,
    assistants,
    tenants: repos.tenants,
    records: repos.records,
    pipeline: createAnswerPipeline({ models, retriever }),
  });
  // Idempotent (insert-if-absent by slug), so every process may run it at start-up.
  await assistants.ensureDefaults();
  const apiKeys = createApiKeysService({ database, apiKeys: repos.apiKeys, audit: repos.audit, requireTenantRole });

  return {
    config,
    database,
    redis,
    repos,
    hub,
    queue,
    storage,
    documentEvents,
    jobs: { ingest, reindex },
    /** The vector space of the configured embedder (see `embeddingSpace`). */
    embeddingSpace: space,
    services: { auth, users, tenants, apiKeys, assistants, providers, chats, records, openai, documents },
    async close() {
      hub.stopAll();
      await queue.stop().catch(() => undefined);
      await embedder.close().catch(() => undefined);
      await envProvider?.provider.close?.();
      redis?.disconnect();
      await bus?.close();
      await database.close();
    },
  };
}
export type Container = Awaited<ReturnType<typeof buildContainer>>;
