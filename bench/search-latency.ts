/**
 * Search latency of the documents service over 100k chunks in one tenant (plus chunks of other
 * tenants in the same tables and indexes), on the embedded database and on PostgreSQL.
 *
 * Data: real SciFact chunks (text through the real parser and chunker, vectors from the real local
 * model, cached in bench/results/ by retrieval-quality.ts or embedded here) repeated with noise:
 * synthetic chunk i takes base chunk i mod B (shuffled), its vector plus Gaussian noise (cosine to
 * the base ≈ 0.9, renormalised) and its text (so the tsvector and its posting lists are real
 * English, each repeated about 100k/B times). Written with the repository's upsertChunks, the HNSW
 * and GIN indexes dropped during the load and then created again (build times measured), then
 * ANALYZE (PGlite has no autovacuum; the plan without statistics is measured too).
 *
 * Queries: 200 SciFact test claims (20 more as warm-up), each through DocumentsService.search
 * exactly as the API runs it (tenant role check, then hybrid(): vector candidates, keyword
 * candidates, fuseByScore; in one tenant-scoped transaction, or on PostgreSQL both candidate
 * queries at once on one snapshot), with the query vector precomputed so
 * the figure is the database and service part; the local model's own query latency is measured
 * separately. Per-query time inside vectorCandidates / keywordCandidates is recorded too.
 *
 *   npx tsx bench/search-latency.ts                       # embedded (PGlite on disk)
 *   npx tsx bench/search-latency.ts --backend=postgres
 *   npx tsx bench/search-latency.ts --chunks=20000 --others=5000   # quick
 *
 * Options (also BENCH_<NAME> environment variables):
 *   --backend=embedded|postgres
 *   --chunks=100000      chunks of the measured tenant
 *   --others=50000       chunks of two other tenants (half each)
 *   --base=0             base chunks to take from the SciFact cache (0 = every cached one, at least 2000)
 *   --queries=200        measured queries per mode
 *   --k=10               passages per search (the API default; the service asks each list for max(50, 5k))
 *   --retrieval=FILE     also measure a scratch copy of retrieval.repository.ts (a proposal)
 *   --compare=FILE       a results JSON of an earlier run (the ranked top k are kept in it): prints
 *                        the share of queries whose top k is the same, e.g. before and after a change
 *   --json=FILE          results (default bench/results/search-latency-<backend>.json)
 *   --build-memory=768MB maintenance_work_mem for the HNSW build
 *   --shared-buffers=64MB  embedded page cache (default: the server's EMBEDDED_SHARED_BUFFERS, auto:
 *                        the database's size when it opens, 64MB–512MB; a fresh build runs at 64MB)
 *   --data-dir=DIR       keep the generated database and reuse it on the next run (the load and the
 *                        HNSW build take ~25 min at 100k chunks on embedded): embedded, in DIR;
 *                        PostgreSQL, a database whose URL DIR keeps (drop it by hand when done).
 *                        The measurement without statistics is skipped then
 *
 * On PostgreSQL, hybrid search reads its two candidate lists concurrently (Database.scopedConcurrently);
 * the run also measures the sequential plan (both queries in one transaction, the embedded plan and
 * the one before) and the current one again, back to back, with the share of equal top k.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createEmbedder } from "../apps/server/src/infra/embeddings";
import {
  createDocumentsService,
  type DocumentsServiceDeps,
} from "../apps/server/src/modules/documents/documents.service";
import type { Chunk } from "../apps/server/src/modules/documents/parsing";
import {
  createRetrievalRepository,
  type RetrievalRepository,
} from "../apps/server/src/modules/documents/retrieval.repository";
import { createTenantAccess } from "../apps/server/src/modules/tenants/tenant-access";
import {
  type BenchServer,
  backendArg,
  CachingEmbedder,
  type CorpusDoc,
  chunkForJob,
  embedAll,
  haveEvals,
  machine,
  machineLine,
  parseWithTitle,
  RAG,
  RESULTS,
  readJsonl,
  readQrels,
  startBenchServer,
} from "./documents-lib";
import { numberArg, parseArgs, round, summarize, table } from "./lib";

const args = parseArgs();
const backend = backendArg(args);
const nChunks = numberArg(args, "chunks", 100_000);
const nOthers = numberArg(args, "others", 50_000);
const baseWanted = numberArg(args, "base", 0);
const nQueries = numberArg(args, "queries", 200);
const k = numberArg(args, "k", 10);
const retrievalFile = args.get("retrieval");
const compareFile = args.get("compare");
const jsonOut = args.get("json") ?? join(RESULTS, `search-latency-${backend}.json`);
const hnswBuildMemory = args.get("build-memory") ?? "768MB";
const keptDir = args.get("data-dir");
const CHUNKS_PER_DOC = 50;
const WARMUP = 20;
type Mode = "vector" | "keyword" | "hybrid";

/** mulberry32: a small seeded generator, so every run builds the same data. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(r: () => number) {
  const u = Math.max(1e-12, r());
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

/** base + noise of norm ≈ 0.5 (cosine to base ≈ 0.89), renormalised. */
function noisy(base: Float32Array, r: () => number): number[] {
  const sigma = 0.5 / Math.sqrt(base.length);
  const out = new Array<number>(base.length);
  let norm = 0;
  for (let i = 0; i < base.length; i++) {
    const v = (base[i] as number) + sigma * gaussian(r);
    out[i] = v;
    norm += v * v;
  }
  norm = Math.sqrt(norm);
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) / norm;
  return out;
}

