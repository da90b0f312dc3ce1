import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase, rowsOf } from "../src/infra/db/database";
import { tenants } from "../src/infra/db/schema";
import { maintainTables, rebuildVectorIndex } from "../src/infra/db/table-maintenance";
import { backends } from "./backends";

// Embedded only: PostgreSQL's autovacuum does this by itself (maintainTables does nothing there).
describe("table maintenance on the embedded database", () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ dataDir: "", inMemory: true });
  });
  afterAll(() => database?.close());

  const currentUser = async () => rowsOf<{ u: string }>(await database.db.execute(sql`select current_user as u`))[0]?.u;
  const counters = async (table: string) =>
    (
      await database.runner.query(
        "select n_dead_tup as dead, n_mod_since_analyze as modified, last_vacuum, last_analyze from pg_stat_user_tables where relname = $1",
        [table],
      )
    )[0] as { dead: number; modified: number; last_vacuum: Date | null; last_analyze: Date | null };

  it("runs maintenance as the owner and is the app role again afterwards, also when it fails", async () => {
    expect(await currentUser()).toBe("atrium_app");
    // The app role may not analyze a table it does not own; maintain may.
    await database.maintain?.('ANALYZE "public"."tenants"');
    expect(await currentUser()).toBe("atrium_app");
    await expect(database.maintain?.('VACUUM "public"."no_such_table"')).rejects.toThrow(/no_such_table/);
    expect(await currentUser()).toBe("atrium_app");
    // And not inside someone's transaction: VACUUM refuses to run in one.
    await Promise.all([
      database.scoped({ bypass: true }, (tx) => tx.execute(sql`select pg_sleep(0.05)`)),
      database.maintain?.('VACUUM "public"."tenants"'),
    ]);
  });

  it("vacuums and analyzes what autovacuum would, and a plan kept from a small table is made again", async () => {
    const [first] = await database.scoped({ bypass: true }, (tx) =>
      tx.insert(tenants).values({ name: "Probe", slug: "probe" }).returning(),
    );
    if (!first) throw new Error("no tenant");
    // The scans one drizzle statement (prepared, its plan kept) makes, in one transaction.
    const scansOfLookup = () =>
      database.scoped({ bypass: true }, async (tx) => {
        const read = async () =>
          rowsOf<{ seq: number; idx: number }>(
            await tx.execute(
              sql`select seq_scan as seq, idx_scan as idx from pg_stat_xact_user_tables where relname = 'tenants'`,
            ),
          )[0] ?? { seq: 0, idx: 0 };
        const before = await read();
        expect(await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, first.id))).toHaveLength(1);
        const after = await read();
        return { seq: Number(after.seq) - Number(before.seq), idx: Number(after.idx) - Number(before.idx) };
      });
    // Statistics of a one-page table (as after the first ANALYZE): a plan scans it, and after five
    // runs that plan is kept.
    await database.maintain?.('ANALYZE "public"."tenants"');
    for (let i = 0; i < 6; i++) await scansOfLookup();
    expect(await scansOfLookup()).toEqual({ seq: 1, idx: 0 });

    // The table grows (and churns): the kept plan still scans it all.
    await database.maintain?.(
      "insert into tenants (name, slug) select 'T' || g, 't-' || g from generate_series(1, 5000) g",
    );
    await database.maintain?.("update tenants set name = name || '!' where slug like 't-1%'");
    expect(await scansOfLookup()).toEqual({ seq: 1, idx: 0 });
    await database.runner.query("select pg_stat_force_next_flush()");
    const stale = await counters("tenants");
    expect(Number(stale.dead)).toBeGreaterThan(1000);

    const runs = await maintainTables(database);
    expect(runs.map((r) => r.statement)).toContain('VACUUM (ANALYZE) "public"."tenants"');
    const fresh = await counters("tenants");
    expect(Number(fresh.dead)).toBe(0);
    expect(fresh.last_vacuum).not.toBeNull();
    expect(fresh.last_analyze).not.toBeNull();
    // ANALYZE made the kept plan be made again, now with the index.
    expect(await scansOfLookup()).toEqual({ seq: 0, idx: 1 });
    // Nothing is due any more.
    expect((await maintainTables(database)).map((r) => r.statement)).not.toContain(
      'VACUUM (ANALYZE) "public"."tenants"',
    );
  });

  it("vacuums a table with an HNSW index without index cleanup, and only once", async () => {
    const maintain = database.maintain;
    if (!maintain) throw new Error("embedded has maintain");
    await maintain("create table hnsw_probe (id int primary key, v vector(3))");
    await maintain("create index hnsw_probe_v on hnsw_probe using hnsw (v vector_cosine_ops)");
    await maintain(
      "insert into hnsw_probe select g, ('[' || (g % 7 + 1) || ',' || (g % 11 + 1) || ',1]')::vector from generate_series(1, 4000) g",
    );
    const probeRuns = async () =>
      (await maintainTables(database)).map((r) => r.statement).filter((s) => s.includes("hnsw_probe"));
    // 4000 new rows: the insert rule, without index cleanup.
    expect(await probeRuns()).toEqual(['VACUUM (INDEX_CLEANUP OFF, ANALYZE) "public"."hnsw_probe"']);
    await maintain("delete from hnsw_probe where id <= 2000");
    // 2000 dead rows: analyzed only. ANALYZE counts them as dead again (they are still in the index),
    // and a later pass does not take that for new work.
    expect(await probeRuns()).toEqual(['ANALYZE "public"."hnsw_probe"']);
    expect(Number((await counters("hnsw_probe")).dead)).toBeGreaterThan(1000);
    expect(await probeRuns()).toEqual([]);
    // Searches skip the deleted rows.
    await maintain("grant select on hnsw_probe to atrium_app");
    const [left] = await database.runner.query(
      "select count(*)::int as n from (select id from hnsw_probe order by v <=> '[1,1,1]' limit 50) s where id <= 2000",
    );
    expect(left?.n).toBe(0);
    await maintain("drop table hnsw_probe");
  });

  it("rebuilds the vector index offline and vacuums the chunks, reporting each step", async () => {
    const lines: string[] = [];
    await expect(rebuildVectorIndex(database, { memory: "lots", report: (l) => lines.push(l) })).rejects.toThrow(
      /512MB/,
    );
    const runs = await rebuildVectorIndex(database, { memory: "64MB", report: (l) => lines.push(l) });
    expect(runs.map((r) => r.statement)).toEqual([
      "SET maintenance_work_mem = '64MB'",
      'REINDEX INDEX "public"."chunks_embedding_idx"',
      "RESET maintenance_work_mem",
      'VACUUM (ANALYZE) "public"."chunks"',
    ]);
    expect(lines.filter((l) => l.includes("done in"))).toHaveLength(4);
    expect(await currentUser()).toBe("atrium_app");
    expect((await counters("chunks")).last_vacuum).not.toBeNull();
  });

  it.runIf(backends.some((b) => b.name === "postgres"))("does nothing on PostgreSQL", async () => {
    const pg = backends.find((b) => b.name === "postgres");
    const opened = await pg?.open();
    if (!opened) return;
    try {
      expect(opened.database.maintain).toBeUndefined();
      expect(await maintainTables(opened.database)).toEqual([]);
    } finally {
      await opened.drop();
    }
  });
});
