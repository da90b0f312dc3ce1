/**
 * Ingestion throughput of the embedded server against the raw throughput of its embedding model,
 * measured in ONE run (the machine is shared and noisy, so the two are only comparable side by side).
 *
 *  (a) raw: the server's own embedder (local Universal Sentence Encoder lite, default workers and
 *      batch size) embeds the N chunk texts the documents below produce, as one request. Measured
 *      before and after the ingestion phases; the reference is the mean of the two.
 *  (b) ingestion: the documents are uploaded through DocumentsService.upload (real local storage in
 *      a scratch data directory, the ingestion job written to the queue) and each version is then
 *      ingested by the real handler (createIngestHandler: parse → chunk → embed → upsertChunks →
 *      progress → switch), one job at a time like the queue runs one tenant's jobs, on the embedded
 *      PGlite database on disk. chunks/s and its ratio to (a); target ≥ 85%.
 *  The server side (container, embedder, database, handler) runs in a child process of its own, so
 *  its RSS is the server's alone (the parent parses the files only to know the chunk texts). That
 *  RSS is sampled every 200 ms by a third process reading /proc/<pid>/status, so a blocked event
 *  loop cannot hide a peak; target < 1 GB while ingesting. The longest event-loop stall during
 *  ingestion is recorded too (PGlite and the parsers run on the main thread). Where the time goes is
 *  measured by wrapping the handler's dependencies with timers (database transactions, embed calls,
 *  storage reads, status publishing; the rest is parsing and chunking).
 *
 * Documents: the real files under ../shared/evals/rag/documents (docx, html, markdown, pdf; the
 * encrypted PDF with its password) plus, with --scifact-files=M, M Markdown files of 50 SciFact
 * abstracts each. --chunks=N takes files in a fixed order until about N chunks (quick runs).
 *
 *   npx tsx bench/ingestion-throughput.ts
 *   npx tsx bench/ingestion-throughput.ts --chunks=1500
 *   npx tsx bench/ingestion-throughput.ts --jobs=bench/proposals/documents.jobs.pipelined.ts
 *
 * Options (also BENCH_<NAME> environment variables):
 *   --chunks=N            stop adding files at about N chunks (default: all files)
 *   --scifact-files=M     add M Markdown files of 50 SciFact abstracts (default 0)
 *   --jobs=FILE           also ingest through a scratch copy of documents.jobs.ts (a proposal), same run
 *   --proposal-only       with --jobs: skip the server's own handler
 *   --backend=embedded|postgres  (default embedded; the RSS target is about the embedded server)
 *   --in-memory           embedded database in memory instead of on disk
 *   --json=FILE           results (default bench/results/ingestion-throughput-<backend>.json)
 */
