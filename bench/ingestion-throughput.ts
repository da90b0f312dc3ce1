/**
 * Ingestion throughput of the embedded server against the raw throughput of its embedding model,
 * measured in ONE run (the machine is shared and noisy, so the two are only comparable side by side).
 *
 *  (a) raw: the server's own embedder (local Universal Sentence Encoder lite, default workers and
 *      batch size) embeds the chunk texts the documents below produce, as one request (the best the
 *      model can do: the pool sorts all texts by length into batches of 16), and (a') as the job
 *      calls it, 32 texts of one document per request in turn (the best any one-job-at-a-time
 *      ingestion of these documents can do).
 *  (b) ingestion: the documents are uploaded through DocumentsService.upload (real local storage in
 *      a scratch data directory, the ingestion job written to the queue) and each version is then
 *      ingested by the real handler (createIngestHandler: parse → chunk → embed → upsertChunks →
 *      progress → switch), one job at a time like the queue runs one tenant's jobs, on the embedded
 *      PGlite database on disk. chunks/s and its ratio to (a); target ≥ 85%. With --jobs, a scratch
 *      copy of documents.jobs.ts (a proposal) is measured the same way.
 *  The machine is shared and its load drifts by 50% within minutes, so the files are split into
 *  rounds of about equal chunk counts and every round runs every method on its share, the order
 *  rotated from round to round; totals are summed over the rounds.
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
 *   --rounds=4            interleaved rounds (each method runs on a quarter of the files per round)
 *   --types=docx,html,markdown,pdf  which folders of real files, in this order (e.g. --types=pdf)
 *   --backend=embedded|postgres  (default embedded; the RSS target is about the embedded server)
 *   --in-memory           embedded database in memory instead of on disk
 *   --json=FILE           results (default bench/results/ingestion-throughput-<backend>.json)
 */
import { fork, spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
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
  evalDocumentFiles,
  haveEvals,
  machine,
  machineLine,
  RAG,
  RESULTS,
  startBenchServer,
} from "./documents-lib";
import { numberArg, parseArgs, round, table } from "./lib";

const args = parseArgs();
const backend = backendArg(args);
const maxChunks = numberArg(args, "chunks", Number.POSITIVE_INFINITY);
const scifactFiles = numberArg(args, "scifact-files", 0);
const jobsFile = args.get("jobs");
const proposalOnly = args.has("proposal-only");
const rounds = Math.max(1, Math.floor(numberArg(args, "rounds", 4)));
const types = (args.get("types") ?? "docx,html,markdown,pdf").split(",").map((t) => t.trim());
const jsonOut = args.get("json") ?? join(RESULTS, `ingestion-throughput-${backend}.json`);
const DOCS = join(RAG, "documents");

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
  for (const f of evalDocumentFiles(types, scifactFiles)) await add(f.name, f.content, f.password);
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

type Sampler = ReturnType<typeof startRssSampler>;
type HandlerFactory = typeof serverHandler;

interface PhaseResult {
  chunks: number;
  seconds: number;
  rssBaselineMb: number;
  rssPeakMb: number;
  maxStallMs?: number;
  breakdown?: Breakdown;
  failed?: string[];
  perFile?: { name: string; chunks: number; seconds: number }[];
}

interface Breakdown {
  embedMs: number;
  embedCalls: number;
  dbMs: number;
  dbCalls: number;
  publishMs: number;
  publishCalls: number;
  storageMs: number;
  otherMs: number;
}
const zeroBreakdown = (): Breakdown => ({
  embedMs: 0,
  embedCalls: 0,
  dbMs: 0,
  dbCalls: 0,
  publishMs: 0,
  publishCalls: 0,
  storageMs: 0,
  otherMs: 0,
});

/** Runs `work` while a 5 ms timer ticks; returns the longest gap (how long nothing else could run). */
async function withStallMeter<T>(work: () => Promise<T>): Promise<{ value: T; maxStallMs: number }> {
  let maxStallMs = 0;
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    maxStallMs = Math.max(maxStallMs, now - last);
    last = now;
  }, 5);
  try {
    return { value: await work(), maxStallMs };
  } finally {
    clearInterval(ticker);
  }
}

