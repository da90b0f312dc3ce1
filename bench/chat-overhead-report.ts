/**
 * Prints the result files of bench/chat-overhead.ts as Markdown tables (for docs/BENCHMARKS.md).
 *
 *   npx tsx bench/chat-overhead-report.ts bench/results/chat-overhead-embedded.json bench/results/chat-overhead-postgres.json
 */
import { readFileSync } from "node:fs";

interface Run {
  mode: "open" | "closed";
  sessions: number;
  run: number;
  messages: number;
  throughput: number;
  created: { p50: number };
  done: { p50: number; p90: number; p99: number; max: number };
  errors: Record<string, number>;
  failed: number;
  deferred: number;
  unfinished: number;
  server: { rssMB: number; rssPeakMB: number; cpuMsPerMessage: number; eventLoopUtilization: number };
}
interface Result {
  options: { backend: string; rate: number; duration: number; repeat: number; src?: string };
  code?: { commit?: string; src: string; label?: string | null };
  machine: { cpus: number; node: string; loadavgAtStart: number[] };
  loadavgAtEnd: number[];
  summary: { mode: string; sessions: number; best: number }[];
  runs: Run[];
}

const files = process.argv.slice(2);
if (files.length === 0) throw new Error("usage: npx tsx bench/chat-overhead-report.ts <result.json>…");

console.log(
  "| backend | mode | sessions | msgs | msg/s | created p50 | done p50 | p90 | p99 | max | runs (p50 / p99) | deferred | errors | RSS MB (peak) | CPU ms/msg |",
);
console.log("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|");
for (const file of files) {
  const r = JSON.parse(readFileSync(file, "utf8")) as Result;
  for (const s of r.summary) {
    const runs = r.runs.filter((x) => x.mode === s.mode && x.sessions === s.sessions);
    const b = runs.find((x) => x.run === s.best) as Run;
    const errors = Object.values(b.errors).reduce((a, c) => a + c, 0) + b.failed + b.unfinished;
    const mode = s.mode === "open" ? `open, ${r.options.rate}/s per session` : "closed (saturation)";
    console.log(
      `| ${r.options.backend} | ${mode} | ${s.sessions} | ${b.messages} | ${b.throughput} | ${b.created.p50} | **${b.done.p50}** | ${b.done.p90} | **${b.done.p99}** | ${b.done.max} | ${runs.map((x) => `${x.done.p50} / ${x.done.p99}`).join("; ")} | ${b.deferred} | ${errors} | ${b.server.rssMB} (${b.server.rssPeakMB}) | ${b.server.cpuMsPerMessage} |`,
    );
  }
}
console.log();
for (const file of files) {
  const r = JSON.parse(readFileSync(file, "utf8")) as Result;
  console.log(
    `- ${file}: ${r.options.backend}, code ${r.code?.label ?? r.code?.commit ?? "?"} (${r.code?.src ?? r.options.src ?? "apps/server/src"}), ${r.machine.cpus} cores, Node ${r.machine.node}, load average ${r.machine.loadavgAtStart.join(" ")} at start, ${r.loadavgAtEnd.join(" ")} at end`,
  );
}
