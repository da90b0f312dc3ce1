/**
 * Throughput of the local embedding model (Universal Sentence Encoder lite in worker threads).
 *
 * Embeds ~500 sentences cut from the SciFact abstracts in ../shared/evals/rag/scifact/corpus.jsonl
 * (and, with --texts=passages, whole abstracts, which the model reads up to 128 tokens: what
 * document ingestion sends) as one request, for each worker count and batch size, and prints
 * texts/s (best and mean of the runs), texts per CPU-second (which other load on the machine barely
 * moves), model load time and peak RSS. Each configuration runs in a fresh child process, so its
 * peak RSS is its own. A benchmark, not a test: it prints figures and never fails on them.
 *
 *   npx tsx bench/embeddings-throughput.ts
 *   npx tsx bench/embeddings-throughput.ts --workers=1,2 --batch=1,8,16,32,64 --repeat=3 --texts=sentences,passages
 *
 * Options (also as BENCH_<NAME> environment variables):
 *   --workers=1,2          worker threads per configuration
 *   --batch=1,8,16,32,64   texts per model call
 *   --count=500            texts per run
 *   --repeat=2             measured runs per configuration (the machine is noisy: best and mean shown)
 *   --texts=sentences      sentences and/or passages
 *   --json=FILE            also write the figures as JSON
 */
import { fork } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { resolve } from "node:path";
import { listArg, numberArg, parseArgs, round, table } from "./lib";

const CORPUS = resolve(import.meta.dirname, "../../shared/evals/rag/scifact/corpus.jsonl");
const MB = 1024; // resourceUsage().maxRSS is in KiB

type TextKind = "sentences" | "passages";

interface ChildRequest {
  workers: number;
  batchSize: number;
  repeat: number;
  texts: string[];
}

interface ChildResult {
  /** From creating the embedder to all workers having loaded the model. */
  readyMs: number;
  /** The model load inside a worker, as it reports it. */
  workerLoadMs: number;
  backend: string;
  runsPerSec: number[];
  /** Texts per CPU-second of the whole process (all threads): unlike texts/s, other load on the machine barely moves it. */
  runsPerCpuSec: number[];
  baselineRssMb: number;
  peakRssMb: number;
}