interface Base {
  chunk: Chunk;
  vector: Float32Array;
}

/** SciFact chunks with their vectors: the cached ones, or (at least 2,000) embedded now. */
async function loadBase(embedder: CachingEmbedder): Promise<Base[]> {
  const corpus = readJsonl<CorpusDoc>(join(RAG, "scifact", "corpus.jsonl"));
  const chunks: Chunk[] = [];
  for (const doc of corpus) chunks.push(...chunkForJob(parseWithTitle(doc)));
  let picked = chunks.filter((c) => embedder.has(c.embedText));
  const minimum = baseWanted || 2000;
  if (picked.length < minimum) {
    const more = chunks.filter((c) => !embedder.has(c.embedText)).slice(0, minimum - picked.length);
    console.log(`embedding ${more.length} more SciFact chunks for the base set (cached for later runs)`);
    await embedAll(
      embedder,
      more.map((c) => c.embedText),
      "base",
      256,
    );
    picked = chunks.filter((c) => embedder.has(c.embedText));
  }
  if (baseWanted) picked = picked.slice(0, baseWanted);
  const vectors = await embedder.embed(picked.map((c) => c.embedText));
  return picked.map((chunk, i) => ({ chunk, vector: vectors[i] as Float32Array }));
}

/** Writes n synthetic chunks into a tenant: documents of 50 chunks, upsertChunks in batches of 500. */
async function fill(server: BenchServer, tenantId: string, n: number, base: Base[], seed: number) {
  const r = rng(seed);
  const order = base.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const { documents: repo } = server.container.repos;
  let written = 0;
  let lastLog = performance.now();
  for (let d = 0; written < n; d++) {
    const documentId = crypto.randomUUID();
    const versionId = crypto.randomUUID();
    const count = Math.min(CHUNKS_PER_DOC, n - written);
    const rows = Array.from({ length: count }, (_, j) => {
      const b = base[order[(written + j) % order.length] as number] as Base;
      return {
        versionId,
        chunkId: `${b.chunk.id.slice(0, 48)}-${written + j}`,
        documentId,
        tenantId,
        ordinal: j,
        text: b.chunk.text,
        headingPath: b.chunk.headingPath.join(" > "),
        page: null,
        pageEnd: null,
        tokenCount: b.chunk.tokenCount,
        embedding: noisy(b.vector, r),
        tsConfig: "english",
      };
    });
    await server.database.scoped({ tenantId }, async (tx) => {
      await repo.insertDocument(
        {
          id: documentId,
          tenantId,
          title: `Synthetic document ${d + 1}`,
          filename: `synthetic-${d + 1}.txt`,
          type: "text",
          size: 0,
          sha256: documentId,
          status: "ready",
          progress: 100,
          language: "en",
          chunkCount: count,
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
          filename: "synthetic.txt",
          type: "text",
          size: 0,
          sha256: documentId,
          storageKey: `bench/${documentId}`,
          status: "ready",
          chunkCount: count,
        },
        tx,
      );
      for (let i = 0; i < rows.length; i += 500) await repo.upsertChunks(rows.slice(i, i + 500), tx);
      await repo.countInKeywordStats(versionId, 1, tx);
    });
    written += count;
    if (performance.now() - lastLog > 30_000) {
      console.log(`  ${written}/${n} chunks`);
      lastLog = performance.now();
    }
  }
}

