/**
 * Retrieval quality of the documents pipeline on public test collections: SciFact (BEIR test
 * split: nDCG@10, recall@100) and XQuAD (en, ru, and ru queries against the en corpus: recall@5,
 * MRR), for vector-only, keyword-only and hybrid search.
 *
 * The real code path as far as it is reasonable: every corpus document is parsed by the text parser
 * (its title as a level-1 heading), cut by chunkDocument with the ingestion job's settings, embedded
 * by the real local model (Universal Sentence Encoder lite, cached in bench/results/ so re-runs are
 * fast) and written with the repository's upsertChunks into a fresh database built by the server's
 * own container. Every query then goes through DocumentsService.search (the same hybrid(): vector
 * candidates, keyword candidates, fuseByScore, in tenant-scoped transactions). Chunk hits are
 * aggregated to documents (a document's rank is its best chunk's rank).
 *
 * SciFact is reported twice: with k = 100 (the API's maximum; the service then asks each list for
 * 500 candidates), from which nDCG@10 and recall@100 are computed, and with the API default k = 10
 * (50 candidates each; only the documents among those 10 passages count), which is what a search
 * user gets and close to what the chat retriever (k = 6) gets. XQuAD (240 paragraphs) is run with
 * k = 10 only (--xquad-k): recall@5 and MRR over the documents of those 10 passages.
 *
 *   npx tsx bench/retrieval-quality.ts                         # embedded PGlite, both datasets
 *   npx tsx bench/retrieval-quality.ts --backend=postgres      # a fresh database on 127.0.0.1:5432
 *   npx tsx bench/retrieval-quality.ts --datasets=xquad --limit=1000
 *
 * Options (also BENCH_<NAME> environment variables):
 *   --backend=embedded|postgres  database (postgres: TEST_DATABASE_URL or postgres://postgres@127.0.0.1:5432/postgres)
 *   --datasets=scifact,xquad     which collections
 *   --limit=N                    SciFact: index only the documents relevant to a query plus the first
 *                                N others (faster; figures NOT comparable with published ones)
 *   --split=test|train           SciFact queries; train is for trying changes, test is for reporting
 *   --modes=vector,keyword,hybrid  which search modes (keyword alone: chunks not in the embeddings
 *                                cache get zero vectors, so the model never runs; for tuning keyword
 *                                scoring without embedding a whole corpus first)
 *   --xquad-k=10                 passages per XQuAD search
 *   --workers=2                  embedding workers while filling the cache (the server uses 1 on 2 cores)
 *   --keyword-window=N           tokens of a chunk's keyword window (default: the server's KEYWORD_WINDOW_TOKENS; for tuning)
 *   --retrieval=FILE             a scratch copy of retrieval.repository.ts to evaluate instead (proposals)
 *   --json=FILE                  results file (default bench/results/retrieval-quality-<backend>-<datasets>[-train][-proposal].json)
 */
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createDocumentsService } from "../apps/server/src/modules/documents/documents.service";
import { tsConfigFor } from "../apps/server/src/modules/documents/hybrid";
import { KEYWORD_WINDOW_TOKENS } from "../apps/server/src/modules/documents/keyword-window";
import type { Chunk } from "../apps/server/src/modules/documents/parsing";
import { createRetrievalRepository } from "../apps/server/src/modules/documents/retrieval.repository";
import { createTenantAccess } from "../apps/server/src/modules/tenants/tenant-access";
import {
  type BenchServer,
  backendArg,
  CachingEmbedder,
  type CorpusDoc,
  chunkForJob,
  docsOf,
  embedAll,
  haveEvals,
  machine,
  machineLine,
  mean,
  ndcgAt,
  parseWithTitle,
  RAG,
  RESULTS,
  readJsonl,
  readQrels,
  recallAt,
  reciprocalRank,
  sanitized,
  startBenchServer,
  storeDocument,
  tsConfigOf,
} from "./documents-lib";
import { numberArg, parseArgs, round, table } from "./lib";

type Mode = "vector" | "keyword" | "hybrid";
const ALL_MODES: Mode[] = ["vector", "keyword", "hybrid"];

interface Indexed {
  tenantId: string;
  /** database document id → corpus id */
  docIdOf: Map<string, string>;
  docs: number;
  chunks: number;
  chunkMs: number;
  embedSeconds: number;
  indexSeconds: number;
}

