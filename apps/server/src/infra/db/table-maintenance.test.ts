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
  ...over,
});

describe("tablesDue (PostgreSQL's autovacuum rules and defaults)", () => {
  it("vacuums past 50 + 20% dead rows, analyzes past 50 + 10% changed rows", () => {
    expect(tablesDue([table({ dead: 2050, modifiedSinceAnalyze: 1050 })])).toEqual([]);
    expect(tablesDue([table({ dead: 2051 })])).toEqual([
      { schema: "public", table: "messages", vacuum: true, analyze: false },
    ]);
    expect(tablesDue([table({ modifiedSinceAnalyze: 1051 })])).toEqual([
      { schema: "public", table: "messages", vacuum: false, analyze: true },
    ]);
  });

  it("vacuums an insert-only table past 1000 + 20% new rows", () => {
    expect(tablesDue([table({ insertedSinceVacuum: 3000 })])).toEqual([]);
    expect(tablesDue([table({ insertedSinceVacuum: 3001, modifiedSinceAnalyze: 3001 })])).toEqual([
      { schema: "public", table: "messages", vacuum: true, analyze: true },
    ]);
  });

  it("sizes a never-analyzed table by its live rows", () => {
    expect(tablesDue([table({ reltuples: -1, live: 100, modifiedSinceAnalyze: 61 })])).toHaveLength(1);
    expect(tablesDue([table({ reltuples: -1, live: 100, modifiedSinceAnalyze: 60 })])).toHaveLength(0);
  });
});

describe("maintenanceStatement", () => {
  it("quotes the table and says what to do", () => {
    const step = { schema: "pgboss", table: 'we"ird', vacuum: true, analyze: true };
    expect(maintenanceStatement(step)).toBe('VACUUM (ANALYZE) "pgboss"."we""ird"');
    expect(maintenanceStatement({ ...step, analyze: false })).toBe('VACUUM "pgboss"."we""ird"');
    expect(maintenanceStatement({ ...step, vacuum: false })).toBe('ANALYZE "pgboss"."we""ird"');
  });
});
