/**
 * `npm run db:rebuild-vector-index [-- --memory=512MB]`: on the embedded database, rebuilds the
 * index of the chunks' vectors and vacuums the chunks table, reclaiming what deleted and replaced
 * documents left there (the embedded autovacuum skips that index cleanup: see
 * infra/db/table-maintenance.ts). Run it with Atrium stopped: it opens the data directory itself.
 */
import { parseConfig } from "../config/config";
import { openDatabase } from "../infra/db/database";
import { rebuildVectorIndex, VECTOR_INDEX } from "../infra/db/table-maintenance";

async function main() {
  const memory = process.argv.find((a) => a.startsWith("--memory="))?.slice("--memory=".length) ?? "512MB";
  const { config, problems } = parseConfig(process.env);
  if (!config) {
    console.error("The configuration has problems:");
    for (const p of problems) console.error(`  - ${p}`);
    process.exit(2);
  }
  if (config.DATABASE_URL) {
    console.log(
      "PostgreSQL's autovacuum cleans the vector index itself. To rebuild it anyway, without stopping " +
        `Atrium, run in psql: REINDEX INDEX CONCURRENTLY ${VECTOR_INDEX.index};`,
    );
    return;
  }
  const database = await openDatabase({
    dataDir: config.ATRIUM_DATA_DIR,
    sharedBuffers: config.EMBEDDED_SHARED_BUFFERS,
  });
  try {
    const [row] = await database.runner.query(
      `select count(*)::int8 as chunks, pg_size_pretty(pg_relation_size('${VECTOR_INDEX.index}')) as size from ${VECTOR_INDEX.table}`,
    );
    console.log(
      `${row?.chunks} chunks, vector index ${row?.size}: rebuilding (about 0.7 s per 1000 chunks on 2 cores)`,
    );
    await rebuildVectorIndex(database, { memory, report: (line) => console.log(line) });
    const [after] = await database.runner.query(
      `select pg_size_pretty(pg_relation_size('${VECTOR_INDEX.index}')) as size`,
    );
    console.log(`Done: vector index ${after?.size}.`);
  } finally {
    await database.close();
  }
}

main().catch((err) => {
  console.error("Could not rebuild the vector index:", err instanceof Error ? err.message : err);
  process.exit(1);
});