/** The retrieval repository with timers around its two candidate queries. */
function timedRetrieval(
  inner: RetrievalRepository,
  times: { vector: number[]; keyword: number[] },
): RetrievalRepository {
  return {
    async vectorCandidates(...a: Parameters<RetrievalRepository["vectorCandidates"]>) {
      const t = performance.now();
      try {
        return await inner.vectorCandidates(...a);
      } finally {
        times.vector.push(performance.now() - t);
      }
    },
    async keywordCandidates(...a: Parameters<RetrievalRepository["keywordCandidates"]>) {
      const t = performance.now();
      try {
        return await inner.keywordCandidates(...a);
      } finally {
        times.keyword.push(performance.now() - t);
      }
    },
  };
}

/** The documents service as the API wires it, over the given retrieval repository and database. */
function serviceFor(
  server: BenchServer,
  embedder: CachingEmbedder,
  retrieval: RetrievalRepository,
  database: DocumentsServiceDeps["database"] = server.container.database,
) {
  const { container } = server;
  return createDocumentsService({
    database,
    documents: container.repos.documents,
    retrieval,
    tenants: container.repos.tenants,
    storage: container.storage,
    queue: container.queue,
    embedder,
    secrets: undefined as never,
    events: container.documentEvents,
    audit: container.repos.audit,
    requireTenantRole: createTenantAccess(container.repos.tenants),
    maxUploadBytes: container.config.UPLOAD_MAX_BYTES,
    // container.ts: true for the built-in local model (what CachingEmbedder runs); ignored by older code.
    ...({ englishOnlyEmbeddings: true } as object),
  });
}

async function measure(
  server: BenchServer,
  embedder: CachingEmbedder,
  tenantId: string,
  queries: string[],
  makeRepo: typeof createRetrievalRepository,
  label: string,
  database: DocumentsServiceDeps["database"] = server.container.database,
) {
  const { container, actor } = server;
  const times = { vector: [] as number[], keyword: [] as number[] };
  const service = serviceFor(server, embedder, timedRetrieval(makeRepo(container.database.db), times), database);
  const out: Record<string, unknown> = {};
  const ranked: Record<string, string[][]> = {};
  const rows: (string | number)[][] = [];
  for (const mode of ["vector", "keyword", "hybrid"] as Mode[]) {
    for (const q of queries.slice(0, WARMUP)) await service.search(actor, { tenantId, q, k, mode });
    times.vector.length = 0;
    times.keyword.length = 0;
    const total: number[] = [];
    ranked[mode] = [];
    let hits = 0;
    for (const q of queries.slice(WARMUP, WARMUP + nQueries)) {
      const t = performance.now();
      const res = await service.search(actor, { tenantId, q, k, mode });
      total.push(performance.now() - t);
      hits += res.items.length;
      ranked[mode]?.push(res.items.map((p) => p.chunkId));
    }
    const s = summarize(total);
    const v = summarize(times.vector);
    const kw = summarize(times.keyword);
    out[mode] = {
      total: s,
      vectorQuery: times.vector.length ? v : undefined,
      keywordQuery: times.keyword.length ? kw : undefined,
      meanHits: round(hits / total.length, 1),
    };
    rows.push([
      mode,
      s.p50,
      s.p90,
      s.p99,
      s.mean,
      times.vector.length ? v.p50 : "",
      times.keyword.length ? kw.p50 : "",
      round(hits / total.length, 1),
    ]);
  }
  console.log(`\n${label}: search latency over ${nQueries} queries, k=${k} (ms; query vector precomputed)`);
  console.log(table(["mode", "p50", "p90", "p99", "mean", "vector query p50", "keyword query p50", "passages"], rows));
  return { figures: out, ranked };
}

