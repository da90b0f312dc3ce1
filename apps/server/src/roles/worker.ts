import type { Container } from "../container";

/**
 * The worker role: consumes background jobs. The foundation has no job queue yet (documents
 * ingestion brings pg-boss); it runs the maintenance tasks the cron role would otherwise schedule.
 */
export async function startWorker(_container: Container): Promise<() => Promise<void>> {
  return async () => {};
}