/** (a) the model alone: the texts as one request (the pool sorts them by length into batches of 16). */
async function rawPhase(embedder: Embedder, texts: string[], rss: Sampler): Promise<PhaseResult> {
  const rssBaselineMb = await rss.reset();
  const t0 = performance.now();
  const vectors = await embedder.embed(texts);
  const seconds = (performance.now() - t0) / 1000;
  if (vectors.length !== texts.length) throw new Error("wrong number of vectors");
  return { chunks: texts.length, seconds, rssBaselineMb, rssPeakMb: await rss.peak() };
}

/** (a') the model alone, called as the ingestion job calls it: 32 texts of one document per request, in turn. */
async function raw32Phase(embedder: Embedder, files: BenchFile[], rss: Sampler): Promise<PhaseResult> {
  const rssBaselineMb = await rss.reset();
  const t0 = performance.now();
  let chunks = 0;
  for (const f of files) {
    for (let i = 0; i < f.chunks.length; i += 32) {
      const batch = f.chunks.slice(i, i + 32);
      await embedder.embed(batch);
      chunks += batch.length;
    }
  }
  return { chunks, seconds: (performance.now() - t0) / 1000, rssBaselineMb, rssPeakMb: await rss.peak() };
}

/** (b) uploads the files into the tenant, then runs the ingestion handler on each version in turn. */
async function ingestPhase(
  server: BenchServer,
  tenantId: string,
  factory: HandlerFactory,
  embedder: Embedder,
  files: BenchFile[],
  rss: Sampler,
): Promise<PhaseResult> {
  const { container, actor, database } = server;
  const uploaded: { id: string; versionId: string; name: string }[] = [];
  for (const f of files) {
    const doc = await container.services.documents.upload(actor, {
      tenantId,
      filename: f.name,
      stream: Readable.from([f.content]),
      password: f.password,
    });
    const row = await database.scoped({ tenantId }, (tx) => container.repos.documents.findDocument(doc.id, tx));
    if (!row?.latestVersionId) throw new Error(`no version for ${f.name}`);
    uploaded.push({ id: doc.id, versionId: row.latestVersionId, name: f.name });
  }
  const b = zeroBreakdown();
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
    // As container.ts wires it (short statements on the embedded database).
    statementChunks: database.kind === "embedded" ? 8 : undefined,
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
  const rssBaselineMb = await rss.reset();
  const perFile: { name: string; chunks: number; seconds: number }[] = [];
  const t0 = performance.now();
  const { maxStallMs } = await withStallMeter(async () => {
    for (const u of uploaded) {
      const t = performance.now();
      // As the last attempt: a failure marks the document failed (reported) instead of retrying.
      await handler({ data: { versionId: u.versionId }, retryCount: 4, retryLimit: 4 }).catch(() => undefined);
      perFile.push({ name: u.name, chunks: 0, seconds: round((performance.now() - t) / 1000, 2) });
    }
  });
  const seconds = (performance.now() - t0) / 1000;
  const rssPeakMb = await rss.peak();
  let chunks = 0;
  const failed: string[] = [];
  for (const [i, u] of uploaded.entries()) {
    const row = await database.scoped({ tenantId }, (tx) => container.repos.documents.findDocument(u.id, tx));
    const n = row?.chunkCount ?? 0;
    chunks += n;
    (perFile[i] as { chunks: number }).chunks = n;
    if (row?.status !== "ready") failed.push(`${u.name}: ${row?.status} ${row?.errorMessage ?? ""}`);
  }
  b.otherMs = seconds * 1000 - b.dbMs - b.embedMs - b.storageMs - b.publishMs;
  return { chunks, seconds, rssBaselineMb, rssPeakMb, maxStallMs, breakdown: b, failed, perFile };
}

/** Files into `rounds` groups of about equal chunk counts (largest first, each to the smallest group). */
function partition(files: BenchFile[], rounds: number): BenchFile[][] {
  const groups: { files: BenchFile[]; chunks: number }[] = Array.from({ length: rounds }, () => ({
    files: [],
    chunks: 0,
  }));
  for (const f of [...files].sort((a, b) => b.chunks.length - a.chunks.length)) {
    const g = groups.reduce((min, x) => (x.chunks < min.chunks ? x : min));
    g.files.push(f);
    g.chunks += f.chunks.length;
  }
  return groups.map((g) => g.files);
}

interface MethodTotal {
  method: string;
  chunks: number;
  seconds: number;
  chunksPerSec: number;
  rounds: { round: number; chunks: number; seconds: number; chunksPerSec: number }[];
  rssPeakMb: number;
  rssBaselineMb: number;
  maxStallMs?: number;
  breakdown?: Breakdown;
  failed: string[];
  slowest: { name: string; chunks: number; seconds: number }[];
}

