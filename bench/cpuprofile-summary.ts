/**
 * Summarises a V8 CPU profile (from `npx tsx bench/chat-overhead.ts --cpu-prof`): self time by
 * package / area and the top functions, plus inclusive time of the app's own functions.
 *
 *   npx tsx bench/cpuprofile-summary.ts bench/results/prof/server-embedded-….cpuprofile [--top=30] [--from=S] [--to=S]
 */
import { readFileSync } from "node:fs";
import { numberArg, parseArgs, round, table } from "./lib";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const files = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const args = parseArgs(process.argv.slice(2).filter((a) => a.startsWith("--")));
const top = numberArg(args, "top", 30);
if (files.length === 0) throw new Error("usage: npx tsx bench/cpuprofile-summary.ts <file.cpuprofile> [--top=30]");

/** Which area a frame belongs to. */
function area(url: string, fn: string): string {
  if (fn === "(idle)") return "(idle)";
  if (fn === "(garbage collector)") return "(garbage collector)";
  if (fn === "(program)") return "(program: native, not JS)";
  if (!url) return "(native / builtins)";
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1] as string;
  const app = /apps\/server\/src\/(.+)$/.exec(url);
  if (app) return `app: ${(app[1] as string).split("/").slice(0, -1).join("/") || "."}`;
  if (url.includes("packages/contracts")) return "@atrium/contracts";
  if (url.startsWith("node:")) return `node: ${url.slice(5).split("/")[0]}`;
  return url.replace(/^file:\/\//, "");
}

for (const file of files) {
  const p = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  // --from=S / --to=S: only samples between S seconds after the profile's start (e.g. the timed
  // window, leaving out start-up and set-up).
  const fromUs = numberArg(args, "from", 0) * 1e6;
  const toUs = numberArg(args, "to", Number.POSITIVE_INFINITY) * 1e6;
  let at = 0;
  p.samples.forEach((id, i) => {
    const delta = p.timeDeltas[i] ?? 0;
    at += delta;
    if (at < fromUs || at > toUs) return;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  });
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const idle = [...selfUs.entries()]
    .filter(([id]) => byId.get(id)?.callFrame.functionName === "(idle)")
    .reduce((a, [, v]) => a + v, 0);
  const busy = total - idle;

  const areas = new Map<string, number>();
  const fns = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const n = byId.get(id) as Node;
    const a = area(n.callFrame.url, n.callFrame.functionName);
    areas.set(a, (areas.get(a) ?? 0) + us);
    const key = `${n.callFrame.functionName || "(anonymous)"} ${a}:${n.callFrame.lineNumber + 1}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
    // Inclusive time of app functions: walk up once per distinct app frame on the stack.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = (byId.get(cur) as Node).callFrame;
      const m = /apps\/server\/src\/(.+)$/.exec(f.url);
      if (!m) continue;
      const k = `${f.functionName || "(anonymous)"} ${m[1]}:${f.lineNumber + 1}`;
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + us);
    }
  }
  const pct = (us: number) => `${round((us / busy) * 100, 1)}%`;
  const ms = (us: number) => round(us / 1000, 0);
  console.log(`\n${file}\n  profiled ${ms(total)} ms, busy (not idle) ${ms(busy)} ms; percentages are of busy time`);
  const sorted = (m: Map<string, number>) =>
    [...m.entries()].filter(([k]) => k !== "(idle)").sort((a, b) => b[1] - a[1]);
  console.log(
    `\nSelf time by area\n${table(
      ["area", "ms", "share"],
      sorted(areas)
        .slice(0, top)
        .map(([k, v]) => [k, ms(v), pct(v)]),
    )}`,
  );
  console.log(
    `\nTop functions (self)\n${table(
      ["function", "ms", "share"],
      sorted(fns)
        .slice(0, top)
        .map(([k, v]) => [k, ms(v), pct(v)]),
    )}`,
  );
  console.log(
    `\nApp functions (inclusive)\n${table(
      ["function", "ms", "share"],
      sorted(inclusive)
        .slice(0, top)
        .map(([k, v]) => [k, ms(v), pct(v)]),
    )}`,
  );
}
