import { execFile } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { type SQL, sql } from "drizzle-orm";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import pg from "pg";
import { acquireDirLock, type DirLock } from "./dir-lock";
import { sharedBuffersFor } from "./embedded-page-cache";
import { APP_ROLE, migrate, type SqlRunner } from "./migrate";
import { createPgliteClient } from "./pglite-client";
import * as schema from "./schema";

export type Schema = typeof schema;
/** The one query-builder type repositories use, for PGlite and PostgreSQL alike (and their transactions). */
export type DB = PgDatabase<PgQueryResultHKT, Schema>;

/** The rows of a raw `tx.execute` (node-postgres answers a result object, PGlite's driver an array). */
export function rowsOf<T>(result: unknown): T[] {
  return ("rows" in (result as object) ? (result as { rows: T[] }).rows : (result as T[])) ?? [];
}

/**
 * The items as a derived table `v` with the given column list, for joining a batch against a
 * table. Its LIMIT (the item count, a parameter: the statement text stays the same) tells the
 * planner how few rows come: `jsonb_to_recordset` alone is always estimated at 100 rows, which
 * makes an UPDATE … FROM it scan a large table whole (and hash it) instead of probing its index.
 */
export function jsonRows(items: unknown[], columns: SQL): SQL {
  return sql`(select * from jsonb_to_recordset(${JSON.stringify(items)}::jsonb) as v(${columns}) limit ${items.length}::integer) as v`;
}

/** Who a transaction runs for: row-level security reads these settings. */
export interface Scope {
  tenantId?: string | null;
  userId?: string | null;
  /** System work (start-up, instance admins' cross-tenant lists): sees every tenant. */
  bypass?: boolean;
}

/** The database adapter: a query builder plus scoped transactions, over PGlite or PostgreSQL. */
export interface Database {
  kind: "embedded" | "postgres";
  db: DB;
  /** Runs fn in one transaction with the tenant context set for row-level security. */
  scoped<T>(scope: Scope, fn: (tx: DB) => Promise<T>): Promise<T>;
  /**
   * Switches the row-level security context of a transaction opened by `scoped`, for work that
   * learns its tenant from a first read (one transaction instead of two).
   */
  rescope(tx: DB, scope: Scope): Promise<void>;
  /**
   * PostgreSQL only: runs `first` and `second` at the same time, each in its own scoped read-only
   * transaction on its own pooled connection, both on ONE snapshot (they see the same committed
   * state, as one transaction would). `first` starts a round trip earlier: give it the slower
   * work. When the pool has not two connections free, both run one after the other in `scoped`.
   */
  scopedConcurrently?<A, B>(
    scope: Scope,
    first: (tx: DB) => Promise<A>,
    second: (tx: DB) => Promise<B>,
  ): Promise<[A, B]>;
  /**
   * Embedded only (PostgreSQL's autovacuum does this by itself): runs a maintenance statement such
   * as VACUUM or ANALYZE as the database's owner, outside any transaction and alone on the
   * connection, which is the app role again afterwards even when the statement fails.
   */
  maintain?(statement: string): Promise<void>;
  /** Raw statements, for health checks and tools. */
  runner: SqlRunner;
  /** True when every migration on disk has been applied. */
  isMigrated(): Promise<boolean>;
  /** The connection string on PostgreSQL (the job queue opens its own small pool). */
  url?: string;
  /** The PGlite instance in embedded mode (the job queue shares it). */
  pglite?: PGlite;
  /** Embedded: the page cache (shared_buffers) it was opened with, when one was chosen. */
  pageCache?: string;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl?: string;
  dataDir: string;
  poolSize?: number;
  /** Embedded only: keep the database in memory (tests). */
  inMemory?: boolean;
  /**
   * Embedded only: shared_buffers (resident from the start), or `auto`: sized to the database on
   * disk, 64MB–512MB (embedded-page-cache.ts). Unset: PGlite's own default (128MB).
   */
  sharedBuffers?: string;
}

