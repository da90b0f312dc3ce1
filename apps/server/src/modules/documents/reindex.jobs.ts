import type { Database } from "../../infra/db/database";
import type { JobDefinition } from "../../infra/queue/job-queue";
import { INGEST_JOB } from "./documents.jobs";
import type { DocumentsRepository } from "./documents.repository";
import { keywordWindows } from "./keyword-window";

/**
 * Re-indexing of one document's searchable version: its chunks' keyword index (`tsv`, BM25
 * length and the keyword statistics) is computed again from the stored chunks, as ingestion now
 * computes it (keyword windows, keyword-window.ts). Chunk ids, texts and vectors stay as they are
 * (feedback and citations point at the ids); the file is not read again. Retries, heartbeat and
 * per-tenant slots are ingestion's.
 */
export const REINDEX_JOB: JobDefinition = { ...INGEST_JOB, name: "documents.reindex" };

export interface ReindexPayload {
  documentId: string;
}

/** Chunks re-indexed per transaction: each is short, so the embedded database's loop keeps moving. */
const CHUNKS_PER_TRANSACTION = 64;

export interface ReindexDeps {
  database: Pick<Database, "scoped">;
  documents: DocumentsRepository;
  batchSize?: number;
}

/**
 * The idempotent re-index handler. Chunks are re-indexed a batch per transaction, each with the
 * document row locked and the version checked to be still the active one (a new version switched
 * in meanwhile is indexed already; a deleted document has nothing left to do). Only chunks whose
 * index changes are written, so a retried or repeated job does nothing more. Between two batches
 * some chunks of the version have windows and some not yet, which search handles as usual.
 */
export function createReindexHandler(deps: ReindexDeps) {
  const { database, documents: repo } = deps;
  const batchSize = deps.batchSize ?? CHUNKS_PER_TRANSACTION;

  return async function reindex(job: { data: ReindexPayload }): Promise<{ changed: number }> {
    const doc = await database.scoped({ bypass: true }, (tx) => repo.findDocument(job.data.documentId, tx));
    const versionId = doc?.activeVersionId;
    if (!doc || !versionId) return { changed: 0 };
    const scope = { tenantId: doc.tenantId };
    const stored = await database.scoped(scope, (tx) => repo.chunksOf(versionId, tx));
    // The heading path is stored joined; the window needs only its first two headings (the section).
    const windows = keywordWindows(stored.map((c) => ({ ...c, headingPath: c.headingPath.split(" > ") })));
    let changed = 0;
    for (let i = 0; i < stored.length; i += batchSize) {
      const batch = stored.slice(i, i + batchSize).map((c, j) => ({
        chunkId: c.chunkId,
        keywordText: windows[i + j] as string,
      }));
      const still = await database.scoped(scope, async (tx) => {
        const current = await repo.lockDocument(doc.id, tx);
        if (current?.activeVersionId !== versionId) return false;
        changed += await repo.reindexChunks(versionId, batch, tx);
        return true;
      });
      if (!still) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    return { changed };
  };
}
