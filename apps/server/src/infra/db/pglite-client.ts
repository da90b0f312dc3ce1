/**
 * The client drizzle uses on the embedded database: PGlite with prepared statements kept.
 *
 * PGlite's own `query()` makes six exchanges with the wasm backend per statement (parse, describe
 * statement, bind, describe portal, execute, sync) and plans the statement every time. Here every
 * statement text is parsed ONCE into a named prepared statement (its parameter types read then),
 * and each execution is ONE exchange: bind + describe + execute + sync. PostgreSQL then keeps the
 * plan (after five custom plans it switches to a generic one when that costs no more), so repeated
 * statements skip planning too. Measured on the chat access query (a four-table join under
 * row-level security): 2.7 ms → 0.38 ms per execution (docs/BENCHMARKS.md).
 *
 * Results are parsed and parameters serialized exactly as PGlite does (its parsers, serializers and
 * the caller's options), and the same locks are held: statements inside a transaction take the
 * query lock (as the transaction object's own query does); statements outside one also take the
 * transaction lock, so they never run inside another caller's transaction.
 *
 * Row-level security is unaffected: the policies read per-transaction settings at execution time.
 * Statements stay prepared for the connection's life, up to `maxStatements` (least recently used
 * are closed); one whose plan cannot be reused after a schema change is prepared afresh.
 */
import { type PGlite, parse, protocol, type QueryOptions, type Results, type Transaction } from "@electric-sql/pglite";

const { serialize } = protocol;

interface Prepared {
  name: string;
  paramTypes: number[];
}

