/**
 * Shared pieces of the documents benchmarks (retrieval-quality, ingestion-throughput,
 * search-latency): the evaluation data, a real server container on a fresh database, a caching
 * embedder around the real local model, corpus → chunks through the real parser/chunker, and the
 * ranking metrics. Benchmarks print figures; they never gate anything.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import { join, resolve } from "node:path";
import pg from "pg";
import { testConfig } from "../apps/server/src/config/config";
import { buildContainer, type Container } from "../apps/server/src/container";
import { type Database, openDatabase } from "../apps/server/src/infra/db/database";
import {
  createLocalUseEmbedder,
  type Embedder,
  LOCAL_USE_DIMENSIONS,
  LOCAL_USE_MAX_INPUT_TOKENS,
  LOCAL_USE_MODEL,
  type LocalUseEmbedder,
} from "../apps/server/src/infra/embeddings";
import { createArgon2Hasher } from "../apps/server/src/infra/passwords";
import { chunkRow, INGEST_JOB } from "../apps/server/src/modules/documents/documents.jobs";
import { KEYWORD_WINDOW_TOKENS, keywordWindows } from "../apps/server/src/modules/documents/keyword-window";
import { type Chunk, chunkDocument, type ParsedDocument } from "../apps/server/src/modules/documents/parsing";
import { parseText } from "../apps/server/src/modules/documents/parsing/text.parser";
import type { Actor } from "../apps/server/src/plugins/auth";
import { createFreshPostgresDatabase, round } from "./lib";

export const EVALS = resolve(import.meta.dirname, "../../shared/evals");
export const RAG = join(EVALS, "rag");

/** A file of the shared evals to upload, with its password when it is the encrypted PDF. */
export interface EvalFile {
  name: string;
  content: Buffer;
  password?: string;
}

/**
 * The real documents under ../shared/evals/rag/documents/<type>/ (sorted, the encrypted PDF with its
 * password), then `scifactFiles` Markdown files of 50 SciFact abstracts each.
 */
