import type { Container } from "../container";
import { INGEST_JOB } from "../modules/documents/documents.jobs";
import { REINDEX_JOB, type ReindexPayload } from "../modules/documents/reindex.jobs";

/** The worker role: consumes background jobs (document ingestion, re-indexing) from the shared queue. */
export async function startWorker(container: Container): Promise<() => Promise<void>> {
  await container.queue.work<{ versionId: string }>(INGEST_JOB, (job) => container.jobs.ingest(job));
  await container.queue.work<ReindexPayload>(REINDEX_JOB, async (job) => {
    await container.jobs.reindex(job);
  });
  // The embedding model was changed since documents were indexed: their vectors are embedded again.
  // A failure here is logged, not fatal: the worker still takes jobs, and the next start retries.
  try {
    const outdated = await container.services.documents.reembedOutdated(container.embeddingSpace);
    if (outdated.documents > 0) {
      console.warn(
        `embeddings: ${outdated.documents} documents have vectors of another model (${outdated.from.join(", ")}); ` +
          `re-embedding them with ${container.embeddingSpace} in the background (Admin → Jobs shows the progress).`,
      );
    }
  } catch (err) {
    console.error(`embeddings: could not check for documents of another model: ${(err as Error).message}`);
  }
  return async () => {};
}