/** What drizzle's PGlite driver calls on its client (a PGlite instance or one of its transactions). */
export interface QueryClient {
  query<T>(text: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>;
  exec(text: string, options?: QueryOptions): Promise<Results[]>;
  transaction<T>(fn: (tx: TransactionClient) => Promise<T>): Promise<T>;
}
export type TransactionClient = QueryClient & Pick<Transaction, "rollback" | "closed">;

export interface PgliteQueryClient extends QueryClient {
  /**
   * Calls `begin`, which must open a transaction on this client synchronously (drizzle's
   * `db.transaction` does): that transaction runs `prelude` (simple-protocol SQL, e.g. its scope
   * settings) right after BEGIN, in the same exchange as its first statement.
   */
  withPrelude<T>(prelude: string, begin: () => T): T;
  /**
   * Runs `fn` with the connection to itself, outside any transaction: nothing else runs on it until
   * `fn` ends. `simple` sends simple-protocol SQL, each call its own exchange (so VACUUM, which
   * refuses to run inside a transaction block, can be one of them).
   */
  alone<T>(fn: (simple: (text: string) => Promise<void>) => Promise<T>): Promise<T>;
}

/** Per PGlite instance (one backend session): its prepared statements by SQL text, least recently used first. */
const sessions = new WeakMap<PGlite, { statements: Map<string, Prepared>; counter: number }>();

export function createPgliteClient(pglite: PGlite, opts: { maxStatements?: number } = {}): PgliteQueryClient {
  const maxStatements = opts.maxStatements ?? 250;
  let session = sessions.get(pglite);
  if (!session) {
    session = { statements: new Map(), counter: 0 };
    sessions.set(pglite, session);
  }
  const { statements } = session;
  const nextName = () => `atrium_s${++(session as { counter: number }).counter}`;

  const exchange = async (...parts: Uint8Array[]) =>
    (await pglite.execProtocol(concat(parts), { syncToFs: false })).messages;

  /** Under the query lock: the statement for `text`, prepared on first use. */
  async function statementFor(text: string, options?: QueryOptions): Promise<Prepared> {
    const hit = statements.get(text);
    if (hit) {
      statements.delete(text);
      statements.set(text, hit);
      return hit;
    }
    const name = nextName();
    const described = await exchange(
      serialize.parse({ name, text, types: options?.paramTypes }),
      serialize.describe({ type: "S", name }),
      serialize.sync(),
    );
    const prepared = { name, paramTypes: parse.parseDescribeStatementResults(described) };
    statements.set(text, prepared);
    while (statements.size > maxStatements) {
      const [oldest, old] = statements.entries().next().value as [string, Prepared];
      statements.delete(oldest);
      // Closing is allowed even in a failed transaction; if it fails the name is only left unused.
      await exchange(serialize.close({ type: "S", name: old.name }), serialize.sync()).catch(() => undefined);
    }
    return prepared;
  }

  /**
   * Under the query lock: runs `text` as a prepared statement, in one exchange. `takeLead` gives
   * simple-protocol SQL to send first in the same exchange (a transaction's BEGIN and scope
   * settings); it is taken only once the statement is prepared, so a statement that cannot be
   * prepared leaves the transaction unopened for the next one.
   */
  async function run<T>(
    text: string,
    params: unknown[] = [],
    options?: QueryOptions,
    takeLead?: () => string | undefined,
  ): Promise<Results<T>> {
    const prepared = await statementFor(text, options);
    const lead = takeLead?.();
    const values = params.map((value, i) => {
      if (value === null || value === undefined) return null;
      const type = prepared.paramTypes[i] ?? 0;
      const serializer = options?.serializers?.[type] ?? pglite.serializers[type];
      return serializer ? serializer(value) : String(value);
    });
    try {
      const messages = await exchange(
        ...(lead ? [serialize.query(lead)] : []),
        serialize.bind({ statement: prepared.name, values }),
        serialize.describe({ type: "P" }),
        serialize.execute({}),
        serialize.sync(),
      );
      // One result per statement: the lead's come first.
      return toResults(messages, pglite.parsers, options).at(-1) as Results<T>;
    } catch (err) {
      // E.g. "cached plan must not change result type" after a schema change: prepare it afresh
      // next time (the old name is closed when the cache next evicts, or left unused).
      if ((err as { code?: string }).code === "0A000") statements.delete(text);
      throw err;
    }
  }

  /** Under the query lock: simple-protocol SQL (several statements allowed), one exchange. */
  async function simple(text: string, options?: QueryOptions): Promise<Results[]> {
    return toResults(await exchange(serialize.query(text)), pglite.parsers, options);
  }

  /**
   * A transaction whose BEGIN (and `prelude`) travel with its first statement, and whose COMMIT is
   * one exchange: PGlite's own transaction() spends two exchanges on each. It holds the same lock as
   * PGlite's, so nothing else runs on the connection until it ends. A transaction that ran no
   * statement sends nothing at all.
   */
  async function transaction<T>(fn: (tx: TransactionClient) => Promise<T>, prelude: string | undefined): Promise<T> {
    return pglite._runExclusiveTransaction(async () => {
      let lead: string | undefined = prelude ? `BEGIN; ${prelude}` : "BEGIN";
      let closed = false;
      /** The SQL to send before the next statement: BEGIN until it has been sent. */
      const takeLead = () => {
        if (closed) throw new Error("Transaction is closed");
        const out = lead;
        lead = undefined;
        return out;
      };
      const end = async (command: "COMMIT" | "ROLLBACK") => {
        closed = true;
        if (lead === undefined) await pglite.runExclusive(() => simple(command));
      };
      const tx: TransactionClient = {
        query: <R>(text: string, params?: unknown[], options?: QueryOptions) => {
          if (closed) return Promise.reject(new Error("Transaction is closed"));
          return pglite.runExclusive(() => run<R>(text, params, options, takeLead));
        },
        exec: (text, options) =>
          pglite.runExclusive(() => {
            const before = takeLead();
            return simple(before ? `${before}; ${text}` : text, options);
          }),
        transaction: () => {
          throw new Error("nested transactions use savepoints (drizzle's tx.transaction)");
        },
        rollback: () => end("ROLLBACK"),
        get closed() {
          return closed;
        },
      };
      try {
        const out = await fn(tx);
        if (!closed) await end("COMMIT");
        return out;
      } catch (err) {
        if (!closed) await end("ROLLBACK").catch(() => undefined);
        throw err;
      }
    });
  }

  let nextPrelude: string | undefined;
  return {
    query: async <T>(text: string, params?: unknown[], options?: QueryOptions) => {
      const result = await pglite._runExclusiveTransaction(() =>
        pglite.runExclusive(() => run<T>(text, params, options)),
      );
      // As PGlite's own query(): a statement outside a transaction is flushed to the file system.
      if (!pglite.isInTransaction()) await pglite.syncToFs();
      return result;
    },
    exec: (text, options) => pglite.exec(text, options),
    alone: (fn) =>
      pglite._runExclusiveTransaction(() =>
        pglite.runExclusive(() =>
          fn(async (text) => {
            await simple(text);
          }),
        ),
      ),
    transaction: (fn) => {
      // Taken synchronously: withPrelude's callback reaches here before it returns.
      const prelude = nextPrelude;
      nextPrelude = undefined;
      return transaction(fn, prelude);
    },
    withPrelude: (prelude, begin) => {
      nextPrelude = prelude;
      try {
        const started = begin();
        if (nextPrelude !== undefined) throw new Error("withPrelude: the callback did not open a transaction");
        return started;
      } finally {
        nextPrelude = undefined;
      }
    },
  };
}

type Message = { name: string; fields?: unknown; text?: string };
type Parser = (value: string, typeId: number) => unknown;

/**
 * PGlite's parseResults, without its cost: it merges the caller's parsers into a copy of every
 * default parser (hundreds of types) on each call — drizzle passes parsers on every statement, and
 * the copy was the largest single cost of a query (profiled). Same results: one per completed
 * statement, values parsed by the caller's parser for the type, else the default one.
 */
export function toResults(
  messages: Message[],
  defaults: Record<number | string, Parser>,
  options?: QueryOptions,
): Results[] {
  const own = options?.parsers as Record<number, Parser> | undefined;
  const value = (raw: string | null, type: number) => {
    if (raw === null) return null;
    const parser = own?.[type] ?? defaults[type];
    return parser ? parser(raw, type) : raw;
  };
  const out: Results[] = [];
  let fields: { name: string; dataTypeID: number }[] = [];
  let rows: unknown[] = [];
  let affectedRows = 0;
  for (const message of messages) {
    if (message.name === "rowDescription") {
      fields = (message.fields as { name: string; dataTypeID: number }[]).map((f) => ({
        name: f.name,
        dataTypeID: f.dataTypeID,
      }));
    } else if (message.name === "dataRow") {
      const raw = message.fields as (string | null)[];
      if (options?.rowMode === "array") {
        rows.push(raw.map((v, i) => value(v, fields[i]?.dataTypeID ?? 0)));
      } else {
        const row: Record<string, unknown> = {};
        raw.forEach((v, i) => {
          const field = fields[i];
          if (field) row[field.name] = value(v, field.dataTypeID);
        });
        rows.push(row);
      }
    } else if (message.name === "commandComplete") {
      const words = (message.text ?? "").split(" ");
      const command = words[0] ?? "";
      const count = Number.parseInt(words[words.length - 1] ?? "", 10);
      if (["INSERT", "UPDATE", "DELETE", "COPY", "MERGE"].includes(command)) affectedRows += count;
      out.push({ rows, fields, command, affectedRows, ...(Number.isNaN(count) ? {} : { rowCount: count }) } as Results);
      rows = [];
      fields = [];
    }
  }
  if (out.length === 0) out.push({ affectedRows: 0, rows: [], fields: [] } as Results);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