export function evalDocumentFiles(types: string[], scifactFiles = 0): EvalFile[] {
  const docs = join(RAG, "documents");
  const files: EvalFile[] = [];
  for (const dir of types) {
    for (const name of readdirSync(join(docs, dir)).sort()) {
      if (name.endsWith(".json")) continue;
      const password = name === "libreoffice-writer-password.pdf" ? "openpassword" : undefined;
      files.push({ name, content: readFileSync(join(docs, dir, name)), password });
    }
  }
  if (scifactFiles > 0) {
    const corpus = readJsonl<CorpusDoc>(join(RAG, "scifact", "corpus.jsonl"));
    for (let g = 0; g < scifactFiles && (g + 1) * 50 <= corpus.length; g++) {
      const part = corpus.slice(g * 50, (g + 1) * 50);
      const md = `# SciFact abstracts, part ${g + 1}\n\n${part
        .map((d) => `## ${d.title.replace(/\s+/g, " ")}\n\n${d.text.replace(/\uFFFD/g, " ")}\n`)
        .join("\n")}`;
      files.push({ name: `scifact-part-${g + 1}.md`, content: Buffer.from(md, "utf8") });
    }
  }
  return files;
}
export const RESULTS = resolve(import.meta.dirname, "results");

/** True when every path exists; otherwise prints why the benchmark is skipped. */
export function haveEvals(paths: string[]): boolean {
  const missing = paths.filter((p) => !existsSync(p));
  if (missing.length === 0) return true;
  console.log(
    `skipped: the shared evaluation data is absent (${missing.join(", ")}). It sits beside the repository in ../shared/evals.`,
  );
  return false;
}

export function readJsonl<T>(path: string): T[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

/** query id → (doc id → relevance grade). */
export function readQrels(path: string): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  const lines = readFileSync(path, "utf8").split("\n").slice(1);
  for (const line of lines) {
    const [q, d, s] = line.trim().split("\t");
    if (!q || !d) continue;
    const m = out.get(q) ?? new Map<string, number>();
    m.set(d, Number(s ?? 1));
    out.set(q, m);
  }
  return out;
}

export interface CorpusDoc {
  id: string;
  title: string;
  text: string;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters the text parser refuses
const NOT_TEXT = /[\u0000-\u0008\u000B\u000E-\u001A\u001C-\u001F\uFFFD]/g;
/** Corpus texts the text parser would refuse (3 SciFact abstracts hold U+FFFD from bad OCR). */
export const sanitized = { count: 0 };

/**
 * A corpus document as the ingestion job would see a plain-text upload with a title: parsed by
 * the real text parser, with the title as a level-1 heading above every paragraph. Characters the
 * parser refuses as "not text" (U+FFFD, control characters) are replaced by spaces first.
 */
export function parseWithTitle(doc: CorpusDoc): ParsedDocument {
  let text = doc.text;
  if (NOT_TEXT.test(text)) {
    sanitized.count++;
    text = text.replace(NOT_TEXT, " ");
  }
  NOT_TEXT.lastIndex = 0;
  const parsed = parseText(Buffer.from(text, "utf8"));
  const title = doc.title.replaceAll("_", " ").trim();
  if (!title) return parsed;
  return {
    ...parsed,
    blocks: [
      { kind: "heading", level: 1, text: title, headingPath: [] },
      ...parsed.blocks.map((b) => ({ ...b, headingPath: [title, ...b.headingPath] })),
    ],
  };
}

/** The ingestion job's chunking and text-search configuration choice (documents.jobs.ts). */
export const JOB_CHUNK_OPTIONS = { maxTokens: 100, overlapTokens: 20 };
export function tsConfigOf(parsed: ParsedDocument, first: Chunk | undefined, tsConfigFor: (t: string) => string) {
  return parsed.language === "ru" ? "russian" : parsed.language === "en" ? "english" : tsConfigFor(first?.text ?? "");
}
export const chunkForJob = (parsed: ParsedDocument) => chunkDocument(parsed, JOB_CHUNK_OPTIONS);

// ---------------------------------------------------------------------------------------------
// Embeddings: the real local model behind a persistent cache (bench/results/, git-ignored).

const CACHE_DIR = join(RESULTS, "embeddings-cache");
const RECORD = 32 + LOCAL_USE_DIMENSIONS * 4;

/**
 * Wraps the real local embedder: texts already embedded in an earlier run come from a cache file
 * (sha256 of the text → its 512 floats), the rest go to the model and are appended to the file.
 * The model's workers start only when something is missing.
 */
export class CachingEmbedder implements Embedder {
  readonly id = "local";
  readonly model = LOCAL_USE_MODEL;
  readonly dimensions = LOCAL_USE_DIMENSIONS;
  readonly maxInputTokens = LOCAL_USE_MAX_INPUT_TOKENS;
  private readonly file: string;
  private readonly cache = new Map<string, Float32Array>();
  private real?: LocalUseEmbedder;
  hits = 0;
  misses = 0;
  modelSeconds = 0;

  constructor(
    name: string,
    /** noModel: texts not in the cache get a zero vector (not cached) and the model never loads. */
    private readonly opts: { workers?: number; batchSize?: number; noModel?: boolean } = {},
  ) {
    mkdirSync(CACHE_DIR, { recursive: true });
    this.file = join(CACHE_DIR, `${LOCAL_USE_MODEL}-${name}.bin`);
    if (existsSync(this.file)) {
      const buf = readFileSync(this.file);
      const n = Math.floor(buf.length / RECORD);
      for (let i = 0; i < n; i++) {
        const at = i * RECORD;
        const key = buf.subarray(at, at + 32).toString("hex");
        const vec = new Float32Array(LOCAL_USE_DIMENSIONS);
        Buffer.from(vec.buffer).set(buf.subarray(at + 32, at + RECORD));
        this.cache.set(key, vec);
      }
    }
  }

  get size() {
    return this.cache.size;
  }

  has(text: string) {
    return this.cache.has(keyOf(text));
  }

  async embed(texts: string[], opts?: { signal?: AbortSignal }): Promise<Float32Array[]> {
    const keys = texts.map(keyOf);
    const missing = [...new Set(keys.map((k, i) => (this.cache.has(k) ? -1 : i)).filter((i) => i >= 0))];
    const uniqueMissing: number[] = [];
    const seen = new Set<string>();
    for (const i of missing) {
      const k = keys[i] as string;
      if (!seen.has(k)) {
        seen.add(k);
        uniqueMissing.push(i);
      }
    }
    this.hits += texts.length - uniqueMissing.length;
    if (uniqueMissing.length > 0 && this.opts.noModel) {
      const zero = new Float32Array(LOCAL_USE_DIMENSIONS);
      return keys.map((k) => this.cache.get(k) ?? zero);
    }
    if (uniqueMissing.length > 0) {
      this.misses += uniqueMissing.length;
      this.real ??= createLocalUseEmbedder({ workers: this.opts.workers, batchSize: this.opts.batchSize });
      const t0 = performance.now();
      const vectors = await this.real.embed(
        uniqueMissing.map((i) => texts[i] as string),
        opts,
      );
      this.modelSeconds += (performance.now() - t0) / 1000;
      const parts: Buffer[] = [];
      uniqueMissing.forEach((i, j) => {
        const k = keys[i] as string;
        const v = vectors[j] as Float32Array;
        this.cache.set(k, v);
        parts.push(Buffer.from(k, "hex"), Buffer.from(v.buffer, v.byteOffset, v.byteLength));
      });
      appendFileSync(this.file, Buffer.concat(parts));
    }
    return keys.map((k) => this.cache.get(k) as Float32Array);
  }

  async close() {
    await this.real?.close();
  }
}

const keyOf = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * Embeds many texts through the (caching) embedder in requests of `request` texts, printing
 * progress; returns the vectors in order. Bounded: one pass over the list.
 */
export async function embedAll(
  embedder: Embedder,
  texts: string[],
  label: string,
  request = 512,
): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  const t0 = performance.now();
  let lastLog = t0;
  for (let i = 0; i < texts.length; i += request) {
    out.push(...(await embedder.embed(texts.slice(i, i + request))));
    const now = performance.now();
    if (now - lastLog > 30_000 || i + request >= texts.length) {
      const s = (now - t0) / 1000;
      console.log(
        `  ${label}: ${Math.min(texts.length, i + request)}/${texts.length} texts in ${round(s, 1)} s (${round(Math.min(texts.length, i + request) / s, 1)}/s incl. cache hits)`,
      );
      lastLog = now;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// A real container (repositories, services, ingestion handler) on a fresh database.

export type BackendName = "embedded" | "postgres";

export function backendArg(args: Map<string, string>): BackendName {
  const b = args.get("backend") ?? "embedded";
  if (b !== "embedded" && b !== "postgres") throw new Error(`--backend must be embedded or postgres, got ${b}`);
  return b;
}

export const ADMIN_URL =
  process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export interface BenchServer {
  backend: BackendName;
  container: Container;
  database: Database;
  actor: Actor;
  dataDir: string;
  /** URL of the fresh Postgres database (superuser), for DDL the app role may not run. */
  adminDbUrl?: string;
  /** Runs DDL as a superuser (index drop/create): PGlite's own role, or the admin connection. */
  superuser(sqlText: string): Promise<void>;
  createTenant(name: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * The server's own wiring (buildContainer) on a fresh database: embedded PGlite in a scratch data
 * directory on disk (as the embedded server runs; `inMemory` for tests-style), or a fresh database
 * on the local PostgreSQL. Creates the instance owner; no queue worker runs (jobs are called directly).
 */
export async function startBenchServer(
  backend: BackendName,
  opts: { embedder?: Embedder; inMemory?: boolean; poolSize?: number; dataDir?: string; sharedBuffers?: string } = {},
): Promise<BenchServer> {
  // A given data directory is kept (and reopened when it already holds an instance). On Postgres it
  // holds the name of the bench database, which is then kept too (drop it by hand when done).
  const dataDir = opts.dataDir ?? mkdtempSync(join(os.tmpdir(), "atrium-bench-docs-"));
  const config = testConfig({ ATRIUM_DATA_DIR: dataDir });
  const keptPg = join(dataDir, "postgres-database-url");
  const reopened = opts.dataDir !== undefined && existsSync(backend === "postgres" ? keptPg : join(dataDir, "pgdata"));
  let database: Database;
  let dropPg: (() => Promise<void>) | undefined;
  let adminDbUrl: string | undefined;
  if (backend === "postgres") {
    if (reopened) {
      adminDbUrl = readFileSync(keptPg, "utf8").trim();
    } else {
      const fresh = await createFreshPostgresDatabase(ADMIN_URL);
      adminDbUrl = fresh.url;
      if (opts.dataDir) {
        mkdirSync(dataDir, { recursive: true });
        writeFileSync(keptPg, fresh.url);
      } else dropPg = fresh.drop;
    }
    database = await openDatabase({ databaseUrl: adminDbUrl, dataDir, poolSize: opts.poolSize ?? 5 });
  } else {
    database = await openDatabase({
      dataDir,
      inMemory: opts.inMemory ?? false,
      // The server's page cache (EMBEDDED_SHARED_BUFFERS, default auto) unless one is given.
      sharedBuffers: opts.sharedBuffers ?? config.EMBEDDED_SHARED_BUFFERS,
    });
  }
  const container = await buildContainer(config, {
    database,
    hasher: createArgon2Hasher({ memoryCost: 1024, timeCost: 1 }),
    ...(opts.embedder ? { embedder: opts.embedder } : {}),
  });
  await container.queue.start({ maintain: false });
  // Embedded: pg-boss looks a queue up through its own connection the first time a job is sent, and
  // the upload sends inside its transaction, which holds PGlite's only connection: it would wait
  // forever. The server's worker role registers the queue at start-up; without a worker here, the
  // queue is created, and pg-boss restarted so its start-up cache holds it.
  await container.queue.stats([INGEST_JOB]);
  await container.queue.stop();
  await container.queue.start({ maintain: false });
  const owner = { email: "bench-owner@example.com", name: "Bench Owner", password: "Bench-Owner-Passw0rd-1" };
  const tokens = reopened
    ? await container.services.auth.login(owner.email, owner.password)
    : await container.services.auth.setup(owner);
  const actor = await container.services.auth.authenticate(tokens.access_token);
  const server: BenchServer = {
    backend,
    container,
    database,
    actor,
    dataDir,
    adminDbUrl,
    async superuser(sqlText) {
      if (database.pglite) {
        await database.pglite.exec(`RESET ROLE; ${sqlText}; SET ROLE atrium_app;`);
      } else {
        const c = new pg.Client({ connectionString: adminDbUrl });
        await c.connect();
        try {
          await c.query(sqlText);
        } finally {
          await c.end();
        }
      }
    },
    async createTenant(name) {
      return (await container.services.tenants.create(actor, { name })).id;
    },
    async close() {
      await container.close().catch(() => undefined);
      await dropPg?.().catch((e) => console.warn(`could not drop the bench database: ${e}`));
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}

/**
 * Stores an already-chunked and embedded document directly (a ready document, version and its
 * chunks via the repository's upsertChunks, then counted into the keyword statistics, in one
 * tenant-scoped transaction): the ingestion job's writes without its parse/embed steps.
 */
export async function storeDocument(
  server: BenchServer,
  tenantId: string,
  doc: { title: string; language: string; tsConfig: string; chunks: Chunk[]; vectors: Float32Array[] },
  insertBatch = 64,
  keywordWindowTokens = KEYWORD_WINDOW_TOKENS,
): Promise<string> {
  const { documents: repo } = server.container.repos;
  const windows = keywordWindows(doc.chunks, keywordWindowTokens);
  const documentId = crypto.randomUUID();
  const versionId = crypto.randomUUID();
  const sha = createHash("sha256").update(`${documentId}`).digest("hex");
  await server.database.scoped({ tenantId }, async (tx) => {
    await repo.insertDocument(
      {
        id: documentId,
        tenantId,
        title: doc.title,
        filename: `${doc.title.slice(0, 60)}.txt`,
        type: "text",
        size: doc.chunks.reduce((n, c) => n + c.text.length, 0),
        sha256: sha,
        status: "ready",
        progress: 100,
        language: doc.language,
        chunkCount: doc.chunks.length,
        activeVersionId: versionId,
        latestVersionId: versionId,
      },
      tx,
    );
    await repo.insertVersion(
      {
        id: versionId,
        documentId,
        tenantId,
        version: 1,
        filename: "bench.txt",
        type: "text",
        size: 0,
        sha256: sha,
        storageKey: `bench/${documentId}`,
        status: "ready",
        chunkCount: doc.chunks.length,
      },
      tx,
    );
    for (let i = 0; i < doc.chunks.length; i += insertBatch) {
      await repo.upsertChunks(
        doc.chunks
          .slice(i, i + insertBatch)
          .map((c, j) =>
            chunkRow(
              c,
              { versionId, documentId, tenantId, tsConfig: doc.tsConfig },
              doc.vectors[i + j],
              windows[i + j],
            ),
          ),
        tx,
      );
    }
    // What the ingestion job's version switch does once the chunks are stored.
    await repo.countInKeywordStats(versionId, 1, tx);
  });
  return documentId;
}

// ---------------------------------------------------------------------------------------------
// Metrics (BEIR / pytrec_eval definitions).

/** nDCG@k with graded relevance (gain = grade, discount log2(rank+1)), ideal from the qrels. */
export function ndcgAt(ranked: string[], rel: Map<string, number>, k: number): number {
  let dcg = 0;
  ranked.slice(0, k).forEach((id, i) => {
    const g = rel.get(id) ?? 0;
    if (g > 0) dcg += g / Math.log2(i + 2);
  });
  const ideal = [...rel.values()].filter((g) => g > 0).sort((a, b) => b - a);
  let idcg = 0;
  ideal.slice(0, k).forEach((g, i) => {
    idcg += g / Math.log2(i + 2);
  });
  return idcg > 0 ? dcg / idcg : 0;
}

export function recallAt(ranked: string[], rel: Map<string, number>, k: number): number {
  const relevant = [...rel.entries()].filter(([, g]) => g > 0).map(([id]) => id);
  if (relevant.length === 0) return 0;
  const top = new Set(ranked.slice(0, k));
  return relevant.filter((id) => top.has(id)).length / relevant.length;
}

/** Reciprocal rank of the first relevant document in the list (0 when none is in it). */
export function reciprocalRank(ranked: string[], rel: Map<string, number>): number {
  const i = ranked.findIndex((id) => (rel.get(id) ?? 0) > 0);
  return i < 0 ? 0 : 1 / (i + 1);
}

/** Chunk hits → documents: a document's rank is its best chunk's rank; later chunks are dropped. */
export function docsOf(passages: { documentId: string }[], docIdOf: Map<string, string>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const p of passages) {
    const id = docIdOf.get(p.documentId);
    if (!id || seen.has(id)) continue;
    seen.add(id);
    out.push(id);
  }
  return out;
}

export const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);

export function machine() {
  const cpus = os.cpus();
  return {
    code: codeState(),
    cores: cpus.length,
    cpu: cpus[0]?.model ?? "?",
    node: process.version,
    load: os.loadavg().map((x) => round(x, 2)),
    memGb: round(os.totalmem() / 2 ** 30, 1),
  };
}

/**
 * Which server code was measured: the commit and any uncommitted change under apps/server/src
 * (others may be editing it while a benchmark runs).
 */
export function codeState(): { commit: string; dirtyServerFiles: string[] } {
  const git = (...a: string[]) => {
    try {
      return execFileSync("git", a, { cwd: resolve(import.meta.dirname, ".."), encoding: "utf8" }).trimEnd();
    } catch {
      return "";
    }
  };
  return {
    commit: git("rev-parse", "--short", "HEAD"),
    dirtyServerFiles: git("status", "--porcelain", "--", "apps/server/src")
      .split("\n")
      .filter(Boolean)
      .map((l) => l.slice(3)),
  };
}

export function machineLine(): string {
  const m = machine();
  const c = codeState();
  return `machine: ${m.cores} cores (${m.cpu}), ${m.memGb} GB, Node ${m.node}, load ${m.load.join(" ")} (shared, noisy); code ${c.commit}${c.dirtyServerFiles.length ? ` + uncommitted ${c.dirtyServerFiles.join(", ")}` : ""}`;
}
