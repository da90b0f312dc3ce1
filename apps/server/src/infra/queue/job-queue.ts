import { sql } from "drizzle-orm";
import { fromDrizzle, fromPglite, PgBoss, type QueueStats } from "pg-boss";
import type { Database, DB } from "../db/database";
import { APP_ROLE, QUEUE_SCHEMA } from "../db/migrate";

/** A job type: a queue name, retry policy, and how many run at once per process and per tenant. */
export interface JobDefinition {
  name: string;
  retryLimit: number;
  /** First retry delay in seconds; doubles each retry (with jitter). */
  retryDelaySeconds: number;
  /** A job whose worker stops heartbeating for this long is retried (a killed worker). */
  heartbeatSeconds: number;
  expireInSeconds: number;
  /** Jobs running at once in one worker process. */
  concurrency: number;
  /** Jobs of one tenant running at once across all workers (fairness between tenants). */
  perTenantConcurrency: number;
}

/** A job as a handler sees it: its payload and which attempt this is. */
export interface WorkJob<T> {
  id: string;
  data: T;
  retryCount: number;
  retryLimit: number;
}

export interface SendOptions {
  /** Jobs are grouped by tenant so one tenant's backlog cannot starve another. */
  tenantId: string;
  /** Enqueue inside this transaction: the job exists if and only if the transaction commits. */
  tx?: DB;
  priority?: number;
}

/** The job queue adapter (pg-boss on the application's own database). */
export interface JobQueue {
  /** Creates the queues; `maintain` also runs expiry/retry supervision (one or more processes). */
  start(opts: { maintain: boolean }): Promise<void>;
  send<T extends object>(def: JobDefinition, data: T, opts: SendOptions): Promise<string>;
  /** Consumes jobs of a definition in this process; the handler sees which attempt this is. */
  work<T extends object>(def: JobDefinition, handler: (job: WorkJob<T>) => Promise<void>): Promise<void>;
  /** Counts per queue: queued, active, failed, total. */
  stats(defs: JobDefinition[]): Promise<(QueueStats & { name: string })[]>;
  stop(): Promise<void>;
}

/**
 * pg-boss on PGlite (sharing the embedded connection) or on PostgreSQL (its own small pool, as the
 * app role). The schema is created by the migrator, so pg-boss runs without DDL rights.
 */
export function createJobQueue(
  database: Database,
  opts: { pollingSeconds?: number; heartbeatSeconds?: number; superviseSeconds?: number } = {},
): JobQueue {
  const common = {
    schema: QUEUE_SCHEMA,
    migrate: false,
    createSchema: false,
    schedule: false,
    superviseIntervalSeconds: opts.superviseSeconds ?? 30,
  } as const;
  let boss: PgBoss | undefined;
  let started = false;
  const defs = new Map<string, JobDefinition>();

  const make = (maintain: boolean) => {
    if (database.pglite) return new PgBoss({ ...common, supervise: maintain, db: fromPglite(database.pglite) });
    if (!database.url) throw new Error("the job queue needs the PostgreSQL connection string");
    return new PgBoss({
      ...common,
      supervise: maintain,
      connectionString: database.url,
      options: `-c role=${APP_ROLE}`,
      max: 4,
    });
  };
  const ready = () => {
    if (!boss || !started) throw new Error("job queue not started");
    return boss;
  };

  return {
    async start({ maintain }) {
      boss = make(maintain);
      boss.on("error", (err) => console.error("job queue:", err.message));
      await boss.start();
      started = true;
    },

    async send(def, data, sendOpts) {
      const b = ready();
      await ensureQueue(b, def);
      const id = await b.send(def.name, data, {
        group: { id: sendOpts.tenantId },
        ...(sendOpts.priority !== undefined ? { priority: sendOpts.priority } : {}),
        ...(sendOpts.tx ? { db: fromDrizzle(sendOpts.tx as never, sql as never) } : {}),
      });
      if (!id) throw new Error(`job ${def.name} was not created`);
      return id;
    },

    async work<T extends object>(def: JobDefinition, handler: (job: WorkJob<T>) => Promise<void>) {
      const b = ready();
      await ensureQueue(b, def);
      await b.work<object>(
        def.name,
        {
          includeMetadata: true,
          pollingIntervalSeconds: opts.pollingSeconds ?? 1,
          localConcurrency: def.concurrency,
          groupConcurrency: def.perTenantConcurrency,
        },
        async ([job]) => {
          // includeMetadata adds the attempt counters to each job.
          const j = job as unknown as WorkJob<T> | undefined;
          if (j) await handler({ id: j.id, data: j.data, retryCount: j.retryCount, retryLimit: j.retryLimit });
        },
      );
    },

    async stats(list) {
      const b = ready();
      const out: (QueueStats & { name: string })[] = [];
      for (const def of list) {
        await ensureQueue(b, def);
        const [s] = await b.getQueueStats(def.name);
        if (s) out.push({ ...s, name: def.name });
      }
      return out;
    },

    async stop() {
      if (!boss || !started) return;
      started = false;
      await boss.stop({ graceful: true, timeout: 10_000 });
    },
  };

  async function ensureQueue(b: PgBoss, def: JobDefinition) {
    if (defs.has(def.name)) return;
    if (!(await b.getQueue(def.name))) {
      await b
        .createQueue(def.name, {
          retryLimit: def.retryLimit,
          retryDelay: def.retryDelaySeconds,
          retryBackoff: true,
          heartbeatSeconds: opts.heartbeatSeconds ?? def.heartbeatSeconds,
          expireInSeconds: def.expireInSeconds,
        })
        .catch((err: Error) => {
          // Another process created it first.
          if (!/exists|duplicate/i.test(err.message)) throw err;
        });
    }
    defs.set(def.name, def);
  }
}