/** Opens the configured database, applies migrations and switches to the non-superuser app role. */
export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl, opts.poolSize ?? 10) : openEmbedded(opts);
}

async function openEmbedded(opts: DatabaseOptions): Promise<Database> {
  let lock: DirLock | undefined;
  let dataPath: string | undefined;
  if (!opts.inMemory) {
    const dir = resolve(opts.dataDir);
    mkdirSync(dir, { recursive: true });
    // PGlite does not stop a second process from opening the same files (which corrupts them).
    lock = acquireDirLock(dir);
    dataPath = resolve(dir, "pgdata");
  }
  try {
    if (dataPath && !existsSync(join(dataPath, "PG_VERSION"))) await initdbInChild(dataPath);
    const sharedBuffers = opts.sharedBuffers && sharedBuffersFor(opts.sharedBuffers, dataPath);
    const pglite = await PGlite.create(dataPath, {
      extensions: { vector },
      ...(sharedBuffers ? { postgresqlconf: [`shared_buffers=${sharedBuffers}`] } : {}),
    });
    const runner: SqlRunner = {
      exec: async (text) => {
        await pglite.exec(text);
      },
      query: async (text, params) => (await pglite.query<Record<string, unknown>>(text, params)).rows,
      transaction: (fn) =>
        pglite.transaction(async (tx) =>
          fn({
            exec: async (t) => {
              await tx.exec(t);
            },
            query: async (t, p) => (await tx.query<Record<string, unknown>>(t, p)).rows,
          }),
        ),
    };
    const migration = await migrate(runner);
    await pglite.exec(`SET ROLE ${APP_ROLE}`);
    // Prepared statements kept, one exchange per statement (see pglite-client.ts).
    const client = createPgliteClient(pglite);
    const db = drizzlePglite({ client: client as unknown as PGlite, schema }) as unknown as DB;
    return {
      kind: "embedded",
      db,
      pglite,
      ...(sharedBuffers ? { pageCache: sharedBuffers } : {}),
      runner,
      // BEGIN and the scope settings travel with the transaction's first statement.
      scoped: (scope, fn) => client.withPrelude(scopeSettingsSql(scope), () => db.transaction((tx) => fn(tx as DB))),
      rescope: setScope,
      maintain: (statement) =>
        client.alone(async (simple) => {
          await simple("RESET ROLE");
          try {
            await simple(statement);
          } finally {
            await simple(`SET ROLE ${APP_ROLE}`);
          }
        }),
      isMigrated: async () => (await migration.pending(runner)) === 0,
      close: once(async () => {
        await pglite.close();
        lock?.release();
      }),
    };
  } catch (err) {
    lock?.release();
    throw err;
  }
}

