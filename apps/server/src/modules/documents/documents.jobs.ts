import type { Database } from "../../infra/db/database";
import type { Embedder } from "../../infra/embeddings";
import type { JobDefinition } from "../../infra/queue/job-queue";
import type { SecretBox } from "../../infra/secrets";
import type { ObjectStorage } from "../../infra/storage";
import { titleAfterParsing } from "./document-title";
import type { DocumentsRepository } from "./documents.repository";
import { tsConfigFor } from "./hybrid";
import { keywordWindows } from "./keyword-window";
import { type Chunk, chunkDocument, type DocumentType, ParseError, parseDocument } from "./parsing";

/** Ingestion of one document version: parse → chunk → embed → index → switch the active version. */
export const INGEST_JOB: JobDefinition = {
  name: "documents.ingest",
  retryLimit: 4,
  retryDelaySeconds: 5,
  // A worker killed mid-job stops heartbeating; the job is retried after this long.
  heartbeatSeconds: 30,
  expireInSeconds: 3600,
  concurrency: 2,
  // With two slots per worker, one tenant's backlog always leaves a slot for another tenant.
  perTenantConcurrency: 1,
};

/** The progress bar of a document moves at most this often. */
const PROGRESS_EVERY_MS = 1000;

/** The stored row of a chunk of a document version (the form `upsertChunks` takes). */
export function chunkRow(
  c: Chunk,
  at: { versionId: string; documentId: string; tenantId: string; tsConfig: string },
  embedding: ArrayLike<number> | undefined,
  keywordText: string | undefined,
) {
  return {
    ...at,
    chunkId: c.id,
    ordinal: c.ordinal,
    text: c.text,
    headingPath: c.headingPath.join(" > "),
    page: c.page ?? null,
    pageEnd: c.pageEnd ?? null,
    tokenCount: c.tokenCount,
    embedding: Array.from(embedding ?? []),
    keywordText,
  };
}

export interface IngestPayload {
  versionId: string;
}

export interface IngestDeps {
  database: Pick<Database, "scoped">;
  documents: DocumentsRepository;
  storage: Pick<ObjectStorage, "get">;
  embedder: Pick<Embedder, "embed">;
  secrets: SecretBox;
  /** Tells watchers about a status change. */
  publish: (documentId: string, tenantId: string) => Promise<void>;
  /** Told how many chunks a version stored once it is switched in (planner statistics, embedded). */
  chunksStored?: (count: number) => Promise<void>;
  batchSize?: number;
  chunkTokens?: { maxTokens: number; overlapTokens: number };
  /** The embedder's vector space (`embeddingSpace`), recorded on the version with its chunks. */
  embeddingSpace?: string;
  /**
   * The embedded database runs each statement on the main thread, so the event loop waits for it:
   * there, chunks are written at most this many per transaction, and the version switch counts
   * the keyword statistics this many chunks per statement, the loop let run between statements
   * (the switch stays one transaction). Unset (PostgreSQL): a whole batch per statement.
   */
  statementChunks?: number;
}

/** Lets timers, sockets and requests run between two statements of a long job. */
const letLoopRun = () => new Promise<void>((resolve) => setImmediate(resolve));

/** `items` in slices of at most `size` (one slice when size is unset). */
function slices<T>(items: T[], size: number | undefined): T[][] {
  if (!size || items.length <= size) return [items];
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.isBuffer(part) ? part : Buffer.from(part as string));
  return Buffer.concat(parts);
}

/**
 * The idempotent ingestion handler. A retried job (after a crash) skips chunks a previous attempt
 * already stored, and chunk writes upsert, so nothing is lost or duplicated. Problems with the
 * file itself (encrypted, no text, unreadable) fail the document at once with a clear message;
 * other errors are thrown so the queue retries with backoff, and mark it failed after the last try.
 */