type Search = (
  tenantId: string,
  q: string,
  k: number,
  mode: Mode,
) => Promise<{ items: { documentId: string }[]; tookMs: number }>;

const args = parseArgs();
const backend = backendArg(args);
const datasets = (args.get("datasets") ?? "scifact,xquad").split(",").map((s) => s.trim());
const limit = numberArg(args, "limit", 0);
const split = args.get("split") ?? "test";
const keywordWindowTokens = numberArg(args, "keyword-window", KEYWORD_WINDOW_TOKENS);
const workers = numberArg(args, "workers", 2);
const xquadK = numberArg(args, "xquad-k", 10);
const MODES = (args.get("modes") ?? ALL_MODES.join(",")).split(",").map((m) => {
  if (!ALL_MODES.includes(m as Mode)) throw new Error(`--modes: ${m} is not vector, keyword or hybrid`);
  return m as Mode;
});
const keywordOnly = MODES.every((m) => m === "keyword");
const retrievalFile = args.get("retrieval");
const jsonOut =
  args.get("json") ??
  join(
    RESULTS,
    `retrieval-quality-${backend}-${(args.get("datasets") ?? "scifact,xquad").replace(",", "-")}${split === "test" ? "" : `-${split}`}${args.get("retrieval") ? "-proposal" : ""}.json`,
  );

/** Parses, chunks, embeds (cached) and stores a corpus as documents of a new tenant. */
async function indexCorpus(
  server: BenchServer,
  embedder: CachingEmbedder,
  name: string,
  corpus: CorpusDoc[],
): Promise<Indexed> {
  const t0 = performance.now();
  const parsed = corpus.map((doc) => {
    const p = parseWithTitle(doc);
    const chunks = chunkForJob(p);
    return { doc, language: p.language, chunks, tsConfig: tsConfigOf(p, chunks[0], tsConfigFor) };
  });
  const chunkMs = performance.now() - t0;
  const all = parsed.flatMap((p) => p.chunks);
  console.log(`${name}: ${corpus.length} documents → ${all.length} chunks (parse + chunk ${Math.round(chunkMs)} ms)`);
  const before = embedder.modelSeconds;
  const missesBefore = embedder.misses;
  const vectors = await embedAll(
    embedder,
    all.map((c: Chunk) => c.embedText),
    `${name} embed`,
  );
  const embedSeconds = embedder.modelSeconds - before;
  const misses = embedder.misses - missesBefore;
  if (misses > 0)
    console.log(
      `  embedded ${misses} new chunks in ${round(embedSeconds, 1)} s (${round(misses / embedSeconds, 1)}/s)`,
    );
  const tenantId = await server.createTenant(`bench ${name}`);
  const docIdOf = new Map<string, string>();
  const t1 = performance.now();
  let at = 0;
  let lastLog = t1;
  for (const [i, p] of parsed.entries()) {
    const vs = vectors.slice(at, at + p.chunks.length);
    at += p.chunks.length;
    if (p.chunks.length === 0) continue;
    const id = await storeDocument(
      server,
      tenantId,
      {
        title: p.doc.title,
        language: p.language,
        tsConfig: p.tsConfig,
        chunks: p.chunks,
        vectors: vs,
      },
      64,
      keywordWindowTokens,
    );
    docIdOf.set(id, p.doc.id);
    if (performance.now() - lastLog > 30_000) {
      console.log(`  stored ${i + 1}/${parsed.length} documents (${round((performance.now() - t1) / 1000, 1)} s)`);
      lastLog = performance.now();
    }
  }
  const indexSeconds = (performance.now() - t1) / 1000;
  console.log(
    `  stored ${parsed.length} documents, ${all.length} chunks in ${round(indexSeconds, 1)} s (${round(all.length / indexSeconds, 1)} chunks/s, with HNSW and GIN maintenance)`,
  );
  return {
    tenantId,
    docIdOf,
    docs: parsed.length,
    chunks: all.length,
    chunkMs: Math.round(chunkMs),
    embedSeconds: round(embedSeconds, 1),
    indexSeconds: round(indexSeconds, 1),
  };
}

interface ModeResult {
  mode: Mode;
  k: number;
  queries: number;
  ndcg10: number;
  recall5: number;
  recall100: number;
  mrr: number;
  /** Queries whose list had no document at all. */
  empty: number;
  meanDocs: number;
  meanMs: number;
}

