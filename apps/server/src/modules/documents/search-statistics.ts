/**
 * Refreshes the planner statistics of the search tables after enough new chunks, for the embedded
 * database: PGlite has no autovacuum, and without statistics the planner skips the HNSW and GIN
 * indexes (measured: 1.2 s per search over 100k chunks instead of ~35 ms). The first refresh comes
 * after `minRows` chunks, later ones when the chunks written since reach `share` of those analysed.
 * One refresh at a time; PostgreSQL's autovacuum does this by itself, so the server uses it there.
 */
export function createSearchAnalyzer(analyze: () => Promise<void>, opts = { minRows: 1000, share: 0.2 }) {
  let pending = 0;
  let analysed = 0;
  let running = false;
  return async (chunksWritten: number): Promise<void> => {
    pending += chunksWritten;
    if (running || pending < Math.max(opts.minRows, analysed * opts.share)) return;
    running = true;
    analysed += pending;
    pending = 0;
    try {
      await analyze();
    } finally {
      running = false;
    }
  };
}
