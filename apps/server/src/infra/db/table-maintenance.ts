/**
 * Autovacuum for the embedded database. PGlite runs no background workers, so without this its
 * tables are never vacuumed or analyzed:
 * - every updated or deleted row stays in the table and its indexes (each chat answer is written
 *   twice, each re-indexed document replaces its chunks), so tables and indexes only grow;
 * - planner statistics stay those of the last ANALYZE, and PGlite keeps each prepared statement's
 *   plan for the connection's life: a plan made while a table was small may scan it whole forever.
 *   ANALYZE both refreshes the statistics and makes those plans be made again.
 * - transaction ids are never frozen, and PostgreSQL refuses writes near their wraparound.
 *
 * A pass reads each table's counters (pg_stat_user_tables) and applies PostgreSQL's own autovacuum
 * rules with its default thresholds; the database-wide VACUUM comes when the oldest unfrozen
 * transaction id is older than `vacuum_freeze_table_age`. Statements run one at a time on the one
 * connection (each blocks the event loop while it runs: its time is logged). PostgreSQL's
 * autovacuum does all this itself, so nothing runs there.
 *
 * Tables with an HNSW index (the chunks' vectors) are the exception. Removing dead rows from an
 * HNSW index rewires the graph around each one: 386 s for 25k dead rows of 100k (measured, see
 * docs/BENCHMARKS.md), all of it blocking the one thread. So their VACUUM skips index cleanup
 * (INDEX_CLEANUP OFF: the heap is pruned, frozen and its visibility map set, in about a second),
 * and dead rows do not trigger it: they stay counted as dead until the index is cleaned, and would
 * trigger it every pass. Searches skip the dead entries; `npm run db:rebuild-vector-index` rebuilds the
 * index offline when many documents were replaced or deleted.
 */
import type { Database } from "./database";

/** PostgreSQL's autovacuum defaults (postgresql.conf). */
export const AUTOVACUUM = {
  vacuumThreshold: 50,
  vacuumScaleFactor: 0.2,
  vacuumInsertThreshold: 1000,
  vacuumInsertScaleFactor: 0.2,
  analyzeThreshold: 50,
  analyzeScaleFactor: 0.1,
  /** vacuum_freeze_table_age: a whole-database VACUUM beyond this transaction id age. */
  freezeTableAge: 150_000_000,
};

export interface TableCounters {
  schema: string;
  table: string;
  /** pg_class.reltuples: the row estimate of the last VACUUM or ANALYZE (-1: never). */
  reltuples: number;
  live: number;
  dead: number;
  modifiedSinceAnalyze: number;
  insertedSinceVacuum: number;
  /** The table has an HNSW index: its VACUUM skips index cleanup (see above). */
  hnsw: boolean;
}

export interface MaintenanceStep {
  schema: string;
  table: string;
  vacuum: boolean;
  analyze: boolean;
  /** VACUUM leaves the indexes alone (INDEX_CLEANUP OFF). */
  skipIndexes: boolean;
}