import { fork, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { Readable } from "node:stream";
import type { DB } from "../apps/server/src/infra/db/database";
import type { Embedder } from "../apps/server/src/infra/embeddings";
import { createEmbedder } from "../apps/server/src/infra/embeddings";
import { createSecretBox, loadEncryptionKey } from "../apps/server/src/infra/secrets";
import { createIngestHandler as serverHandler } from "../apps/server/src/modules/documents/documents.jobs";
import {
  chunkDocument,
  type DocumentType,
  parseDocument,
  sniffType,
} from "../apps/server/src/modules/documents/parsing";
import {
  type BenchServer,
  backendArg,
  type CorpusDoc,
  haveEvals,
  machine,
  machineLine,
  RAG,
  RESULTS,
  readJsonl,
  startBenchServer,
} from "./documents-lib";
import { numberArg, parseArgs, round, table } from "./lib";

const args = parseArgs();
const backend = backendArg(args);
const maxChunks = numberArg(args, "chunks", Number.POSITIVE_INFINITY);
const scifactFiles = numberArg(args, "scifact-files", 0);
const jobsFile = args.get("jobs");
const proposalOnly = args.has("proposal-only");
const jsonOut = args.get("json") ?? join(RESULTS, `ingestion-throughput-${backend}.json`);
const DOCS = join(RAG, "documents");
const PASSWORD_PDF = { file: "libreoffice-writer-password.pdf", password: "openpassword" };

interface BenchFile {
  name: string;
  /** Base64 over IPC; Buffer once received. */
  content: Buffer;
  type: DocumentType;
  password?: string;
  chunks: string[];
}

/** The files, with the chunk texts the ingestion job will embed (same parser, chunker, settings). */
async function loadFiles(): Promise<BenchFile[]> {
  const files: BenchFile[] = [];
  let total = 0;
  const add = async (name: string, content: Buffer, password?: string) => {
    if (total >= maxChunks) return;
    const type = sniffType(content.subarray(0, 8192), name);
    if (!type) return;
    try {
      const parsed = await parseDocument(content, type, { password });
      const chunks = chunkDocument(parsed, { maxTokens: 100, overlapTokens: 20 }).map((c) => c.embedText);
      files.push({ name, content, type, password, chunks });
      total += chunks.length;
    } catch {
      // A file without text (mammoth-tiny-picture.docx) fails the job at once: not part of a throughput figure.
    }
  };
  for (const dir of ["docx", "html", "markdown", "pdf"]) {
    for (const f of readdirSync(join(DOCS, dir)).sort()) {
      if (f.endsWith(".json")) continue;
      await add(f, readFileSync(join(DOCS, dir, f)), f === PASSWORD_PDF.file ? PASSWORD_PDF.password : undefined);
    }
  }
  if (scifactFiles > 0) {
    const corpus = readJsonl<CorpusDoc>(join(RAG, "scifact", "corpus.jsonl"));
    for (let g = 0; g < scifactFiles && (g + 1) * 50 <= corpus.length; g++) {
      const part = corpus.slice(g * 50, (g + 1) * 50);
      const md = `# SciFact abstracts, part ${g + 1}\n\n${part
        .map((d) => `## ${d.title.replace(/\s+/g, " ")}\n\n${d.text.replace(/\uFFFD/g, " ")}\n`)
        .join("\n")}`;
      await add(`scifact-part-${g + 1}.md`, Buffer.from(md, "utf8"));
    }
  }
  return files;
}

// ---------------------------------------------------------------------------------------------
// RSS sampling from outside the process.

const SAMPLER = `
const pid = process.argv[1]; const fs = require("fs");
const read = () => { try { const m = /VmRSS:\\s+(\\d+) kB/.exec(fs.readFileSync("/proc/" + pid + "/status", "utf8")); return m ? Number(m[1]) : 0; } catch { return -1; } };
let peak = 0;
const timer = setInterval(() => { const v = read(); if (v < 0) process.exit(0); if (v > peak) peak = v; }, 200);
process.stdin.on("data", (d) => { const cmd = String(d).trim(); for (const c of cmd.split("\\n")) { if (c === "peak") { process.stdout.write(peak + "\\n"); } if (c === "reset") { peak = read(); process.stdout.write(peak + "\\n"); } } });
process.stdin.on("end", () => { clearInterval(timer); process.exit(0); });
`;

function startRssSampler() {
  const child = spawn(process.execPath, ["-e", SAMPLER, String(process.pid)], { stdio: ["pipe", "pipe", "inherit"] });
  let waiting: ((kb: number) => void) | undefined;
  let buf = "";
  child.stdout.on("data", (d) => {
    buf += String(d);
    const at = buf.indexOf("\n");
    if (at >= 0) {
      const line = buf.slice(0, at);
      buf = buf.slice(at + 1);
      waiting?.(Number(line));
      waiting = undefined;
    }
  });
  const ask = (cmd: string) =>
    new Promise<number>((res) => {
      waiting = (kb) => res(kb / 1024);
      child.stdin.write(`${cmd}\n`);
    });
  return {
    /** Starts a new window; returns the current RSS in MB. */
    reset: () => ask("reset"),
    /** Peak RSS in MB since the last reset. */
    peak: () => ask("peak"),
    stop: () => child.stdin.end(),
  };
}

const rssNowMb = () => process.memoryUsage.rss() / 2 ** 20;

// ---------------------------------------------------------------------------------------------

interface Breakdown {
  dbMs: number;
  dbCalls: number;
  embedMs: number;
  embedCalls: number;
  storageMs: number;
  publishMs: number;
  publishCalls: number;
}

type HandlerFactory = typeof serverHandler;

/** Raw model throughput on the chunk texts, as one request (the pool's batches keep it busy). */
async function rawPhase(embedder: Embedder, texts: string[], rss: ReturnType<typeof startRssSampler>) {
  const baseline = await rss.reset();
  const t0 = performance.now();
  const vectors = await embedder.embed(texts);
  const seconds = (performance.now() - t0) / 1000;
  if (vectors.length !== texts.length) throw new Error("wrong number of vectors");
  const peak = await rss.peak();
  return {
    seconds: round(seconds, 1),
    chunksPerSec: round(texts.length / seconds, 2),
    rssBaselineMb: Math.round(baseline),
    rssPeakMb: Math.round(peak),
  };
}

/** Uploads every file into a new tenant, then runs the ingestion handler on each version in turn. */
async function ingestPhase(
  server: BenchServer,
  label: string,
  factory: HandlerFactory,
  embedder: Embedder,
  files: BenchFile[],
  rss: ReturnType<typeof startRssSampler>,
) {
  const { container, actor, database } = server;
  const tenantId = await server.createTenant(`ingest ${label}`);
  const versions: string[] = [];
  for (const f of files) {
    const doc = await container.services.documents.upload(actor, {
      tenantId,
      filename: f.name,
      stream: Readable.from([f.content]),
      password: f.password,
    });
    const row = await database.scoped({ tenantId }, (tx) => container.repos.documents.findDocument(doc.id, tx));
    if (!row?.latestVersionId) throw new Error(`no version for ${f.name}`);
    versions.push(row.latestVersionId);
  }
  const b: Breakdown = { dbMs: 0, dbCalls: 0, embedMs: 0, embedCalls: 0, storageMs: 0, publishMs: 0, publishCalls: 0 };
  const timed = async <T>(p: () => Promise<T>, add: (ms: number) => void): Promise<T> => {
    const t = performance.now();
    try {
      return await p();
    } finally {
      add(performance.now() - t);
    }
  };
  // The server's wiring (container.ts), with timers around each dependency.
  const handler = factory({
    database: {
      scoped: <T>(scope: Parameters<typeof database.scoped>[0], fn: (tx: DB) => Promise<T>) =>
        timed(
          () => database.scoped(scope, fn),
          (ms) => {
            b.dbMs += ms;
            b.dbCalls++;
          },
        ),
    },
    documents: container.repos.documents,
    storage: {
      get: (key: string) =>
        timed(
          () => container.storage.get(key),
          (ms) => {
            b.storageMs += ms;
          },
        ),
    },
    embedder: {
      embed: (texts: string[], o?: { signal?: AbortSignal }) =>
        timed(
          () => embedder.embed(texts, o),
          (ms) => {
            b.embedMs += ms;
            b.embedCalls++;
          },
        ),
    },
    secrets: createSecretBox(
      loadEncryptionKey(container.config.ATRIUM_ENCRYPTION_KEY, container.config.ATRIUM_DATA_DIR),
    ),
    publish: (id: string, t: string) =>
      timed(
        () => container.services.documents.publish(id, t),
        (ms) => {
          b.publishMs += ms;
          b.publishCalls++;
        },
      ),
  });
  const baseline = await rss.reset();
  // The longest gap between ticks of a 5 ms timer: how long the server could not answer anything.
  let maxStallMs = 0;
  let lastTick = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    maxStallMs = Math.max(maxStallMs, now - lastTick);
    lastTick = now;
  }, 5);
  const perFile: { name: string; chunks: number; seconds: number }[] = [];
  const t0 = performance.now();
  for (const [i, versionId] of versions.entries()) {
    const t = performance.now();
    // As the last attempt: a failure marks the document failed (reported below) instead of retrying.
    await handler({ data: { versionId }, retryCount: 4, retryLimit: 4 }).catch(() => undefined);
    perFile.push({ name: (files[i] as BenchFile).name, chunks: 0, seconds: round((performance.now() - t) / 1000, 2) });
  }
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(ticker);
  const peak = await rss.peak();
  const docs = (await container.services.documents.list(actor, { tenantId, limit: 1000, offset: 0 })).items;
  const chunks = docs.reduce((n, d) => n + (d.chunkCount ?? 0), 0);
  const failed = docs.filter((d) => d.status !== "ready").map((d) => `${d.title}: ${d.status}`);
  const byName = new Map(docs.map((d) => [d.title, d.chunkCount ?? 0]));
  for (const f of perFile) f.chunks = byName.get(f.name.replace(/\.[a-z0-9]{1,5}$/i, "")) ?? 0;
  const totalMs = seconds * 1000;
  const other = totalMs - b.dbMs - b.embedMs - b.storageMs - b.publishMs;
  return {
    label,
    documents: files.length,
    chunks,
    failed,
    seconds: round(seconds, 1),
    chunksPerSec: round(chunks / seconds, 2),
    rssBaselineMb: Math.round(baseline),
    rssPeakMb: Math.round(peak),
    maxStallMs: Math.round(maxStallMs),
    breakdown: {
      embedS: round(b.embedMs / 1000, 1),
      embedCalls: b.embedCalls,
      dbS: round(b.dbMs / 1000, 1),
      dbTransactions: b.dbCalls,
      publishS: round(b.publishMs / 1000, 1),
      publishCalls: b.publishCalls,
      storageS: round(b.storageMs / 1000, 2),
      parseChunkOtherS: round(other / 1000, 1),
    },
    slowest: [...perFile].sort((a, b2) => b2.seconds - a.seconds).slice(0, 5),
  };
}

interface ChildRequest {
  files: (Omit<BenchFile, "content"> & { content: string })[];
}

type IngestResult = Awaited<ReturnType<typeof ingestPhase>>;
interface ChildResult {
  embedderWorkers: number;
  embedderBackend: string;
  rssAfterStartMb: number;
  rawBefore: Awaited<ReturnType<typeof rawPhase>>;
  ingests: IngestResult[];
  rawAfter: Awaited<ReturnType<typeof rawPhase>>;
  processMaxRssMb: number;
}

/** The server side, in its own process: container, embedder, database, the phases. */
async function runServer(req: ChildRequest): Promise<ChildResult> {
  const files: BenchFile[] = req.files.map((f) => ({ ...f, content: Buffer.from(f.content, "base64") }));
  const texts = files.flatMap((f) => f.chunks);
  // The server's own embedder configuration (container.ts): local model, default workers and batch.
  const embedder = createEmbedder({ kind: "local" });
  const server = await startBenchServer(backend, { embedder, inMemory: args.has("in-memory") });
  const rss = startRssSampler();
  try {
    const local = embedder as unknown as { ready(): Promise<void>; stats(): { workers: number; backend?: string } };
    await local.ready();
    await embedder.embed(texts.slice(0, 64)); // warm-up
    const rssAfterStartMb = Math.round(rssNowMb());
    const log = (m: string) => process.send?.({ log: m });
    log(
      `embedder: ${local.stats().workers} worker(s), ${local.stats().backend}; server RSS after start-up ${rssAfterStartMb} MB`,
    );
    log("(a) raw embedding, before ...");
    const rawBefore = await rawPhase(embedder, texts, rss);
    log(`    ${rawBefore.chunksPerSec} chunks/s (${rawBefore.seconds} s), peak RSS ${rawBefore.rssPeakMb} MB`);
    const ingests: IngestResult[] = [];
    if (!proposalOnly) {
      log("(b) ingestion through the server's handler ...");
      const r = await ingestPhase(server, "server", serverHandler, embedder, files, rss);
      log(`    ${r.chunksPerSec} chunks/s (${r.seconds} s, ${r.chunks} chunks), peak RSS ${r.rssPeakMb} MB`);
      ingests.push(r);
    }
    if (jobsFile) {
      const mod = (await import(resolve(jobsFile))) as { createIngestHandler: HandlerFactory };
      log(`(b') ingestion through ${jobsFile} (proposal) ...`);
      const r = await ingestPhase(server, basename(jobsFile), mod.createIngestHandler, embedder, files, rss);
      log(`    ${r.chunksPerSec} chunks/s (${r.seconds} s, ${r.chunks} chunks), peak RSS ${r.rssPeakMb} MB`);
      ingests.push(r);
    }
    log("(a) raw embedding, after ...");
    const rawAfter = await rawPhase(embedder, texts, rss);
    log(`    ${rawAfter.chunksPerSec} chunks/s (${rawAfter.seconds} s), peak RSS ${rawAfter.rssPeakMb} MB`);
    return {
      embedderWorkers: local.stats().workers,
      embedderBackend: local.stats().backend ?? "?",
      rssAfterStartMb,
      rawBefore,
      ingests,
      rawAfter,
      processMaxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
  } finally {
    rss.stop();
    await server.close();
  }
}

function inChild(req: ChildRequest): Promise<ChildResult> {
  return new Promise((resolvePromise, reject) => {
    const child = fork(process.argv[1] as string, [...process.argv.slice(2), "--child"], {
      execArgv: process.execArgv,
      stdio: "inherit",
    });
    child.on("message", (msg: { log?: string; result?: ChildResult; error?: string }) => {
      if (msg.log) console.log(msg.log);
      if (msg.error) reject(new Error(msg.error));
      if (msg.result) resolvePromise(msg.result);
    });
    child.once("exit", (code) => {
      if (code !== 0) reject(new Error(`server process exited with ${code}`));
    });
    child.send(req);
  });
}

async function main() {
  if (args.has("child")) {
    process.once("message", async (req: ChildRequest) => {
      try {
        process.send?.({ result: await runServer(req) });
      } catch (err) {
        process.send?.({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      }
      process.disconnect();
    });
    return;
  }
  if (!haveEvals([DOCS, join(RAG, "scifact", "corpus.jsonl")])) return;
  console.log(machineLine());
  const files = await loadFiles();
  const texts = files.flatMap((f) => f.chunks);
  console.log(
    `${files.length} files → ${texts.length} chunks (${files
      .map((f) => f.type)
      .filter((t, i, a) => a.indexOf(t) === i)
      .join(", ")})`,
  );
  const r = await inChild({ files: files.map((f) => ({ ...f, content: f.content.toString("base64") })) });
  const rawRef = (r.rawBefore.chunksPerSec + r.rawAfter.chunksPerSec) / 2;
  const { rawBefore, rawAfter, ingests } = r;

  console.log(`\nIngestion vs raw embedding (${backend}, ${texts.length} chunks, ${files.length} files)`);
  console.log(
    table(
      ["phase", "chunks/s", "seconds", "ratio to raw", "peak RSS MB", "RSS at start MB", "max event-loop stall ms"],
      [
        [
          "raw embedding (before)",
          rawBefore.chunksPerSec,
          rawBefore.seconds,
          "",
          rawBefore.rssPeakMb,
          rawBefore.rssBaselineMb,
          "",
        ],
        ...ingests.map((x) => [
          `ingestion: ${x.label}`,
          x.chunksPerSec,
          x.seconds,
          `${round((100 * x.chunksPerSec) / rawRef, 1)}%`,
          x.rssPeakMb,
          x.rssBaselineMb,
          x.maxStallMs,
        ]),
        [
          "raw embedding (after)",
          rawAfter.chunksPerSec,
          rawAfter.seconds,
          "",
          rawAfter.rssPeakMb,
          rawAfter.rssBaselineMb,
          "",
        ],
      ],
    ),
  );
  console.log(
    `server process: RSS after start-up ${r.rssAfterStartMb} MB, kernel max RSS over the run ${r.processMaxRssMb} MB; embedder ${r.embedderWorkers} worker(s), ${r.embedderBackend}`,
  );
  console.log("targets: ingestion ≥ 85% of raw embedding; peak RSS while ingesting < 1024 MB");
  console.log("\nWhere the ingestion time goes (seconds; the server's handler awaits each step in turn)");
  console.log(
    table(
      [
        "phase",
        "embed",
        "db transactions",
        "publish status",
        "storage",
        "parse+chunk+other",
        "embed calls",
        "db tx",
        "publishes",
      ],
      ingests.map((x) => [
        x.label,
        x.breakdown.embedS,
        x.breakdown.dbS,
        x.breakdown.publishS,
        x.breakdown.storageS,
        x.breakdown.parseChunkOtherS,
        x.breakdown.embedCalls,
        x.breakdown.dbTransactions,
        x.breakdown.publishCalls,
      ]),
    ),
  );
  for (const x of ingests) {
    if (x.failed.length) console.log(`not ready (${x.label}): ${x.failed.join("; ")}`);
    console.log(
      `slowest files (${x.label}): ${x.slowest.map((f) => `${f.name} ${f.chunks} chunks ${f.seconds} s`).join(", ")}`,
    );
  }
  const result = {
    benchmark: "ingestion-throughput",
    date: new Date(),
    backend,
    machine: machine(),
    files: files.map((f) => ({ name: f.name, type: f.type, chunks: f.chunks.length })),
    chunks: texts.length,
    rawReferenceChunksPerSec: round(rawRef, 2),
    ...r,
    ingests: ingests.map((x) => ({ ...x, ratio: round(x.chunksPerSec / rawRef, 3) })),
  };
  writeFileSync(jsonOut, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\n${machineLine()}\nresults: ${jsonOut}`);
}

if (!existsSync(RESULTS)) console.log(`(results go to ${RESULTS})`);
await main();