/**
 * Hybrid search with the candidate queries one after the other (one transaction) and concurrently
 * (Database.scopedConcurrently), query by query in turns (ABBA), so that a change in machine load
 * weighs on both alike; also counts the queries whose top k differ (ids and order).
 */
async function sequentialVsConcurrent(
  server: BenchServer,
  embedder: CachingEmbedder,
  tenantId: string,
  queries: string[],
) {
  const retrieval = createRetrievalRepository(server.container.database.db);
  const plans = {
    sequential: serviceFor(server, embedder, retrieval, { scoped: server.database.scoped }),
    concurrent: serviceFor(server, embedder, retrieval),
  };
  const times = { sequential: [] as number[], concurrent: [] as number[] };
  let differing = 0;
  const run = async (plan: keyof typeof plans, q: string) => {
    const t = performance.now();
    const res = await plans[plan].search(server.actor, { tenantId, q, k, mode: "hybrid" });
    times[plan].push(performance.now() - t);
    return res.items.map((p) => p.chunkId).join();
  };
  for (const q of queries.slice(0, WARMUP))
    for (const plan of ["sequential", "concurrent"] as const) await run(plan, q);
  times.sequential.length = 0;
  times.concurrent.length = 0;
  const measured = queries.slice(WARMUP, WARMUP + nQueries);
  for (const [i, q] of measured.entries()) {
    const order = i % 2 ? (["concurrent", "sequential"] as const) : (["sequential", "concurrent"] as const);
    const [a, b] = [await run(order[0], q), await run(order[1], q)];
    if (a !== b) differing++;
  }
  const figures = { sequential: summarize(times.sequential), concurrent: summarize(times.concurrent), differing };
  console.log(`\n${server.backend}, hybrid, candidate queries one after the other vs concurrently, in turns (ms):`);
  console.log(
    table(
      ["plan", "p50", "p90", "p99", "mean"],
      (["sequential", "concurrent"] as const).map((p) => [
        p,
        figures[p].p50,
        figures[p].p90,
        figures[p].p99,
        figures[p].mean,
      ]),
    ),
  );
  console.log(`queries whose top ${k} differ (ids or order): ${differing} of ${measured.length}`);
  return figures;
}

/** Per mode, the mean over queries of `agree(one run's top k, the other's)`. */
function agreement(
  a: Record<string, string[][]>,
  b: Record<string, string[][]>,
  agree: (mine: string[], other: string[]) => number,
) {
  const out: Record<string, number> = {};
  for (const mode of Object.keys(a)) {
    const x = a[mode] ?? [];
    const y = b[mode] ?? [];
    const sum = x.reduce((n, mine, i) => n + agree(mine, y[i] ?? []), 0);
    out[mode] = round(x.length ? sum / x.length : 1, 3);
  }
  return out;
}

/** Per mode, the mean share of one run's top k that another run returns too (any rank). */
const overlap = (a: Record<string, string[][]>, b: Record<string, string[][]>) =>
  agreement(a, b, (mine, other) => {
    const theirs = new Set(other);
    return mine.length ? mine.filter((id) => theirs.has(id)).length / mine.length : 1;
  });

/** Per mode, the share of queries whose top k is identical (ids and order) in both runs. */
const sameOrder = (a: Record<string, string[][]>, b: Record<string, string[][]>) =>
  agreement(a, b, (mine, other) => (mine.join(",") === other.join(",") ? 1 : 0));