/** Runs every query in every mode through the service; metrics over the aggregated document lists. */
async function evaluate(
  search: Search,
  index: Indexed,
  queries: { id: string; text: string }[],
  qrels: Map<string, Map<string, number>>,
  k: number,
): Promise<ModeResult[]> {
  const out: ModeResult[] = [];
  for (const mode of MODES) {
    const ndcg: number[] = [];
    const r5: number[] = [];
    const r100: number[] = [];
    const rr: number[] = [];
    const ms: number[] = [];
    const lengths: number[] = [];
    let empty = 0;
    const started = performance.now();
    let lastLog = started;
    for (const [qi, q] of queries.entries()) {
      if (performance.now() - lastLog > 60_000) {
        console.log(
          `  ${mode} k=${k}: ${qi}/${queries.length} queries (${round((performance.now() - started) / 1000)} s)`,
        );
        lastLog = performance.now();
      }
      const rel = qrels.get(q.id);
      if (!rel) continue;
      const { items, tookMs } = await search(index.tenantId, q.text, k, mode);
      const ranked = docsOf(items, index.docIdOf);
      if (ranked.length === 0) empty++;
      lengths.push(ranked.length);
      ms.push(tookMs);
      ndcg.push(ndcgAt(ranked, rel, 10));
      r5.push(recallAt(ranked, rel, 5));
      r100.push(recallAt(ranked, rel, 100));
      rr.push(reciprocalRank(ranked, rel));
    }
    out.push({
      mode,
      k,
      queries: ndcg.length,
      ndcg10: round(mean(ndcg), 4),
      recall5: round(mean(r5), 4),
      recall100: round(mean(r100), 4),
      mrr: round(mean(rr), 4),
      empty,
      meanDocs: round(mean(lengths), 1),
      meanMs: round(mean(ms), 1),
    });
  }
  return out;
}

/**
 * DocumentsService wired as container.ts wires it for the local model (our caching embedder stands
 * in for it, so the container's own instance would treat it as a foreign embedder), optionally over
 * a scratch copy of the retrieval repository.
 */
async function makeSearch(server: BenchServer, embedder: CachingEmbedder): Promise<Search> {
  const { container, actor } = server;
  const { repos } = container;
  const makeRepo = retrievalFile
    ? ((await import(resolve(retrievalFile))) as { createRetrievalRepository: typeof createRetrievalRepository })
        .createRetrievalRepository
    : createRetrievalRepository;
  const service = createDocumentsService({
    database: container.database,
    documents: repos.documents,
    retrieval: makeRepo(container.database.db),
    tenants: repos.tenants,
    storage: container.storage,
    queue: container.queue,
    embedder,
    secrets: undefined as never,
    events: container.documentEvents,
    audit: repos.audit,
    requireTenantRole: createTenantAccess(repos.tenants),
    maxUploadBytes: container.config.UPLOAD_MAX_BYTES,
    // container.ts: true for the built-in local model (what CachingEmbedder runs); ignored by older code.
    ...({ englishOnlyEmbeddings: true } as object),
  });
  return (tenantId, q, k, mode) => service.search(actor, { tenantId, q, k, mode });
}

async function scifact(results: Record<string, unknown>) {
  const dir = join(RAG, "scifact");
  const qFile = split === "train" ? "queries_train.jsonl" : "queries.jsonl";
  const rFile = split === "train" ? "qrels_train.tsv" : "qrels.tsv";
  if (!haveEvals([join(dir, "corpus.jsonl"), join(dir, qFile), join(dir, rFile)])) return;
  let corpus = readJsonl<CorpusDoc>(join(dir, "corpus.jsonl"));
  const qrels = readQrels(join(dir, rFile));
  const queries = readJsonl<{ id: string; text: string }>(join(dir, qFile)).filter((q) => qrels.has(q.id));
  if (limit > 0) {
    const relevant = new Set([...qrels.values()].flatMap((m) => [...m.keys()]));
    let others = 0;
    corpus = corpus.filter((d) => relevant.has(d.id) || others++ < limit);
    console.log(`--limit=${limit}: ${corpus.length} of the corpus documents (all relevant ones kept); not comparable!`);
  }
  const embedder = new CachingEmbedder("scifact", { workers, noModel: keywordOnly });
  const server = await startBenchServer(backend, { embedder });
  try {
    const index = await indexCorpus(server, embedder, "scifact", corpus);
    await embedAll(
      embedder,
      queries.map((q) => q.text),
      "scifact queries",
    );
    const search = await makeSearch(server, embedder);
    const k100 = await evaluate(search, index, queries, qrels, 100);
    const k10 = await evaluate(search, index, queries, qrels, 10);
    console.log(
      `\nSciFact (${split}: ${queries.length} queries, ${index.docs} documents, ${index.chunks} chunks), ${backend}`,
    );
    console.log(
      table(
        [
          "mode",
          "nDCG@10",
          "recall@100",
          "MRR",
          "nDCG@10 (k=10)",
          "recall@5 (k=10)",
          "docs/list",
          "no hit",
          "ms/query",
        ],
        k100.map((r, i) => {
          const s = k10[i] as ModeResult;
          return [r.mode, r.ndcg10, r.recall100, r.mrr, s.ndcg10, s.recall5, r.meanDocs, r.empty, r.meanMs];
        }),
      ),
    );
    console.log("published SciFact nDCG@10: BM25 0.665; target: hybrid ≥ 0.68 (local models only)");
    results.scifact = { split, queries: queries.length, index, sanitizedDocs: sanitized.count, k100, k10 };
  } finally {
    await server.close();
    await embedder.close();
  }
}

