import { z } from "zod";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

/**
 * Every environment variable Atrium reads, with what it does. Parsed once at start-up by
 * loadConfig(); nothing else reads process.env.
 */
export const ConfigSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production").describe("Runtime mode"),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080).describe("HTTP port to listen on"),
  HOST: z.string().default("0.0.0.0").describe("Interface to bind"),
  ATRIUM_DATA_DIR: z
    .string()
    .default("./data")
    .describe("Directory for the embedded database, local file storage and the lock file"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")
    .optional()
    .describe("PostgreSQL 15+ with pgvector; when unset, the embedded PGlite database in ATRIUM_DATA_DIR is used"),
  DATABASE_POOL_SIZE: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(10)
    .describe("Connections per process on PostgreSQL"),
  EMBEDDED_SHARED_BUFFERS: z
    .string()
    .regex(/^(auto|\d+(kB|MB|GB))$/, "auto, or a size such as 256MB")
    .default("auto")
    .describe(
      "Page cache of the embedded database, resident in the server's memory; auto: the database's size at start-up, 64MB to 512MB and at most 1/8 of the memory",
    ),
  REDIS_URL: z
    .string()
    .optional()
    .describe("Redis for shared rate limits and WebSocket fan-out; in-process when unset"),
  JWT_SECRET: z
    .string()
    .min(32, "must be at least 32 characters")
    .optional()
    .describe("HMAC secret for access tokens; generated once and kept in the database when unset"),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86400).default(900).describe("Access token lifetime"),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30).describe("Refresh token lifetime"),
  ATRIUM_ADMIN_EMAIL: z.email().optional().describe("Creates the instance owner at start-up when no user exists yet"),
  ATRIUM_ADMIN_PASSWORD: z
    .string()
    .min(10, "must be at least 10 characters")
    .optional()
    .describe("Password of the owner created from ATRIUM_ADMIN_EMAIL"),
  LOGIN_MAX_FAILURES: z.coerce
    .number()
    .int()
    .min(1)
    .default(5)
    .describe("Failed logins per account before a lock-out window"),
  LOGIN_LOCK_SECONDS: z.coerce.number().int().min(1).default(900).describe("Length of the per-account lock-out window"),
  LOGIN_IP_PER_MINUTE: z.coerce.number().int().min(1).default(30).describe("Login attempts per client IP per minute"),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576).describe("Largest JSON body accepted"),
  LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
    .default("info")
    .describe("pino log level"),
  WEB_DIST_DIR: z.string().optional().describe("Built web UI to serve; defaults to apps/web/dist"),
  ATRIUM_ENCRYPTION_KEY: z
    .string()
    .min(32, "must be at least 32 characters")
    .optional()
    .describe(
      "Encrypts provider API keys at rest; generated into ATRIUM_DATA_DIR/encryption.key when unset (set it when running replicas)",
    ),
  LLM_PROVIDER: z
    .enum(["openai", "anthropic"])
    .default("openai")
    .describe("Kind of the provider configured by LLM_BASE_URL/LLM_API_KEY (openai = any OpenAI-compatible endpoint)"),
  LLM_BASE_URL: z
    .url()
    .optional()
    .describe("Default model endpoint, e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1 (Ollama)"),
  LLM_API_KEY: z.string().optional().describe("API key of the default endpoint (empty for Ollama/LM Studio)"),
  LLM_MODEL: z.string().optional().describe("Model name on the default endpoint, e.g. gpt-4o-mini or llama3.1"),
  LLM_MODEL_PATH: z.string().optional().describe("A local GGUF model file run on the CPU through node-llama-cpp"),
  LLM_FIRST_TOKEN_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(60_000)
    .describe("Longest wait for a model's first token"),
  LLM_TOTAL_TIMEOUT_MS: z.coerce.number().int().min(1000).default(300_000).describe("Longest time for a whole answer"),
  LLM_RETRY_ATTEMPTS: z.coerce
    .number()
    .int()
    .min(1)
    .max(10)
    .default(3)
    .describe("Attempts on 429/5xx before the first token"),
  CHAT_RESUME_GRACE_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .default(30)
    .describe("How long an answer keeps generating after its last watcher disconnects, so a reconnect can resume it"),
  ASSISTANT_CACHE_SECONDS: z.coerce
    .number()
    .min(0)
    .default(5)
    .describe(
      "How long a process reuses a resolved assistant (enablement, pipeline, active prompts) and the model providers before reading them again; changes made through this process apply at once, changes made through another API process within this time (0: read on every message)",
    ),
  UPLOAD_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(50 * 1_048_576)
    .describe("Largest document upload accepted, in bytes"),
  S3_BUCKET: z
    .string()
    .optional()
    .describe("Store uploaded files in this S3-compatible bucket instead of ATRIUM_DATA_DIR/files"),
  S3_ENDPOINT: z.url().optional().describe("S3-compatible endpoint (MinIO etc.); AWS when unset"),
  S3_REGION: z.string().default("us-east-1").describe("S3 region"),
  S3_ACCESS_KEY_ID: z.string().optional().describe("S3 access key"),
  S3_SECRET_ACCESS_KEY: z.string().optional().describe("S3 secret key"),
  S3_FORCE_PATH_STYLE: bool
    .default(true)
    .describe("Path-style bucket URLs (MinIO and most S3-compatible servers need it)"),
  S3_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*\/?$/, "must look like folder/sub")
    .optional()
    .describe("Folder inside S3_BUCKET for Atrium's files, so a bucket can be shared"),
  EMBEDDINGS_BASE_URL: z
    .url()
    .optional()
    .describe(
      "An OpenAI-compatible /embeddings endpoint; the local model (Universal Sentence Encoder lite) when unset",
    ),
  EMBEDDINGS_API_KEY: z.string().optional().describe("API key of EMBEDDINGS_BASE_URL"),
  EMBEDDINGS_MODEL: z
    .string()
    .default("text-embedding-3-small")
    .describe("Model at EMBEDDINGS_BASE_URL (must give 512 dimensions)"),
  EMBEDDINGS_WORKERS: z.coerce
    .number()
    .int()
    .min(1)
    .max(8)
    .default(1)
    .describe("Worker threads running the local embedding model"),
  RERANK_URL: z
    .url()
    .optional()
    .describe(
      "A rerank endpoint (Cohere-style: Cohere, Jina, vLLM, llama.cpp, Infinity; or text-embeddings-inference with RERANK_FORMAT=tei), e.g. http://127.0.0.1:8000/v1/rerank; search is not reranked when unset",
    ),
  RERANK_FORMAT: z.enum(["cohere", "tei"]).default("cohere").describe("Request/answer shape of RERANK_URL"),
  RERANK_MODEL: z.string().optional().describe("Model sent to RERANK_URL (e.g. rerank-v3.5, BAAI/bge-reranker-v2-m3)"),
  RERANK_API_KEY: z.string().optional().describe("API key of RERANK_URL"),
  RERANK_CANDIDATES: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(30)
    .describe("Fused passages handed to the reranker per search"),
  RERANK_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(10_000)
    .describe("A rerank request slower than this is dropped and the fused order kept"),
  JOB_HEARTBEAT_SECONDS: z.coerce
    .number()
    .int()
    .min(10)
    .default(30)
    .describe("A job whose worker stops heartbeating this long (e.g. a killed worker) is retried"),
  JOB_SUPERVISE_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(30)
    .describe("How often the queue looks for expired and orphaned jobs"),
  TRUST_PROXY: bool.default(false).describe("Trust X-Forwarded-* headers (behind a reverse proxy)"),
});
export type Config = z.infer<typeof ConfigSchema>;