/** First start: creates the data directory in a child process (see pglite-initdb.mjs). */
async function initdbInChild(dataPath: string): Promise<void> {
  const script = fileURLToPath(new URL("./pglite-initdb.mjs", import.meta.url));
  try {
    await promisify(execFile)(process.execPath, [script, dataPath], { timeout: 120_000 });
  } catch (err) {
    const detail = (err as { stderr?: string }).stderr?.trim() || (err as Error).message;
    throw new Error(`Could not create the embedded database in ${dataPath}: ${detail}`);
  }
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const clientRunner = (c: pg.Client | pg.PoolClient): SqlRunner => ({
    exec: async (text) => {
      await c.query(text);
    },
    query: async (text, params) => (await c.query(text, params as unknown[])).rows,
    transaction: (fn) => clientTransaction(c, fn),
  });
  const clientTransaction = async <T>(c: pg.Client | pg.PoolClient, fn: (tx: SqlRunner) => Promise<T>) => {
    await c.query("BEGIN");
    try {
      const out = await fn(clientRunner(c));
      await c.query("COMMIT");
      return out;
    } catch (err) {
      await c.query("ROLLBACK");
      throw err;
    }
  };
  let migration: Awaited<ReturnType<typeof migrate>>;
  try {
    migration = await migrate(clientRunner(admin));
  } finally {
    await admin.end();
  }
  // Every pooled connection starts as the app role (a startup option, so no query can run before
  // it), so row-level security applies to all app queries.
  const pool = new pg.Pool({ connectionString: url, max: poolSize, options: `-c role=${APP_ROLE}` });
  // An idle connection closed by the server (a restart, a failover) must not crash the process:
  // the pool drops it and opens a new one on the next query.
  pool.on("error", (err) => console.error("database: idle connection lost:", err.message));
  const runner: SqlRunner = {
    exec: async (text) => {
      await pool.query(text);
    },
    query: async (text, params) => (await pool.query(text, params as unknown[])).rows,
    transaction: async (fn) => {
      const c = await pool.connect();
      try {
        return await clientTransaction(c, fn);
      } finally {
        c.release();
      }
    },
  };
  const db = drizzlePg({ client: pool, schema }) as unknown as DB;
  return {
    kind: "postgres",
    url,
    db,
    runner,
    scoped: (scope, fn) => pooledScopedTransaction(pool, scope, fn),
    scopedConcurrently: (scope, first, second) => pooledSnapshotPair(pool, poolSize, scope, first, second),
    rescope: setScope,
    isMigrated: async () => (await migration.pending(runner)) === 0,
    close: once(() => pool.end()),
  };
}

async function setScope(tx: DB, scope: Scope): Promise<void> {
  await tx.execute(
    sql`select set_config('app.tenant_id', ${scope.tenantId ?? ""}, true),
               set_config('app.user_id', ${scope.userId ?? ""}, true),
               set_config('app.bypass_rls', ${scope.bypass ? "on" : "off"}, true)`,
  );
}

/** SQL string literal (standard_conforming_strings is on: only quotes are doubled). */
const quoteLiteral = (v: string) => `'${v.replace(/'/g, "''")}'`;

/** The scope settings as one simple-protocol statement, values quoted by `lit`. */
function scopeSettingsSql(scope: Scope, lit: (v: string) => string = quoteLiteral): string {
  return (
    `select set_config('app.tenant_id', ${lit(scope.tenantId ?? "")}, true), ` +
    `set_config('app.user_id', ${lit(scope.userId ?? "")}, true), ` +
    `set_config('app.bypass_rls', '${scope.bypass ? "on" : "off"}', true)`
  );
}

/**
 * A pooled connection whose statements (the query builder's, which come as {text, …} configs) are
 * named prepared statements: PostgreSQL parses and plans each text once per connection instead of
 * on every execution (the same idea as pglite-client.ts; node-postgres keeps the names per
 * connection). Bounded: the first `max` distinct texts of a connection are named, later ones run
 * unnamed as before, so texts that vary (IN lists of any length) cannot grow the server's memory.
 */
export function preparingClient(client: pg.PoolClient, max = 300): pg.PoolClient {
  const names = new Map<string, string>();
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const named = (...args: unknown[]) => {
    const [config, ...rest] = args;
    if (config && typeof config === "object" && typeof (config as pg.QueryConfig).text === "string") {
      const c = config as pg.QueryConfig;
      let name = c.name ?? names.get(c.text);
      if (!name && names.size < max) {
        name = `atrium_p${names.size + 1}`;
        names.set(c.text, name);
      }
      if (name && !c.name) return query({ ...c, name }, ...rest);
    }
    return query(...args);
  };
  return new Proxy(client, {
    get: (target, prop, receiver) => (prop === "query" ? named : Reflect.get(target, prop, receiver)),
  });
}

/** A query builder bound to one pooled connection, made once per connection (the pool reuses them). */
const boundBuilders = new WeakMap<pg.PoolClient, DB>();

/**
 * `scoped` on PostgreSQL: BEGIN and the scope settings go in ONE round trip (a simple-protocol query
 * with two statements; the values are UUIDs or empty, quoted with the driver's escapeLiteral), then
 * fn's statements, then COMMIT. Drizzle's own transaction would send BEGIN and the settings apart.
 */
