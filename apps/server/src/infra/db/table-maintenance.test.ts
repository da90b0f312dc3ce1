import { describe, expect, it } from "vitest";
import { maintenanceStatement, type TableCounters, tablesDue } from "./table-maintenance";

const table = (over: Partial<TableCounters>): TableCounters => ({
  schema: "public",
  table: "messages",
  reltuples: 10_000,
  live: 10_000,
  dead: 0,
  modifiedSinceAnalyze: 0,
  insertedSinceVacuum: 0,
  hnsw: false,
  ...over,
});

describe("tablesDue (PostgreSQL's autovacuum rules and defaults)", () => {
  it("vacuums past 50 + 20% dead rows, analyzes past 50 + 10% changed rows", () => {
    expect(tablesDue([table({ dead: 2050, modifiedSinceAnalyze: 1050 })])).toEqual([]);
    expect(tablesDue([table({ dead: 2051 })])).toEqual([
      { schema: "public", table: "messages", vacuum: true, analyze: false, skipIndexes: false },
    ]);
    expect(tablesDue([table({ modifiedSinceAnalyze: 1051 })])).toEqual([
      { schema: "public", table: "messages", vacuum: false, analyze: true, skipIndexes: false },
    ]);
  });

  it("vacuums an insert-only table past 1000 + 20% new rows", () => {
    expect(tablesDue([table({ insertedSinceVacuum: 3000 })])).toEqual([]);
    expect(tablesDue([table({ insertedSinceVacuum: 3001, modifiedSinceAnalyze: 3001 })])).toEqual([
      { schema: "public", table: "messages", vacuum: true, analyze: true, skipIndexes: false },
    ]);
  });

  it("never lets dead rows trigger the VACUUM of a table with an HNSW index, and skips its indexes", () => {
    const chunks = (over: Partial<TableCounters>) => table({ table: "chunks", hnsw: true, ...over });
    // Dead rows alone: analyzed (their delete changed the table), not vacuumed.
    expect(tablesDue([chunks({ dead: 9000, modifiedSinceAnalyze: 9000 })])).toEqual([
      { schema: "public", table: "chunks", vacuum: false, analyze: true, skipIndexes: true },
    ]);
    expect(tablesDue([chunks({ dead: 9000 })])).toEqual([]);
    // New rows still bring a VACUUM (visibility map, freezing), without index cleanup.
    const [step] = tablesDue([chunks({ insertedSinceVacuum: 3001, modifiedSinceAnalyze: 3001 })]);
    expect(step).toEqual({ schema: "public", table: "chunks", vacuum: true, analyze: true, skipIndexes: true });
    if (step) expect(maintenanceStatement(step)).toBe('VACUUM (INDEX_CLEANUP OFF, ANALYZE) "public"."chunks"');
  });

  it("sizes a never-analyzed table by its live rows", () => {
    expect(tablesDue([table({ reltuples: -1, live: 100, modifiedSinceAnalyze: 61 })])).toHaveLength(1);
    expect(tablesDue([table({ reltuples: -1, live: 100, modifiedSinceAnalyze: 60 })])).toHaveLength(0);
  });
});

describe("maintenanceStatement", () => {
  it("quotes the table and says what to do", () => {
    const step = { schema: "pgboss", table: 'we"ird', vacuum: true, analyze: true, skipIndexes: false };
    expect(maintenanceStatement(step)).toBe('VACUUM (ANALYZE) "pgboss"."we""ird"');
    expect(maintenanceStatement({ ...step, analyze: false })).toBe('VACUUM "pgboss"."we""ird"');
    expect(maintenanceStatement({ ...step, vacuum: false })).toBe('ANALYZE "pgboss"."we""ird"');
    expect(maintenanceStatement({ ...step, analyze: false, skipIndexes: true })).toBe(
      'VACUUM (INDEX_CLEANUP OFF) "pgboss"."we""ird"',
    );
  });
});