function loadTexts(kind: TextKind, count: number): string[] {
  const docs = readFileSync(CORPUS, "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as { title: string; text: string });
  if (kind === "passages") return docs.slice(0, count).map((d) => `${d.title}. ${d.text}`);
  const sentences: string[] = [];
  for (const doc of docs) {
    for (const s of doc.text.split(/(?<=[.!?])\s+(?=[A-Z])/)) {
      if (s.trim().length >= 20) sentences.push(s.trim());
      if (sentences.length === count) return sentences;
    }
  }
  return sentences;
}

/** Runs one configuration; executed in a fresh child process. */
async function runChild(req: ChildRequest): Promise<ChildResult> {
  const { createLocalUseEmbedder } = await import("../apps/server/src/infra/embeddings/index");
  const baselineRssMb = process.resourceUsage().maxRSS / MB;
  const started = performance.now();
  const embedder = createLocalUseEmbedder({ workers: req.workers, batchSize: req.batchSize });
  await embedder.ready();
  const readyMs = performance.now() - started;
  const stats = embedder.stats();
  // Warm-up: the first calls compile the WebAssembly kernels' paths.
  await embedder.embed(req.texts.slice(0, Math.max(8, req.batchSize * req.workers)));
  const runsPerSec: number[] = [];
  const runsPerCpuSec: number[] = [];
  for (let r = 0; r < req.repeat; r++) {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const vectors = await embedder.embed(req.texts);
    const cpu = process.cpuUsage(cpu0);
    const seconds = (performance.now() - t0) / 1000;
    if (vectors.length !== req.texts.length) throw new Error("wrong number of vectors");
    runsPerSec.push(req.texts.length / seconds);
    runsPerCpuSec.push(req.texts.length / ((cpu.user + cpu.system) / 1e6));
  }
  await embedder.close();
  return {
    readyMs,
    workerLoadMs: stats.lastLoadMs ?? Number.NaN,
    backend: stats.backend ?? "?",
    runsPerSec,
    runsPerCpuSec,
    baselineRssMb,
    peakRssMb: process.resourceUsage().maxRSS / MB,
  };
}

function runInChild(req: ChildRequest): Promise<ChildResult> {
  return new Promise((resolvePromise, reject) => {
    const child = fork(process.argv[1] as string, ["--child"], { execArgv: process.execArgv, stdio: "inherit" });
    child.once("message", (msg: ChildResult | { error: string }) => {
      if ("error" in msg) reject(new Error(msg.error));
      else resolvePromise(msg);
    });
    child.once("exit", (code) => {
      if (code !== 0) reject(new Error(`child exited with ${code}`));
    });
    child.send(req);
  });
}

async function main() {
  if (process.argv.includes("--child")) {
    process.once("message", async (req: ChildRequest) => {
      try {
        process.send?.(await runChild(req));
      } catch (err) {
        process.send?.({ error: err instanceof Error ? err.stack : String(err) });
      }
      process.disconnect();
    });
    return;
  }

  const args = parseArgs();
  const workerCounts = listArg(args, "workers", [1, 2]);
  const batchSizes = listArg(args, "batch", [1, 8, 16, 32, 64]);
  const count = numberArg(args, "count", 500);
  const repeat = numberArg(args, "repeat", 2);
  const kinds = (args.get("texts") ?? "sentences").split(",") as TextKind[];
  if (!existsSync(CORPUS)) {
    console.log(`skipped: ${CORPUS} is absent (the shared evaluation data sits beside the repository)`);
    return;
  }

  const cpus = os.cpus();
  console.log(
    `machine: ${cpus.length} cores (${cpus[0]?.model ?? "?"}), Node ${process.version}, load ${os
      .loadavg()
      .map((x) => round(x, 2))
      .join(" ")}`,
  );
  const results: (ChildResult & { kind: TextKind; workers: number; batchSize: number; texts: number })[] = [];
  for (const kind of kinds) {
    const texts = loadTexts(kind, count);
    const avgChars = Math.round(texts.reduce((n, t) => n + t.length, 0) / texts.length);
    console.log(`\n${texts.length} ${kind} (mean ${avgChars} characters), ${repeat} runs per configuration`);
    const rows: (string | number)[][] = [];
    for (const workers of workerCounts) {
      for (const batchSize of batchSizes) {
        const r = await runInChild({ workers, batchSize, repeat, texts });
        results.push({ ...r, kind, workers, batchSize, texts: texts.length });
        const best = Math.max(...r.runsPerSec);
        const mean = r.runsPerSec.reduce((a, b) => a + b, 0) / r.runsPerSec.length;
        rows.push([
          workers,
          batchSize,
          round(best, 1),
          round(mean, 1),
          round(Math.max(...r.runsPerCpuSec), 1),
          Math.round(r.readyMs),
          Math.round(r.workerLoadMs),
          Math.round(r.baselineRssMb),
          Math.round(r.peakRssMb),
        ]);
        console.log(`  workers=${workers} batch=${batchSize}: ${round(best, 1)} texts/s (${r.backend})`);
      }
    }
    console.log(
      `\n${table(["workers", "batch", "best/s", "mean/s", "per CPU-s", "ready ms", "load ms", "base RSS MB", "peak RSS MB"], rows)}`,
    );
  }
  console.log(
    `\nload at end: ${os
      .loadavg()
      .map((x) => round(x, 2))
      .join(" ")}`,
  );
  const json = args.get("json");
  if (json) {
    writeFileSync(
      json,
      `${JSON.stringify({ benchmark: "embeddings-throughput", date: new Date(), results }, null, 2)}\n`,
    );
  }
}

await main();