async function xquad(results: Record<string, unknown>) {
  const dir = join(RAG, "xquad");
  const files = ["corpus.en.jsonl", "corpus.ru.jsonl", "queries.en.jsonl", "queries.ru.jsonl", "qrels.tsv"];
  if (!haveEvals(files.map((f) => join(dir, f)))) return;
  const qrels = readQrels(join(dir, "qrels.tsv"));
  const embedder = new CachingEmbedder("xquad", { workers, noModel: keywordOnly });
  const server = await startBenchServer(backend, { embedder });
  try {
    const en = await indexCorpus(server, embedder, "xquad-en", readJsonl<CorpusDoc>(join(dir, "corpus.en.jsonl")));
    const ru = await indexCorpus(server, embedder, "xquad-ru", readJsonl<CorpusDoc>(join(dir, "corpus.ru.jsonl")));
    const qEn = readJsonl<{ id: string; text: string }>(join(dir, "queries.en.jsonl"));
    const qRu = readJsonl<{ id: string; text: string }>(join(dir, "queries.ru.jsonl"));
    await embedAll(
      embedder,
      [...qEn, ...qRu].map((q) => q.text),
      "xquad queries",
    );
    const search = await makeSearch(server, embedder);
    const runs = [
      { name: "en → en", index: en, queries: qEn },
      { name: "ru → ru", index: ru, queries: qRu },
      { name: "ru → en (cross-lingual)", index: en, queries: qRu },
    ];
    const out: Record<string, unknown> = { chunks: { en: en.chunks, ru: ru.chunks } };
    const rows: (string | number)[][] = [];
    for (const run of runs) {
      const res = await evaluate(search, run.index, run.queries, qrels, xquadK);
      out[run.name] = { queries: run.queries.length, k: xquadK, results: res };
      for (const r of res) rows.push([run.name, r.mode, r.recall5, r.mrr, r.ndcg10, r.meanDocs, r.empty, r.meanMs]);
    }
    console.log(
      `\nXQuAD (${qEn.length} queries per language, 240 paragraphs per language), k=${xquadK} passages, ${backend}`,
    );
    console.log(
      table(["queries → corpus", "mode", "recall@5", "MRR", "nDCG@10", "docs/list", "no hit", "ms/query"], rows),
    );
    results.xquad = out;
  } finally {
    await server.close();
    await embedder.close();
  }
}

async function main() {
  console.log(machineLine());
  if (split !== "test") console.log(`split=${split}: for trying changes only; report the test split`);
  if (retrievalFile) console.log(`retrieval repository: ${retrievalFile} (a proposal, not the server's code)`);
  const results: Record<string, unknown> = {
    benchmark: "retrieval-quality",
    date: new Date(),
    backend,
    machine: machine(),
    retrieval: retrievalFile ?? "apps/server/src/modules/documents/retrieval.repository.ts",
    limit: limit || undefined,
  };
  const started = performance.now();
  if (datasets.includes("scifact")) await scifact(results);
  if (datasets.includes("xquad")) await xquad(results);
  results.totalSeconds = round((performance.now() - started) / 1000, 1);
  results.loadAtEnd = machine().load;
  writeFileSync(jsonOut, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\n${machineLine()}\nresults: ${jsonOut} (${results.totalSeconds} s)`);
}

await main();
