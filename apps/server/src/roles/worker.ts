import type { Container } from "../container";
import { INGEST_JOB } from "../modules/documents/documents.jobs";

/** The worker role: consumes background jobs (document ingestion) from the shared queue. */
export async function startWorker(container: Container): Promise<() => Promise<void>> {
  await container.queue.work<{ versionId: string }>(INGEST_JOB, (job) => container.jobs.ingest(job));
  return async () => {};
}
