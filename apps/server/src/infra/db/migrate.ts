import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { getConstructionPlans } from "pg-boss";

/** The non-superuser role application queries run as (created by the first migration). */
export const APP_ROLE = "atrium_app";

const MIGRATIONS_FOLDER = resolve(dirname(fileURLToPath(import.meta.url)), "../../../migrations");
/** Schema of the job queue (pg-boss), created here so the app role never needs DDL rights. */
export const QUEUE_SCHEMA = "pgboss";
/** Arbitrary constant: the advisory lock that serialises migrations across processes. */
const MIGRATION_LOCK_KEY = 4_242_001;

/** Minimal raw-SQL runner both drivers provide, used where drizzle's builder does not fit. */
export interface SqlRunner {
  exec(sql: string): Promise<void>;
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  transaction?<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>;
}

/**
 * Applies the drizzle-kit migrations folder in one transaction under an advisory lock, so two
 * processes starting at once apply each migration exactly once. Then grants the app role access.
 */
export async function migrate(runner: SqlRunner) {
  const files = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER });
  if (!runner.transaction) throw new Error("migrate needs a runner with transactions");
  // Grants touch cluster-wide catalogs, where another database's migration can collide ("tuple
  // concurrently updated", deadlocks); every step is idempotent, so the whole run is retried.
  for (let attempt = 1; ; attempt++) {
    try {
      await applyOnce(runner, files);
      break;
    } catch (err) {
      const e = err as { code?: string; message?: string };
      const transient = e.code === "40P01" || e.code === "40001" || /tuple concurrently/.test(e.message ?? "");
      if (!transient || attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
  return {
    total: files.length,
    /** How many migrations on disk are not applied in the database. */
    pending: async (r: SqlRunner) => {
      const rows = await r.query("select hash from atrium_migrations");
      const done = new Set(rows.map((x) => String(x.hash)));
      return files.filter((f) => !done.has(f.hash)).length;
    },
  };
}

async function applyOnce(runner: SqlRunner, files: ReturnType<typeof readMigrationFiles>) {
  if (!runner.transaction) throw new Error("migrate needs a runner with transactions");
  await runner.transaction(async (tx) => {
    await tx.query(`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    await tx.exec(
      `create table if not exists atrium_migrations (
         hash text primary key, created_at bigint not null, applied_at timestamptz not null default now())`,
    );
    const applied = new Set((await tx.query("select hash from atrium_migrations")).map((r) => String(r.hash)));
    for (const m of files) {
      if (applied.has(m.hash)) continue;
      for (const statement of m.sql) {
        if (statement.trim()) await tx.exec(statement);
      }
      await tx.query("insert into atrium_migrations (hash, created_at) values ($1, $2)", [m.hash, m.folderMillis]);
    }
    const [queue] = await tx.query("select 1 from information_schema.schemata where schema_name = $1", [QUEUE_SCHEMA]);
    if (!queue) await tx.exec(getConstructionPlans(QUEUE_SCHEMA));
    await tx.exec(`
      grant usage, create on schema ${QUEUE_SCHEMA} to ${APP_ROLE};
      grant all on all tables in schema ${QUEUE_SCHEMA} to ${APP_ROLE};
      grant all on all sequences in schema ${QUEUE_SCHEMA} to ${APP_ROLE};
      grant execute on all functions in schema ${QUEUE_SCHEMA} to ${APP_ROLE};
      grant usage on schema public to ${APP_ROLE};
      grant select, insert, update, delete on all tables in schema public to ${APP_ROLE};
      grant usage, select on all sequences in schema public to ${APP_ROLE};
      revoke all on atrium_migrations from ${APP_ROLE};
      grant select on atrium_migrations to ${APP_ROLE};
    `);
    const [me] = await tx.query(
      "select rolsuper, pg_has_role(current_user, $1, 'MEMBER') as member from pg_roles where rolname = current_user",
      [APP_ROLE],
    );
    if (me && !me.rolsuper && !me.member) await tx.exec(`grant ${APP_ROLE} to current_user`);
  });
}
