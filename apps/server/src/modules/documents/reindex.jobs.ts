import type { Database } from "../../infra/db/database";
import type { Embedder } from "../../infra/embeddings";
import type { JobDefinition } from "../../infra/queue/job-queue";
import { INGEST_JOB } from "./documents.jobs";
import type { DocumentsRepository } from "./documents.repository";
import { keywordWindows } from "./keyword-window";
import { DEFAULT_CHUNK_OPTIONS, embedTextFor } from "./parsing";

/**
 * Re-indexing of one document's searchable version: its chunks' keyword index (`tsv`, BM25
 * length and the keyword statistics) is computed again from the stored chunks, as ingestion now
 * computes it (keyword windows, keyword-window.ts), and when the version's vectors are of another
 * embedding space than the server's embedder (the model was changed), its chunks are embedded
 * again. Chunk ids and texts stay as they are (feedback and citations point at the ids); the file
 * is not read again. Retries, heartbeat and per-tenant slots are ingestion's.
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
  /** The server's embedder and its space: versions of another space are embedded again. */
  embedder?: Pick<Embedder, "embed">;
  embeddingSpace?: string;
  /** The chunk budget ingestion used (the heading prefix of each embedded text depends on it). */
  maxChunkTokens?: number;
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

  return async function reindex(job: { data: ReindexPayload }): Promise<{ changed: number; reembedded?: number }> {
    const doc = await database.scoped({ bypass: true }, (tx) => repo.findDocument(job.data.documentId, tx));
    const versionId = doc?.activeVersionId;
    if (!doc || !versionId) return { changed: 0 };
    const scope = { tenantId: doc.tenantId };
    const [version, stored] = await database.scoped(scope, async (tx) => [
      await repo.findVersion(versionId, tx),
      await repo.chunksOf(versionId, tx),
    ]);
    const space = deps.embeddingSpace;
    const embedder = deps.embedder && space && version?.embeddingSpace !== space ? deps.embedder : undefined;
    const maxTokens = deps.maxChunkTokens ?? DEFAULT_CHUNK_OPTIONS.maxTokens;
    // The heading path is stored joined; the window needs only its first two headings (the section).
    const paths = stored.map((c) => c.headingPath.split(" > "));
    const windows = keywordWindows(stored.map((c, i) => ({ ...c, headingPath: paths[i] as string[] })));
    let changed = 0;
    let reembedded = 0;
    for (let i = 0; i < stored.length; i += batchSize) {
      const part = stored.slice(i, i + batchSize);
      const batch = part.map((c, j) => ({ chunkId: c.chunkId, keywordText: windows[i + j] as string }));
      const vectors = embedder
        ? await embedder.embed(part.map((c, j) => embedTextFor(c.text, paths[i + j] as string[], maxTokens)))
        : undefined;
      const still = await database.scoped(scope, async (tx) => {
        const current = await repo.lockDocument(doc.id, tx);
        if (current?.activeVersionId !== versionId) return false;
        changed += await repo.reindexChunks(versionId, batch, tx);
        if (vectors) {
          await repo.setEmbeddings(
            versionId,
            part.map((c, j) => ({ chunkId: c.chunkId, embedding: vectors[j] as Float32Array })),
            tx,
          );
          reembedded += part.length;
        }
        return true;
      });
      if (!still) return { changed };
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (!embedder) return { changed };
    // Every chunk has a vector of the new space now: the version says so (a retry starts over).
    await database.scoped(scope, (tx) => repo.updateVersion(versionId, { embeddingSpace: space }, tx));
    return { changed, reembedded };
  };
}
