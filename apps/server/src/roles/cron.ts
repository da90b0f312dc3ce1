import type { Container } from "../container";
import { maintainTables } from "../infra/db/table-maintenance";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Maintenance statements at least this long are logged. */
const SLOW_MAINTENANCE_MS = 50;

/**
 * The cron role: periodic maintenance. Each task is idempotent, so several cron replicas are safe.
 * - purge refresh tokens expired or revoked over a week ago (hourly);
 * - fail answers still "streaming" whose generation stopped reporting for 2 minutes (a process
 *   died mid-answer), so no message stays stuck in streaming (every minute);
 * - embedded database only: vacuum and analyze the tables that need it, as PostgreSQL's autovacuum
 *   would (every minute; see infra/db/table-maintenance.ts); statements of 50 ms or more are logged.
 */
export async function startCron(container: Container): Promise<() => Promise<void>> {
  const { database, repos } = container;
  const purge = async () => {
    const deleted = await database.scoped({ bypass: true }, (tx) =>
      repos.refreshTokens.purge(new Date(Date.now() - 7 * 24 * HOUR), tx),
    );
    if (deleted > 0) console.log(`cron: purged ${deleted} old refresh tokens`);
  };
  const sweep = async () => {
    const failed = await database.scoped({ bypass: true }, (tx) =>
      repos.chats.failStaleStreaming(new Date(Date.now() - 2 * MINUTE), tx),
    );
    if (failed.length > 0) console.log(`cron: marked ${failed.length} interrupted answers as failed`);
  };
  let maintaining = false;
  const maintain = async () => {
    if (maintaining) return;
    maintaining = true;
    try {
      // The ones that held the event loop noticeably; small tables (pg-boss's one-row `version`,
      // updated every few seconds) are vacuumed most minutes in a few ms.
      for (const r of await maintainTables(database)) {
        if (r.ms >= SLOW_MAINTENANCE_MS) console.log(`cron: ${r.statement} took ${r.ms} ms`);
      }
    } finally {
      maintaining = false;
    }
  };
  const run = (name: string, task: () => Promise<void>) => () =>
    void task().catch((err) => console.error(`cron: ${name} failed`, err));
  const timers = [setInterval(run("purge", purge), HOUR), setInterval(run("sweep", sweep), MINUTE)];
  if (database.maintain) timers.push(setInterval(run("table maintenance", maintain), MINUTE));
  for (const t of timers) t.unref();
  run("sweep", sweep)();
  return async () => {
    for (const t of timers) clearInterval(t);
  };
}