/** Parses the environment once; on failure returns every problem so main can print them and exit. */
export function parseConfig(env: Record<string, string | undefined>): { config?: Config; problems: string[] } {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const result = ConfigSchema.safeParse(cleaned);
  if (result.success) {
    const config = result.data;
    const problems: string[] = [];
    if (config.ATRIUM_ADMIN_EMAIL && !config.ATRIUM_ADMIN_PASSWORD) {
      problems.push("ATRIUM_ADMIN_PASSWORD: required when ATRIUM_ADMIN_EMAIL is set");
    }
    if (config.S3_BUCKET) {
      if (!config.S3_ACCESS_KEY_ID) problems.push("S3_ACCESS_KEY_ID: required when S3_BUCKET is set");
      if (!config.S3_SECRET_ACCESS_KEY) problems.push("S3_SECRET_ACCESS_KEY: required when S3_BUCKET is set");
    } else if (config.S3_ENDPOINT || config.S3_ACCESS_KEY_ID || config.S3_SECRET_ACCESS_KEY) {
      problems.push(
        "S3_BUCKET: required when other S3_ variables are set (files would silently go to the local directory)",
      );
    }
    return problems.length > 0 ? { problems } : { config, problems: [] };
  }
  return {
    problems: result.error.issues.map((i) => `${i.path.join(".") || "(env)"}: ${i.message}`),
  };
}

/** Config for tests: embedded defaults with overrides. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  const parsed = ConfigSchema.parse({ NODE_ENV: "test", LOG_LEVEL: "silent" });
  return { ...parsed, ...overrides };
}