interface ChildRequest {
  files: (Omit<BenchFile, "content"> & { content: string })[];
  rounds: number;
}

interface ChildResult {
  embedderWorkers: number;
  embedderBackend: string;
  rssAfterStartMb: number;
  totals: MethodTotal[];
  processMaxRssMb: number;
}

/**
 * The server side, in its own process: container, embedder, database. The files are split into
 * rounds; each round runs every method on its share (raw, raw in job-sized requests, the server's
 * handler, the proposal), the order rotated from round to round, so the machine's load drift (it is
 * shared) falls on every method alike.
 */
async function runServer(req: ChildRequest): Promise<ChildResult> {
  const files: BenchFile[] = req.files.map((f) => ({ ...f, content: Buffer.from(f.content, "base64") }));
  const log = (m: string) => process.send?.({ log: m });
  // The server's own embedder configuration (container.ts): local model, default workers and batch.
  const embedder = createEmbedder({ kind: "local" });
  const server = await startBenchServer(backend, { embedder, inMemory: args.has("in-memory") });
  const rss = startRssSampler();
  try {
    const local = embedder as unknown as { ready(): Promise<void>; stats(): { workers: number; backend?: string } };
    await local.ready();
    await embedder.embed(files.flatMap((f) => f.chunks).slice(0, 64)); // warm-up
    const rssAfterStartMb = Math.round(rssNowMb());
    log(
      `embedder: ${local.stats().workers} worker(s), ${local.stats().backend}; server RSS after start-up ${rssAfterStartMb} MB`,
    );

    const proposal = jobsFile
      ? ((await import(resolve(jobsFile))) as { createIngestHandler: HandlerFactory }).createIngestHandler
      : undefined;
    const methods: { name: string; run: (group: BenchFile[]) => Promise<PhaseResult> }[] = [
      {
        name: "raw embedding (one request)",
        run: (g) =>
          rawPhase(
            embedder,
            g.flatMap((f) => f.chunks),
            rss,
          ),
      },
      { name: "raw embedding (32 per request)", run: (g) => raw32Phase(embedder, g, rss) },
    ];
    if (!proposalOnly) {
      const tenant = await server.createTenant("ingest server");
      methods.push({
        name: "ingestion: server handler",
        run: (g) => ingestPhase(server, tenant, serverHandler, embedder, g, rss),
      });
    }
    if (proposal) {
      const tenant = await server.createTenant("ingest proposal");
      methods.push({
        name: `ingestion: ${basename(jobsFile as string)}`,
        run: (g) => ingestPhase(server, tenant, proposal, embedder, g, rss),
      });
    }
    const totals = new Map<string, MethodTotal>(
      methods.map((m) => [
        m.name,
        {
          method: m.name,
          chunks: 0,
          seconds: 0,
          chunksPerSec: 0,
          rounds: [],
          rssPeakMb: 0,
          rssBaselineMb: 0,
          failed: [],
          slowest: [],
        },
      ]),
    );
    const groups = partition(files, req.rounds);
    for (const [r, group] of groups.entries()) {
      const order = methods.map((_, i) => methods[(i + r) % methods.length] as (typeof methods)[number]);
      log(
        `round ${r + 1}/${groups.length}: ${group.length} files, ${group.reduce((n, f) => n + f.chunks.length, 0)} chunks`,
      );
      for (const m of order) {
        const res = await m.run(group);
        const t = totals.get(m.name) as MethodTotal;
        t.chunks += res.chunks;
        t.seconds += res.seconds;
        t.rounds.push({
          round: r + 1,
          chunks: res.chunks,
          seconds: round(res.seconds, 1),
          chunksPerSec: round(res.chunks / res.seconds, 2),
        });
        t.rssPeakMb = Math.max(t.rssPeakMb, Math.round(res.rssPeakMb));
        if (r === 0) t.rssBaselineMb = Math.round(res.rssBaselineMb);
        if (res.maxStallMs !== undefined) t.maxStallMs = Math.max(t.maxStallMs ?? 0, Math.round(res.maxStallMs));
        if (res.breakdown) {
          t.breakdown ??= zeroBreakdown();
          for (const k of Object.keys(res.breakdown) as (keyof Breakdown)[]) t.breakdown[k] += res.breakdown[k];
        }
        t.failed.push(...(res.failed ?? []));
        t.slowest = [...t.slowest, ...(res.perFile ?? [])].sort((a, b) => b.seconds - a.seconds).slice(0, 5);
        log(
          `  ${m.name}: ${round(res.chunks / res.seconds, 2)} chunks/s (${round(res.seconds, 1)} s), peak RSS ${Math.round(res.rssPeakMb)} MB`,
        );
      }
    }
    for (const t of totals.values()) t.chunksPerSec = round(t.chunks / t.seconds, 2);
    return {
      embedderWorkers: local.stats().workers,
      embedderBackend: local.stats().backend ?? "?",
      rssAfterStartMb,
      totals: [...totals.values()],
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
      .join(", ")}), ${rounds} interleaved rounds`,
  );
  const r = await inChild({ files: files.map((f) => ({ ...f, content: f.content.toString("base64") })), rounds });
  const raw = r.totals[0] as MethodTotal;
  const raw32 = r.totals[1] as MethodTotal;
  const pct = (x: number, ref: number) => `${round((100 * x) / ref, 1)}%`;

  console.log(
    `\nIngestion vs raw embedding (${backend}, ${texts.length} chunks, ${files.length} files, ${rounds} rounds)`,
  );
  console.log(
    table(
      ["method", "chunks/s", "seconds", "vs raw", "vs raw 32/request", "peak RSS MB", "max event-loop stall ms"],
      r.totals.map((t) => [
        t.method,
        t.chunksPerSec,
        round(t.seconds, 1),
        pct(t.chunksPerSec, raw.chunksPerSec),
        pct(t.chunksPerSec, raw32.chunksPerSec),
        t.rssPeakMb,
        t.maxStallMs ?? "",
      ]),
    ),
  );
  console.log(
    `per round (chunks/s): ${r.totals.map((t) => `${t.method}: ${t.rounds.map((x) => x.chunksPerSec).join(" / ")}`).join("; ")}`,
  );
  console.log(
    `server process: RSS after start-up ${r.rssAfterStartMb} MB, kernel max RSS over the run ${r.processMaxRssMb} MB; embedder ${r.embedderWorkers} worker(s), ${r.embedderBackend}`,
  );
  console.log("targets: ingestion ≥ 85% of raw embedding; peak RSS while ingesting < 1024 MB");
  const ing = r.totals.filter((t) => t.breakdown);
  console.log(
    "\nWhere the ingestion time goes (seconds, summed over rounds; the server's handler awaits each step in turn)",
  );
  console.log(
    table(
      [
        "method",
        "total",
        "embed calls",
        "db transactions",
        "publish status",
        "storage",
        "parse+chunk+other",
        "embeds",
        "db tx",
        "publishes",
      ],
      ing.map((t) => {
        const b = t.breakdown as Breakdown;
        return [
          t.method,
          round(t.seconds, 1),
          round(b.embedMs / 1000, 1),
          round(b.dbMs / 1000, 1),
          round(b.publishMs / 1000, 1),
          round(b.storageMs / 1000, 2),
          round(b.otherMs / 1000, 1),
          b.embedCalls,
          b.dbCalls,
          b.publishCalls,
        ];
      }),
    ),
  );
  for (const t of ing) {
    if (t.failed.length) console.log(`not ready (${t.method}): ${t.failed.join("; ")}`);
    console.log(
      `slowest files (${t.method}): ${t.slowest.map((f) => `${f.name} ${f.chunks} chunks ${f.seconds} s`).join(", ")}`,
    );
  }
  const result = {
    benchmark: "ingestion-throughput",
    date: new Date(),
    backend,
    machine: machine(),
    rounds,
    files: files.map((f) => ({ name: f.name, type: f.type, chunks: f.chunks.length })),
    chunks: texts.length,
    ...r,
    ratios: Object.fromEntries(
      ing.map((t) => [
        t.method,
        { vsRaw: round(t.chunksPerSec / raw.chunksPerSec, 3), vsRaw32: round(t.chunksPerSec / raw32.chunksPerSec, 3) },
      ]),
    ),
  };
  writeFileSync(jsonOut, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\n${machineLine()}\nresults: ${jsonOut}`);
}

if (!existsSync(RESULTS)) console.log(`(results go to ${RESULTS})`);
await main();
