import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, preparingClient } from "../src/infra/db/database";
import { tenants } from "../src/infra/db/schema";
import { backends } from "./backends";

const rows = <T>(r: unknown): T[] => ("rows" in (r as object) ? (r as { rows: T[] }).rows : (r as T[]));

/** Both backends keep the query builder's statements prepared on their connection. */
describe.each(backends)("prepared statements on $name", (backend) => {
  let database: Database;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ database, drop } = await backend.open());
  }, 120_000);
  afterAll(async () => {
    await database?.close();
    await drop?.();
  });

  it("prepares a repeated statement once and gives the same answers", async () => {
    const found: unknown[] = [];
    const prepared = await database.scoped({ bypass: true }, async (tx) => {
      for (let i = 0; i < 7; i++) {
        found.push(
          await tx
            .select({ id: tenants.id })
            .from(tenants)
            .where(sql`${tenants.slug} = ${`no-such-${i}`}`),
        );
      }
      return rows<{ name: string; statement: string }>(
        await tx.execute(sql`select name, statement from pg_prepared_statements`),
      );
    });
    expect(found).toEqual(Array.from({ length: 7 }, () => []));
    const mine = prepared.filter((p) => p.statement.includes('from "tenants"'));
    expect(mine).toHaveLength(1);
    expect(mine[0]?.name).toMatch(/^atrium_/);
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)("preparingClient (PostgreSQL)", () => {
  it("names at most `max` distinct texts per connection, then runs the rest unnamed", async () => {
    const pool = new pg.Pool({ connectionString: process.env.TEST_DATABASE_URL, max: 1 });
    const client = preparingClient(await pool.connect(), 2);
    try {
      for (let i = 0; i < 5; i++) {
        const r = await client.query({ text: `select ${i}::int as n where $1::int = 1`, values: [1] });
        expect(r.rows).toEqual([{ n: i }]);
      }
      const names = await client.query("select name from pg_prepared_statements order by name");
      expect(names.rows.map((r) => r.name)).toEqual(["atrium_p1", "atrium_p2"]);
      // A statement that fails to parse stays usable once fixed elsewhere, and does not break the connection.
      await expect(client.query({ text: "selec 1" })).rejects.toMatchObject({ code: "42601" });
      expect((await client.query({ text: "select 0::int as n where $1::int = 1", values: [1] })).rows).toEqual([
        { n: 0 },
      ]);
    } finally {
      (client as unknown as pg.PoolClient).release();
      await pool.end();
    }
  });
});
