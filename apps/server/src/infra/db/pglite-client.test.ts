import { PGlite, parse, protocol } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgliteClient, toResults } from "./pglite-client";

let pglite: PGlite;

beforeAll(async () => {
  pglite = await PGlite.create();
  await pglite.exec(`create table items (id serial primary key, name text not null unique, data jsonb,
    at timestamptz, tags text[])`);
}, 120_000);
afterAll(() => pglite.close());

/** Named statements the backend holds now. */
async function preparedCount(): Promise<number> {
  const r = await pglite.query<{ n: number }>("select count(*)::int as n from pg_prepared_statements");
  return r.rows[0]?.n ?? 0;
}

describe("createPgliteClient", () => {
  it("prepares a statement once and reuses it, serializing and parsing as PGlite does", async () => {
    const client = createPgliteClient(pglite);
    const before = await preparedCount();
    const at = new Date("2026-01-02T03:04:05.000Z");
    for (let i = 0; i < 3; i++) {
      await client.query("insert into items (name, data, at, tags) values ($1, $2, $3, $4)", [
        `n${i}`,
        { i, nested: ["x"] },
        at,
        ["a", "b"],
      ]);
    }
    expect(await preparedCount()).toBe(before + 1);
    const r = await client.query<{ name: string; data: unknown; at: Date; tags: string[] }>(
      "select name, data, at, tags from items where name = $1",
      ["n1"],
    );
    expect(r.rows).toEqual([{ name: "n1", data: { i: 1, nested: ["x"] }, at, tags: ["a", "b"] }]);
    // Options are honoured (drizzle asks for arrays and its own parsers).
    const arrays = await client.query("select name, at from items where name = $1", ["n2"], {
      rowMode: "array",
      parsers: { 1184: (v: string) => `raw:${v}` },
    });
    expect(arrays.rows).toEqual([["n2", expect.stringMatching(/^raw:2026-01-02/)]]);
    // null and undefined parameters are SQL NULL.
    const nulls = await client.query<{ a: null; b: null }>("select $1::text as a, $2::int as b", [null, undefined]);
    expect(nulls.rows).toEqual([{ a: null, b: null }]);
  });

  it("reports errors with their codes and stays usable afterwards, in and out of transactions", async () => {
    const client = createPgliteClient(pglite);
    await expect(client.query("selec 1")).rejects.toMatchObject({ code: "42601" });
    await expect(client.query("insert into items (name) values ($1)", ["n0"])).rejects.toMatchObject({
      code: "23505",
    });
    expect((await client.query<{ one: number }>("select 1 as one")).rows).toEqual([{ one: 1 }]);

    // A failing statement inside a transaction rolls the whole transaction back.
    await expect(
      client.transaction(async (tx) => {
        await tx.query("insert into items (name) values ($1)", ["in-tx"]);
        await tx.query("insert into items (name) values ($1)", ["n0"]);
      }),
    ).rejects.toMatchObject({ code: "23505" });
    const inTx = await client.query("select 1 from items where name = $1", ["in-tx"]);
    expect(inTx.rows).toHaveLength(0);

    // A committed transaction keeps its writes; its statements are the same prepared ones.
    await client.transaction(async (tx) => {
      await tx.query("insert into items (name) values ($1)", ["committed"]);
    });
    expect((await client.query("select 1 from items where name = $1", ["committed"])).rows).toHaveLength(1);
  });

  it("never runs a statement inside another caller's open transaction", async () => {
    const client = createPgliteClient(pglite);
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const tx = client.transaction(async (t) => {
      await t.query("insert into items (name) values ($1)", ["held"]);
      await gate;
      throw new Error("roll back");
    });
    // Issued while the transaction is open: must wait for it, so it cannot see (or join) its write.
    const outside = client.query("select count(*)::int as n from items where name = $1", ["held"]);
    await new Promise((r) => setTimeout(r, 20));
    release();
    await expect(tx).rejects.toThrow("roll back");
    expect((await outside).rows).toEqual([{ n: 0 }]);
  });

  it("keeps at most maxStatements prepared, closing the least recently used", async () => {
    // The statements belong to the PGlite session: every client of this instance shares them.
    const client = createPgliteClient(pglite, { maxStatements: 3 });
    for (let i = 0; i < 10; i++) await client.query(`select ${i} as n`);
    expect(await preparedCount()).toBe(3);
    expect((await client.query<{ n: number }>("select 9 as n")).rows).toEqual([{ n: 9 }]);
  });

  it("prepares a statement afresh when a schema change invalidates its result shape", async () => {
    const client = createPgliteClient(pglite);
    await pglite.exec("create table shape (a int); insert into shape values (1)");
    expect((await client.query("select * from shape")).rows).toEqual([{ a: 1 }]);
    await pglite.exec("alter table shape add column b int default 2");
    // PostgreSQL refuses the stale plan once ("cached plan must not change result type")...
    const first = await client.query("select * from shape").catch((e: { code?: string }) => e);
    if ((first as { code?: string }).code) expect((first as { code?: string }).code).toBe("0A000");
    // ...and the next call prepares the new shape.
    expect((await client.query("select * from shape")).rows).toEqual([{ a: 1, b: 2 }]);
  });

  it("opens a transaction with its prelude in the first statement's exchange, scoped to the transaction", async () => {
    const client = createPgliteClient(pglite);
    const inside = await client.withPrelude("select set_config('app.note', 'it''s set', true)", () =>
      client.transaction(async (tx) => {
        const r = await tx.query<{ note: string }>("select current_setting('app.note') as note");
        await tx.query("insert into items (name) values ($1)", ["prelude-tx"]);
        return r.rows;
      }),
    );
    expect(inside).toEqual([{ note: "it's set" }]);
    const after = await client.query<{ note: string | null }>("select current_setting('app.note', true) as note");
    expect(after.rows[0]?.note ?? "").toBe("");
    expect((await client.query("select 1 from items where name = $1", ["prelude-tx"])).rows).toHaveLength(1);
    expect(() => client.withPrelude("select 1", () => 42)).toThrow(/did not open a transaction/);
    // The next transaction has no prelude left over.
    const plain = await client.transaction((tx) =>
      tx.query<{ note: string | null }>("select current_setting('app.note', true) as note"),
    );
    expect(plain.rows[0]?.note ?? "").toBe("");
  });

  it("keeps a statement that failed to prepare from leaving the rest outside the transaction", async () => {
    const client = createPgliteClient(pglite);
    await expect(
      client.transaction(async (tx) => {
        await tx.query("selec 1").catch(() => undefined); // refused before BEGIN was sent
        await tx.query("insert into items (name) values ($1)", ["after-refused"]);
        throw new Error("undo");
      }),
    ).rejects.toThrow("undo");
    expect((await client.query("select 1 from items where name = $1", ["after-refused"])).rows).toHaveLength(0);

    // rollback() ends the transaction without an error; its writes are gone, later calls refused.
    const value = await client.transaction(async (tx) => {
      await tx.query("insert into items (name) values ($1)", ["rolled-back"]);
      await tx.rollback();
      await expect(tx.query("select 1")).rejects.toThrow(/closed/);
      return "returned";
    });
    expect(value).toBe("returned");
    expect((await client.query("select 1 from items where name = $1", ["rolled-back"])).rows).toHaveLength(0);
    // A transaction that ran nothing is fine too.
    expect(await client.transaction(async () => 7)).toBe(7);
  });

  it("parses results exactly as PGlite's parseResults does", async () => {
    const { messages } = await pglite.execProtocol(
      protocol.serialize.query(
        `select 1 as a, 'x'::text as b, null::int as c, '{1,2}'::int[] as d, now() as e, 1 as a;
         insert into items (name) values ('cmp-1'), ('cmp-2');
         select '{"k":[1]}'::jsonb as j, 1.5::numeric as n; select 1 where false`,
      ),
    );
    for (const options of [
      undefined,
      { rowMode: "array" as const },
      { parsers: { 1184: (v: string) => `raw:${v}` } },
    ]) {
      expect(toResults(messages, pglite.parsers, options)).toEqual(
        parse.parseResults(messages, pglite.parsers, options),
      );
    }
    expect(toResults([], pglite.parsers)).toEqual(parse.parseResults([], pglite.parsers));
  });
});