async function pooledScopedTransaction<T>(pool: pg.Pool, scope: Scope, fn: (tx: DB) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    const lit = (v: string) => client.escapeLiteral(v);
    try {
      await client.query(`begin; ${scopeSettingsSql(scope, lit)}`);
      const out = await fn(builderFor(client));
      await client.query("commit");
      return out;
    } catch (err) {
      await client.query("rollback").catch((e: Error) => {
        broken = e;
      });
      throw err;
    }
  } finally {
    // A connection whose rollback failed is in an unknown state: the pool discards it.
    client.release(broken);
  }
}

/** The connection's query builder (made once per pooled connection). */
function builderFor(client: pg.PoolClient): DB {
  let tx = boundBuilders.get(client);
  if (!tx) {
    tx = drizzlePg({ client: preparingClient(client), schema }) as unknown as DB;
    boundBuilders.set(client, tx);
  }
  return tx;
}

/**
 * `scopedConcurrently` on PostgreSQL. Two connections, each one REPEATABLE READ, READ ONLY
 * transaction with the scope settings. The first exports its snapshot in its opening round trip
 * (`pg_export_snapshot()` beside the settings), the second imports it in its own (SET TRANSACTION
 * SNAPSHOT before any query), so a re-index committed in between is seen by neither or by both.
 * Whatever happens, both functions are waited for before either transaction ends: the exporter
 * stays open until the import is done, and no statement of a function still running can land
 * outside its transaction or on a released connection. On any failure both roll back.
 * Holding one connection while waiting for a second could deadlock a busy pool (every search
 * holding one): when two are not free now, the sequential plan on one connection is used.
 */
async function pooledSnapshotPair<A, B>(
  pool: pg.Pool,
  max: number,
  scope: Scope,
  first: (tx: DB) => Promise<A>,
  second: (tx: DB) => Promise<B>,
): Promise<[A, B]> {
  if (pool.waitingCount > 0 || pool.idleCount + max - pool.totalCount < 2) {
    return pooledScopedTransaction(pool, scope, async (tx) => [await first(tx), await second(tx)]);
  }
  const connected = await Promise.allSettled([pool.connect(), pool.connect()]);
  const clients = connected.flatMap((c) => (c.status === "fulfilled" ? [c.value] : []));
  const [a, b] = clients;
  if (!a || !b) {
    for (const c of clients) c.release();
    throw (connected.find((c) => c.status === "rejected") as PromiseRejectedResult).reason;
  }
  const lit = (v: string) => a.escapeLiteral(v);
  const settings = scopeSettingsSql(scope, lit);
  const begin = "begin isolation level repeatable read, read only";
  const exported = a
    .query(`${begin}; ${settings}, pg_export_snapshot() as snapshot`)
    .then((res) => (res as unknown as pg.QueryResult<{ snapshot: string }>[])[1]?.rows[0]?.snapshot as string);
  const [x, y] = await Promise.allSettled([
    exported.then(() => first(builderFor(a))),
    exported
      .then((id) => b.query(`${begin}; set transaction snapshot ${lit(id)}; ${settings}`))
      .then(() => second(builderFor(b))),
  ]);
  const ok = x.status === "fulfilled" && y.status === "fulfilled";
  await Promise.all([endTransaction(a, ok), endTransaction(b, ok)]);
  if (x.status === "rejected") throw x.reason;
  if (y.status === "rejected") throw y.reason;
  return [x.value, y.value];
}

/** Commits (or rolls back) and releases; a connection whose end failed is discarded by the pool. */
async function endTransaction(client: pg.PoolClient, commit: boolean): Promise<void> {
  try {
    await client.query(commit ? "commit" : "rollback");
    client.release();
  } catch (err) {
    client.release(err as Error);
    if (commit) throw err;
  }
}

/** Makes close() safe to call twice (shutdown paths and tests both close). */
function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => {
    done ??= fn();
    return done;
  };
}
