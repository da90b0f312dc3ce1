/** One line of a unified diff, with its line numbers in the old and new text (absent on the side it is missing from). */
export interface DiffLine {
  kind: "same" | "added" | "removed";
  text: string;
  oldNumber?: number;
  newNumber?: number;
}

/** One row of a side-by-side diff: the old line on the left, the new one on the right. */
export interface SplitRow {
  left?: DiffLine;
  right?: DiffLine;
}

/** Above this many cells the LCS table would take too long; the middle is then shown as replaced. */
const MAX_TABLE_CELLS = 4_000_000;

function splitLines(text: string): string[] {
  if (text === "") return [];
  return text.replace(/\r\n?/g, "\n").split("\n");
}

/**
 * Line diff of two texts by longest common subsequence: lines kept in both are "same", the rest
 * "removed" (old only) or "added" (new only), removals before additions where lines were replaced.
 * Shared leading and trailing lines are matched first, so small edits of long prompts stay cheap.
 */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = splitLines(before);
  const b = splitLines(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }

  const out: DiffLine[] = [];
  for (let i = 0; i < start; i++) out.push({ kind: "same", text: a[i] ?? "", oldNumber: i + 1, newNumber: i + 1 });

  const n = endA - start;
  const m = endB - start;
  if (n * m > MAX_TABLE_CELLS) {
    for (let i = 0; i < n; i++) out.push({ kind: "removed", text: a[start + i] ?? "", oldNumber: start + i + 1 });
    for (let j = 0; j < m; j++) out.push({ kind: "added", text: b[start + j] ?? "", newNumber: start + j + 1 });
  } else {
    // lcs[i * (m + 1) + j]: length of the LCS of a[start+i..endA) and b[start+j..endB).
    const width = m + 1;
    const lcs = new Uint32Array((n + 1) * width);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * width + j] =
          a[start + i] === b[start + j]
            ? (lcs[(i + 1) * width + j + 1] ?? 0) + 1
            : Math.max(lcs[(i + 1) * width + j] ?? 0, lcs[i * width + j + 1] ?? 0);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[start + i] === b[start + j]) {
        out.push({ kind: "same", text: a[start + i] ?? "", oldNumber: start + i + 1, newNumber: start + j + 1 });
        i++;
        j++;
      } else if (j >= m || (i < n && (lcs[(i + 1) * width + j] ?? 0) >= (lcs[i * width + j + 1] ?? 0))) {
        out.push({ kind: "removed", text: a[start + i] ?? "", oldNumber: start + i + 1 });
        i++;
      } else {
        out.push({ kind: "added", text: b[start + j] ?? "", newNumber: start + j + 1 });
        j++;
      }
    }
  }

  for (let k = 0; k < a.length - endA; k++) {
    out.push({ kind: "same", text: a[endA + k] ?? "", oldNumber: endA + k + 1, newNumber: endB + k + 1 });
  }
  return out;
}

/** How many lines a diff adds and removes. */
export function diffStats(lines: readonly DiffLine[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const line of lines) {
    if (line.kind === "added") added++;
    else if (line.kind === "removed") removed++;
  }
  return { added, removed };
}

/**
 * Pairs a unified diff into side-by-side rows: unchanged lines face themselves, and each run of
 * removals faces the additions that follow it, line by line.
 */
export function toSplitRows(lines: readonly DiffLine[]): SplitRow[] {
  const rows: SplitRow[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (!line) break;
    if (line.kind === "same") {
      rows.push({ left: line, right: line });
      i++;
      continue;
    }
    const removed: DiffLine[] = [];
    const added: DiffLine[] = [];
    while (lines[i]?.kind === "removed") removed.push(lines[i++] as DiffLine);
    while (lines[i]?.kind === "added") added.push(lines[i++] as DiffLine);
    for (let k = 0; k < Math.max(removed.length, added.length); k++) rows.push({ left: removed[k], right: added[k] });
  }
  return rows;
}