/** EXPLAIN ANALYZE of the two candidate queries as the app role runs them, for one query. */
async function explain(server: BenchServer, tenantId: string, query: string, vector: Float32Array, pool: number) {
  const literal = `[${Array.from(vector, (x) => x.toFixed(6)).join(",")}]`;
  const esc = (s: string) => s.replaceAll("'", "''");
  const plans: Record<string, string> = {};
  const scoped = `select set_config('app.tenant_id', '${tenantId}', true), set_config('app.user_id', '', true), set_config('app.bypass_rls', 'off', true)`;
  const vectorSql = `explain (analyze, buffers, costs off)
    select c.chunk_id, c.document_id, d.title, c.text, c.heading_path, c.page, 1 - (c.embedding <=> '${literal}'::vector) as score
      from chunks c join documents d on d.active_version_id = c.version_id
     where c.tenant_id = '${tenantId}' and c.embedding is not null
     order by c.embedding <=> '${literal}'::vector limit ${pool}`;
  // The keyword query's GIN lookup (atrium_keyword_hits) for the query's rarest lexemes, as the
  // repository plans it; the function's own plan is not shown by EXPLAIN, its time is.
  const tsq = `(select string_agg(quote_literal(lexeme), ' | ') from (select t.lexeme from unnest(tsvector_to_array(to_tsvector('english', '${esc(query)}'))) t(lexeme) join keyword_terms k on k.tenant_id = '${tenantId}' and k.lexeme = t.lexeme order by k.chunk_count limit 3) x)::tsquery`;
  const keywordSql = `explain (analyze, buffers, costs off) select * from atrium_keyword_hits(${tsq}, 2000)`;
  const ef = `select set_config('hnsw.ef_search', '${Math.max(40, pool * 2)}', true), set_config('hnsw.iterative_scan', 'relaxed_order', true)`;
  await server.database.scoped({ tenantId }, async (tx) => {
    const run = async (text: string) => {
      const { sql } = await import("drizzle-orm");
      const res = (await tx.execute(sql.raw(text))) as unknown as
        | { rows?: Record<string, string>[] }
        | Record<string, string>[];
      const rows = (Array.isArray(res) ? res : res.rows) ?? [];
      return rows
        .map((r) => String(Object.values(r)[0]))
        .join("\n")
        .replace(/'\[[-0-9.,e]+\]'/g, "'[…512 floats…]'");
    };
    await run(scoped);
    await run(ef);
    plans.vector = await run(vectorSql);
    plans.keyword = await run(keywordSql);
    plans.keywordMatches = await run(
      `select count(*) from chunks c where c.tenant_id = '${tenantId}' and c.tsv @@ (select nullif(replace(plainto_tsquery('english'::regconfig, '${esc(query)}')::text, ' & ', ' | '), '')::tsquery)`,
    );
  });
  return plans;
}

interface Kept {
  target: string;
  chunks: number;
  others: number;
  baseChunks: number;
  build: unknown;
}

/** Loads the target and other tenants' chunks, then builds the vector and text indexes. */
async function build(server: BenchServer, base: Base[], result: Record<string, unknown>): Promise<string> {
  const target = await server.createTenant("latency target");
  const others = [await server.createTenant("latency other 1"), await server.createTenant("latency other 2")];
  await server.superuser("drop index if exists chunks_embedding_idx; drop index if exists chunks_tsv_idx");
  let t = performance.now();
  await fill(server, target, nChunks, base, 1);
  await fill(server, others[0] as string, Math.floor(nOthers / 2), base, 2);
  await fill(server, others[1] as string, nOthers - Math.floor(nOthers / 2), base, 3);
  const loadS = round((performance.now() - t) / 1000, 1);
  console.log(`loaded ${nChunks + nOthers} chunks in ${loadS} s (no vector/text index)`);
  t = performance.now();
  // Enough memory for the whole graph: a build that spills to disk took 18 min on PGlite.
  await server.superuser(
    `set maintenance_work_mem = '${hnswBuildMemory}'; create index chunks_embedding_idx on chunks using hnsw (embedding vector_cosine_ops); reset maintenance_work_mem`,
  );
  const hnswS = round((performance.now() - t) / 1000, 1);
  t = performance.now();
  await server.superuser(`create index chunks_tsv_idx on chunks using gin (tsv)`);
  const ginS = round((performance.now() - t) / 1000, 1);
  console.log(`index build: HNSW ${hnswS} s (maintenance_work_mem ${hnswBuildMemory}), GIN ${ginS} s`);
  result.build = { loadS, hnswS, ginS, hnswBuildMemory };
  return target;
}