/** The tables autovacuum would process now, and how. */
export function tablesDue(tables: TableCounters[], limits = AUTOVACUUM): MaintenanceStep[] {
  const steps: MaintenanceStep[] = [];
  for (const t of tables) {
    const rows = t.reltuples >= 0 ? t.reltuples : t.live;
    const vacuum =
      (!t.hnsw && t.dead > limits.vacuumThreshold + limits.vacuumScaleFactor * rows) ||
      t.insertedSinceVacuum > limits.vacuumInsertThreshold + limits.vacuumInsertScaleFactor * rows;
    const analyze = t.modifiedSinceAnalyze > limits.analyzeThreshold + limits.analyzeScaleFactor * rows;
    if (vacuum || analyze) steps.push({ schema: t.schema, table: t.table, vacuum, analyze, skipIndexes: t.hnsw });
  }
  return steps;
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** The statement for a step: VACUUM (with its options) or ANALYZE of one table. */
export function maintenanceStatement(step: MaintenanceStep): string {
  const table = `${ident(step.schema)}.${ident(step.table)}`;
  if (!step.vacuum) return `ANALYZE ${table}`;
  const options = [...(step.skipIndexes ? ["INDEX_CLEANUP OFF"] : []), ...(step.analyze ? ["ANALYZE"] : [])];
  return options.length ? `VACUUM (${options.join(", ")}) ${table}` : `VACUUM ${table}`;
}

/**
 * The whole-database VACUUM that freezes old transaction ids. It skips index cleanup everywhere,
 * as PostgreSQL's own wraparound failsafe does: the freezing is what cannot wait, and the tables'
 * own passes clean their indexes.
 */
const FREEZE_STATEMENT = "VACUUM (INDEX_CLEANUP OFF)";

export interface MaintenanceRun {
  statement: string;
  ms: number;
}

/**
 * One pass over the embedded database: every table due, then the whole database when its oldest
 * transaction id needs freezing. Returns what ran. Does nothing on PostgreSQL.
 */
export async function maintainTables(database: Database, limits = AUTOVACUUM): Promise<MaintenanceRun[]> {
  const { maintain } = database;
  if (!maintain) return [];
  // The counters this session has not reported yet are reported when this statement ends.
  await database.runner.query("select pg_stat_force_next_flush()");
  const counters = await database.runner.query(
    `select s.schemaname as schema, s.relname as "table", c.reltuples::float8 as reltuples,
            s.n_live_tup as live, s.n_dead_tup as dead, s.n_mod_since_analyze as modified,
            s.n_ins_since_vacuum as inserted,
            exists (select 1 from pg_index i join pg_class ic on ic.oid = i.indexrelid
                      join pg_am a on a.oid = ic.relam
                     where i.indrelid = s.relid and a.amname = 'hnsw') as hnsw
       from pg_stat_user_tables s join pg_class c on c.oid = s.relid
      order by s.schemaname, s.relname`,
  );
  const steps = tablesDue(
    counters.map((r) => ({
      schema: String(r.schema),
      table: String(r.table),
      reltuples: Number(r.reltuples),
      live: Number(r.live),
      dead: Number(r.dead),
      modifiedSinceAnalyze: Number(r.modified),
      insertedSinceVacuum: Number(r.inserted),
      hnsw: r.hnsw === true,
    })),
    limits,
  );
  const statements = steps.map(maintenanceStatement);
  const [age] = await database.runner.query(
    "select age(datfrozenxid)::int8 as age from pg_database where datname = current_database()",
  );
  if (Number(age?.age ?? 0) > limits.freezeTableAge) statements.push(FREEZE_STATEMENT);
  return runTimed(maintain, statements);
}

/** Runs the statements one after the other through `maintain`, timing each; `report` hears of each. */
async function runTimed(
  maintain: (statement: string) => Promise<void>,
  statements: string[],
  report?: (run: MaintenanceRun | { statement: string; ms?: undefined }) => void,
): Promise<MaintenanceRun[]> {
  const runs: MaintenanceRun[] = [];
  for (const statement of statements) {
    report?.({ statement });
    const t = performance.now();
    await maintain(statement);
    const run = { statement, ms: Math.round(performance.now() - t) };
    report?.(run);
    runs.push(run);
  }
  return runs;
}

/** The index of the chunks' vectors (migration 0006). */
export const VECTOR_INDEX = { schema: "public", table: "chunks", index: "chunks_embedding_idx" };

/**
 * Embedded, offline: rebuilds the vector index (without its dead entries) and then vacuums the
 * chunks table with index cleanup, which is quick once the index holds nothing dead. `memory` is
 * maintenance_work_mem for the build (a graph larger than it builds far slower). Each step is
 * reported before it starts and with its time when done.
 */
export async function rebuildVectorIndex(
  database: Database,
  opts: { memory: string; report: (line: string) => void },
): Promise<MaintenanceRun[]> {
  const { maintain } = database;
  if (!maintain) throw new Error("rebuildVectorIndex is for the embedded database");
  if (!/^\d+\s*(kB|MB|GB)$/.test(opts.memory)) throw new Error(`memory must be like 512MB, not ${opts.memory}`);
  const table = `${ident(VECTOR_INDEX.schema)}.${ident(VECTOR_INDEX.table)}`;
  const steps = [
    `SET maintenance_work_mem = '${opts.memory}'`,
    `REINDEX INDEX ${ident(VECTOR_INDEX.schema)}.${ident(VECTOR_INDEX.index)}`,
    "RESET maintenance_work_mem",
    `VACUUM (ANALYZE) ${table}`,
  ];
  return runTimed(maintain, steps, ({ statement, ms }) =>
    opts.report(ms === undefined ? `${statement} …` : `${statement}: done in ${(ms / 1000).toFixed(1)} s`),
  );
}