export function createIngestHandler(deps: IngestDeps) {
  const { database, documents: repo } = deps;
  const batchSize = deps.batchSize ?? 32;

  return async function ingest(job: { data: IngestPayload; retryCount?: number; retryLimit?: number }): Promise<void> {
    const { versionId } = job.data;
    const version = await database.scoped({ bypass: true }, (tx) => repo.findVersion(versionId, tx));
    if (!version || version.status === "ready" || version.status === "superseded") return;
    const { tenantId, documentId } = version;
    const scope = { tenantId };
    const setDoc = async (patch: Parameters<DocumentsRepository["updateDocument"]>[1]) => {
      await database.scoped(scope, (tx) => repo.updateDocument(documentId, patch, tx));
      await deps.publish(documentId, tenantId);
    };
    const fail = async (code: string, message: string) => {
      await database.scoped(scope, async (tx) => {
        await repo.updateVersion(versionId, { status: "failed" }, tx);
        await repo.updateDocument(
          documentId,
          { status: "failed", errorCode: code, errorMessage: message, progress: 0 },
          tx,
        );
      });
      await deps.publish(documentId, tenantId);
    };

    try {
      await database.scoped(scope, (tx) => repo.updateVersion(versionId, { status: "processing" }, tx));
      await setDoc({ status: "processing", progress: 5, errorCode: null, errorMessage: null });

      const buf = await readAll(await deps.storage.get(version.storageKey));
      const password = version.passwordEncrypted ? deps.secrets.open(version.passwordEncrypted) : undefined;
      const parsed = await parseDocument(buf, version.type as DocumentType, { password });
      const all = chunkDocument(parsed, deps.chunkTokens ?? { maxTokens: 100, overlapTokens: 20 });
      if (all.length === 0) return await fail("document.no_text", "No text could be extracted from this file.");
      const tsConfig =
        parsed.language === "ru" ? "russian" : parsed.language === "en" ? "english" : tsConfigFor(all[0]?.text ?? "");
      await setDoc({ progress: 10, language: parsed.language, pageCount: parsed.pageCount ?? null });

      // Windows come from the whole version, so a resumed attempt indexes a chunk as the first did.
      const windows = keywordWindows(all);
      const keywordTextOf = new Map(all.map((c, i) => [c.id, windows[i] as string]));
      // Resume: chunks stored by an earlier, interrupted attempt are not embedded again.
      const done = await database.scoped(scope, (tx) => repo.chunkIdsOf(versionId, tx));
      const todo = all.filter((c) => !done.has(c.id));
      // The next batch is embedded while this one is written, so the model never waits for the
      // database; the progress bar moves at most once a second (each move is a write and a broadcast).
      const embedBatch = (from: number) => {
        const texts = todo.slice(from, from + batchSize).map((c) => c.embedText);
        if (texts.length === 0) return undefined;
        const pending = deps.embedder.embed(texts);
        pending.catch(() => undefined); // awaited in turn below, where a failure surfaces
        return pending;
      };
      let next = embedBatch(0);
      let progressAt = 0;
      for (let i = 0; i < todo.length; i += batchSize) {
        const batch = todo.slice(i, i + batchSize);
        const vectors = (await next) ?? [];
        next = embedBatch(i + batchSize);
        const rows = batch.map((c, j) =>
          chunkRow(c, { versionId, documentId, tenantId, tsConfig }, vectors[j], keywordTextOf.get(c.id)),
        );
        for (const part of slices(rows, deps.statementChunks)) {
          await database.scoped(scope, (tx) => repo.upsertChunks(part, tx));
          if (deps.statementChunks) await letLoopRun();
        }
        if (Date.now() - progressAt >= PROGRESS_EVERY_MS && i + batchSize < todo.length) {
          progressAt = Date.now();
          const progress = 10 + Math.floor((85 * (done.size + i + batch.length)) / all.length);
          await setDoc({ progress: Math.min(95, progress) });
        }
      }

      // The switch: one transaction points the document at the new version and drops the old
      // chunks, so a question sees the old version or the new one, never a mix or nothing.
      await database.scoped(scope, async (tx) => {
        const doc = await repo.lockDocument(documentId, tx);
        if (!doc) return;
        const count = await repo.countChunks(versionId, tx);
        const previous = doc.activeVersionId;
        await repo.updateVersion(
          versionId,
          { status: "ready", chunkCount: count, passwordEncrypted: null, embeddingSpace: deps.embeddingSpace ?? null },
          tx,
        );
        const title = titleAfterParsing(doc.title, doc.filename, parsed.title);
        await repo.updateDocument(
          documentId,
          { activeVersionId: versionId, status: "ready", progress: 100, chunkCount: count, title },
          tx,
        );
        if (previous === versionId) return;
        // Statements of at most statementChunks chunks (embedded: a 500-chunk version's statistics
        // in one statement held the event loop for half a second); one per version otherwise.
        const countIn = async (version: string, sign: 1 | -1, ids: () => Promise<string[]>) => {
          if (!deps.statementChunks) return repo.countInKeywordStats(version, sign, tx);
          for (const part of slices(await ids(), deps.statementChunks)) {
            await repo.countInKeywordStats(version, sign, tx, part);
            await letLoopRun();
          }
        };
        await countIn(versionId, 1, async () => [...new Set(all.map((c) => c.id))]);
        if (previous) {
          await countIn(previous, -1, async () => [...(await repo.chunkIdsOf(previous, tx))]);
          await repo.deleteChunksOf(previous, tx);
          await repo.updateVersion(previous, { status: "superseded" }, tx);
        }
      });
      await deps.publish(documentId, tenantId);
      await deps.chunksStored?.(todo.length).catch((err: Error) => console.warn(`search statistics: ${err.message}`));
    } catch (err) {
      if (err instanceof ParseError) return await fail(err.code, err.message);
      const last = job.retryLimit !== undefined && (job.retryCount ?? 0) >= job.retryLimit;
      const message = err instanceof Error ? err.message : String(err);
      if (last) {
        await fail(
          "document.unreadable",
          `Indexing failed after several attempts: ${message}. Retry it from the documents page.`,
        );
      } else {
        await setDoc({
          status: "queued",
          errorMessage: `Attempt ${(job.retryCount ?? 0) + 1} failed (${message}); retrying.`,
        }).catch(() => undefined);
      }
      throw err;
    }
  };
}