async function main() {
  const scifact = join(RAG, "scifact");
  if (!haveEvals([join(scifact, "corpus.jsonl"), join(scifact, "queries.jsonl"), join(scifact, "qrels.tsv")])) return;
  console.log(machineLine());
  const embedder = new CachingEmbedder("scifact", { workers: 2 });
  const base = await loadBase(embedder);
  const qrels = readQrels(join(scifact, "qrels.tsv"));
  const queries = readJsonl<{ id: string; text: string }>(join(scifact, "queries.jsonl"))
    .filter((q) => qrels.has(q.id))
    .map((q) => q.text)
    .slice(0, WARMUP + nQueries);
  await embedAll(embedder, queries, "queries");
  console.log(
    `base: ${base.length} real SciFact chunks; building ${nChunks} + ${nOthers} synthetic chunks on ${backend}`,
  );

  const stateFile = keptDir ? join(resolve(keptDir), "latency-bench.json") : undefined;
  const kept = stateFile && existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, "utf8")) as Kept) : undefined;
  if (kept && (kept.chunks !== nChunks || kept.others !== nOthers || kept.baseChunks !== base.length)) {
    throw new Error(
      `${keptDir} holds ${kept.chunks} + ${kept.others} chunks of ${kept.baseChunks} base ones: use another --data-dir`,
    );
  }
  const server = await startBenchServer(backend, {
    embedder,
    ...(keptDir ? { dataDir: resolve(keptDir) } : {}),
    ...(args.get("shared-buffers") ? { sharedBuffers: args.get("shared-buffers") } : {}),
  });
  const result: Record<string, unknown> = {
    benchmark: "search-latency",
    date: new Date(),
    backend,
    machine: machine(),
    chunks: nChunks,
    others: nOthers,
    baseChunks: base.length,
    k,
  };
  if (backend === "embedded") {
    const [row] = await server.database.runner.query("show shared_buffers");
    result.sharedBuffers = row?.shared_buffers;
    console.log(`embedded page cache (shared_buffers): ${String(result.sharedBuffers)}`);
  }
  try {
    const target = kept?.target ?? (await build(server, base, result));
    if (stateFile && !kept) {
      const state: Kept = { target, chunks: nChunks, others: nOthers, baseChunks: base.length, build: result.build };
      writeFileSync(stateFile, JSON.stringify(state));
    }
    if (kept) {
      console.log(`reusing ${keptDir} (built ${JSON.stringify(kept.build)})`);
      result.build = kept.build;
      result.reusedDataDir = true;
    }
    const [pool] = [Math.max(50, k * 5)];
    const qv = (await embedder.embed([queries[WARMUP] as string]))[0] as Float32Array;
    if (backend === "embedded" && !keptDir) {
      // PGlite runs no autovacuum: this is what an embedded server sees until something analyzes.
      result.beforeAnalyze = (
        await measure(server, embedder, target, queries, createRetrievalRepository, `${backend}, no ANALYZE yet`)
      ).figures;
      result.plansBeforeAnalyze = await explain(server, target, queries[WARMUP] as string, qv, pool);
    }
    const t = performance.now();
    // What the server runs: the embedded ingestion job's refresh (Postgres: autovacuum's ANALYZE).
    await server.superuser("select atrium_analyze_search()");
    result.analyzeS = round((performance.now() - t) / 1000, 1);
    const current = await measure(
      server,
      embedder,
      target,
      queries,
      createRetrievalRepository,
      `${backend}, after ANALYZE`,
    );
    result.server = current.figures;
    result.ranked = current.ranked;
    if (compareFile) {
      const before = JSON.parse(readFileSync(compareFile, "utf8")) as { ranked?: Record<string, string[][]> };
      if (!before.ranked) throw new Error(`--compare: ${compareFile} has no ranked results (an older run)`);
      console.log(
        `top ${k} equal to ${compareFile}'s, same ids in the same order: ${JSON.stringify(sameOrder(current.ranked, before.ranked))}; same ids: ${JSON.stringify(overlap(current.ranked, before.ranked))}`,
      );
    }
    result.plans = await explain(server, target, queries[WARMUP] as string, qv, pool);
    console.log(
      `\nplans for "${queries[WARMUP]}":\n--- vector\n${(result.plans as Record<string, string>).vector}\n--- keyword\n${(result.plans as Record<string, string>).keyword}\n--- chunks holding any query word (what an OR query would scan): ${(result.plans as Record<string, string>).keywordMatches}`,
    );
    if (server.database.scopedConcurrently) {
      // Both candidate queries in one transaction, one after the other (as before; as embedded).
      const sequential = await measure(
        server,
        embedder,
        target,
        queries,
        createRetrievalRepository,
        `${backend}, candidate queries one after the other`,
        { scoped: server.database.scoped },
      );
      const again = await measure(
        server,
        embedder,
        target,
        queries,
        createRetrievalRepository,
        `${backend}, candidate queries concurrently (again)`,
      );
      const sameTopK = overlap(sequential.ranked, current.ranked);
      console.log(
        `share of the sequential plan's top ${k} that the concurrent one returns too: ${JSON.stringify(sameTopK)}`,
      );
      const inTurns = await sequentialVsConcurrent(server, embedder, target, queries);
      result.sequential = { figures: sequential.figures, again: again.figures, sameTopK, inTurns };
    }
    if (retrievalFile) {
      const mod = (await import(resolve(retrievalFile))) as {
        createRetrievalRepository: typeof createRetrievalRepository;
      };
      const proposal = await measure(
        server,
        embedder,
        target,
        queries,
        mod.createRetrievalRepository,
        `${backend}, ${retrievalFile}`,
      );
      // The current code once more, so that a change in machine load shows.
      const again = await measure(
        server,
        embedder,
        target,
        queries,
        createRetrievalRepository,
        `${backend}, after ANALYZE (again)`,
      );
      const sameTopK = overlap(proposal.ranked, current.ranked);
      console.log(
        `share of ${retrievalFile}'s top ${k} that the current code returns too: ${JSON.stringify(sameTopK)}`,
      );
      result.proposal = { file: retrievalFile, figures: proposal.figures, again: again.figures, sameTopK };
    }

    // The query's own embedding with the real model (the server's default: 1 worker on 2 cores).
    const real = createEmbedder({ kind: "local" });
    await (real as unknown as { ready(): Promise<void> }).ready();
    for (const q of queries.slice(0, 5)) await real.embed([q]);
    const embedMs: number[] = [];
    for (const q of queries.slice(WARMUP, WARMUP + 50)) {
      const t0 = performance.now();
      await real.embed([q]);
      embedMs.push(performance.now() - t0);
    }
    await real.close();
    result.queryEmbedding = summarize(embedMs);
    const e = result.queryEmbedding as ReturnType<typeof summarize>;
    console.log(
      `\nquery embedding (real local model, 1 query per call, 50 queries): p50 ${e.p50} ms, p90 ${e.p90} ms, p99 ${e.p99} ms`,
    );
    console.log("target: search p50 ≤ 20 ms");
  } finally {
    await server.close();
    await embedder.close();
  }
  result.loadAtEnd = machine().load;
  writeFileSync(jsonOut, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\n${machineLine()}\nresults: ${jsonOut}`);
}

await main();
